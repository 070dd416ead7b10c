"""A value the user named is often part of a longer one a tool returned: the user wrote "AMZN Mktp US*2K4" and
the agent searched for "AMZN"; the transaction's description is "AMZN Mktp US*2K4". The whole span the user
wrote is the instance, not only the part the agent passed on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

# A JSON string of a name's length: a message or a document is no name ("Scaled checkout-api to 8 replicas").
_STRING = re.compile(r'"((?:[^"\\]|\\.){3,120})"')
_MAX_TOKENS = 8
# A string with these is a sentence, whose words around the value are not part of it ("Refund for order 1182").
_PROSE = frozenset({
    "to", "of", "for", "on", "in", "the", "a", "an", "and", "or", "with", "from", "at", "by", "is", "was", "are",
    "were", "be", "as", "into", "via", "per", "has", "have", "not",
})  # fmt: skip


def returned_literals(results: Iterable[str]) -> list[str]:
    """The short string values the tools returned that read as names, not sentences: each span a value may
    widen to."""
    found: dict[str, None] = {}
    for content in results:
        for match in _STRING.finditer(content):
            try:
                text = json.loads(f'"{match.group(1)}"')
            except ValueError:
                continue
            tokens = text.split()
            if 2 <= len(tokens) <= _MAX_TOKENS and not _PROSE.intersection(tokens):
                found[text] = None
    return list(found)


def returned_spans(value: str, request: str, literals: Iterable[str]) -> list[str]:
    """The longest stretches of the request holding ``value`` that a tool returned as (part of) one of
    ``literals``, longest first; none when the user wrote only ``value`` itself."""
    lowered, wanted = request.lower(), value.lower()
    spans = set()
    for literal in literals:
        if wanted in literal.lower():
            span = _longest_in(literal, value, lowered)
            if span and len(span) > len(value) and _whole(span, request):
                spans.add(span)
    return sorted(spans, key=len, reverse=True)


def _longest_in(literal: str, value: str, lowered_request: str) -> str | None:
    """The longest run of the literal's words that holds ``value`` and that the request holds too."""
    tokens = literal.split()
    windows = (" ".join(tokens[start:end]) for start in range(len(tokens)) for end in range(start + 1, len(tokens) + 1))
    held = [w for w in windows if _whole(value, w) and w.lower() in lowered_request]
    return max(held, key=len, default=None)


def _whole(part: str, text: str) -> bool:
    """Written in ``text`` on its own, not inside a longer word ("20" is no part of "SPRING20")."""
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text, re.IGNORECASE) is not None
