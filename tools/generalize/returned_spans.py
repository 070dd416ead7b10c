"""A value the user named is often part of a longer one a tool returned: the user wrote "AMZN Mktp US*2K4" and
the agent searched for "AMZN"; the transaction's description is "AMZN Mktp US*2K4". The whole span the user
wrote is the instance, not only the part the agent passed on."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

# A JSON string of a name's length around the value: a message or a document is no name.
_MAX_CHARS = 120
_MAX_TOKENS = 8
_MAX_PLACES = 20  # places a value is looked at in one result: a long list repeats the same few names
# A string with these is a sentence, whose words around the value are not part of it ("Refund for order 1182",
# "Scaled checkout-api to 8 replicas").
_PROSE = frozenset({
    "to", "of", "for", "on", "in", "the", "a", "an", "and", "or", "with", "from", "at", "by", "is", "was", "are",
    "were", "be", "as", "into", "via", "per", "has", "have", "not",
})  # fmt: skip


def returned_spans(value: str, request: str, results: Sequence[tuple[str, str]]) -> list[str]:
    """The longest stretches of the request holding ``value`` that a tool returned as (part of) one string
    value naming something, longest first; none when the user wrote only ``value`` itself. ``results`` are
    (content, lower-cased content) pairs."""
    lowered, wanted = request.lower(), value.lower()
    spans: set[str] = set()
    for literal in _names_around(wanted, results):
        span = _longest_in(literal, value, lowered)
        if span and len(span) > len(value) and _whole(span, request):
            spans.add(span)
    return sorted(spans, key=len, reverse=True)


def _names_around(wanted: str, results: Sequence[tuple[str, str]]) -> set[str]:
    """The JSON strings holding ``wanted`` that read as names (a few words, no sentence), read only around
    where it appears: a result may be large, and most of it says nothing of the value."""
    found: set[str] = set()
    for content, lowered in results:
        place = lowered.find(wanted)
        for _ in range(_MAX_PLACES):
            if place < 0:
                break
            left = content.rfind('"', max(0, place - _MAX_CHARS), place)
            right = content.find('"', place + len(wanted), place + len(wanted) + _MAX_CHARS)
            if (
                left >= 0
                and right >= 0
                and _a_string(content, left, right)
                and (name := _name(content[left + 1 : right]))
            ):
                found.add(name)
            place = lowered.find(wanted, place + 1)
    return found


def _a_string(content: str, left: int, right: int) -> bool:
    """The quotes open and close one JSON string (``"name": "TST* OLIVE & VINE",``), not the end of a key and
    the start of the next (``"amount": -229.12, "status"``)."""
    # a few characters either side are enough to pass the spaces of pretty-printed JSON
    before = content[max(0, left - 8) : left].rstrip()[-1:]
    after = content[right + 1 : right + 9].lstrip()[:1]
    return before in {":", "[", ",", "{", ""} and after in {",", "}", "]", ":", ""}


def _name(quoted: str) -> str | None:
    try:
        text = json.loads(f'"{quoted}"')
    except ValueError:
        return None
    tokens = text.split() if isinstance(text, str) else []
    return text if 2 <= len(tokens) <= _MAX_TOKENS and not _PROSE.intersection(tokens) else None


def _longest_in(literal: str, value: str, lowered_request: str) -> str | None:
    """The longest run of the literal's words that holds ``value`` and that the request holds too."""
    tokens = literal.split()
    windows = (" ".join(tokens[start:end]) for start in range(len(tokens)) for end in range(start + 1, len(tokens) + 1))
    held = [w for w in windows if _whole(value, w) and w.lower() in lowered_request]
    return max(held, key=len, default=None)


def _whole(part: str, text: str) -> bool:
    """Written in ``text`` on its own, not inside a longer word ("20" is no part of "SPRING20")."""
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text, re.IGNORECASE) is not None
