"""A value the user named is often part of a longer one a tool returned: the user wrote "AMZN Mktp US*2K4" and
the agent searched for "AMZN"; the transaction's description is "AMZN Mktp US*2K4". The whole span the user
wrote is the instance, not only the part the agent passed on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_STRING = re.compile(r'"((?:[^"\\]|\\.){3,120})"')
_MAX_TOKENS = 8


def returned_spans(value: str, request: str, results: Iterable[str]) -> list[str]:
    """The longest stretches of the request holding ``value`` that some tool returned as (part of) one string
    value, longest first; none when the user wrote only ``value`` itself."""
    lowered = request.lower()
    spans = set()
    for content in results:
        for literal in _literals(content, value):
            span = _longest_in(literal, value, lowered)
            if span and len(span) > len(value) and _whole(span, request):
                spans.add(span)
    return sorted(spans, key=len, reverse=True)


def _literals(content: str, value: str) -> list[str]:
    if value.lower() not in content.lower():
        return []
    found = []
    for match in _STRING.finditer(content):
        try:
            text = json.loads(f'"{match.group(1)}"')
        except ValueError:
            continue
        if value.lower() in text.lower() and len(text.split()) <= _MAX_TOKENS:
            found.append(text)
    return found


def _longest_in(literal: str, value: str, lowered_request: str) -> str | None:
    """The longest run of the literal's words that holds ``value`` and that the request holds too."""
    tokens = literal.split()
    windows = (" ".join(tokens[start:end]) for start in range(len(tokens)) for end in range(start + 1, len(tokens) + 1))
    held = [w for w in windows if _whole(value, w) and w.lower() in lowered_request]
    return max(held, key=len, default=None)


def _whole(part: str, text: str) -> bool:
    """Written in ``text`` on its own, not inside a longer word ("20" is no part of "SPRING20")."""
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text, re.IGNORECASE) is not None
