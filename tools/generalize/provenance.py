"""Where a value in a call came from: the user's request, an earlier step's result, or the agent itself."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from deftly.tools.values import ISO_DATE, WORD_DATE, whole_word

REQUEST, AGENT = "request", "agent"
_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}


@dataclass
class ValueSources:
    """The request and the results seen so far, to tell where a value was taken from."""

    request: str
    results: list[tuple[int, str]] = field(default_factory=list)
    _json: dict[int, Any] = field(default_factory=dict, repr=False)

    def add_result(self, step_number: int, content: str) -> None:
        self.results.append((step_number, content))

    def source_of(self, value: str) -> str:
        """``"request"``, ``"step N"`` (the first result holding it as a whole word) or ``"agent"``."""
        if mentioned(value, self.request):
            return REQUEST
        for step_number, content in self.results:
            if value in content and whole_word(value, ignore_case=False).search(content):
                return f"step {step_number}"
        return AGENT

    def key_holding(self, value: str) -> str | None:
        """The key an earlier result gave ``value`` under as an identifier (``"line_ids": ["L2195"]``,
        ``"order_id"``), if it was JSON; not a field naming another record (``"manager"``, ``"parent"``)."""
        for index, (_, content) in enumerate(self.results):
            if value in content and (found := _key_of(self._parsed(index), value)) is not None:
                return found
        return None

    def _parsed(self, index: int) -> Any:
        """The result's JSON, read once however many values are looked up in it (None when it is no JSON)."""
        if index not in self._json:
            try:
                self._json[index] = json.loads(self.results[index][1])
            except ValueError:
                self._json[index] = None
        return self._json[index]


def _key_of(tree: Any, value: str, depth: int = 0) -> str | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(tree, list):
        return next((found for item in tree if (found := _key_of(item, value, depth + 1))), None)
    if not isinstance(tree, dict):
        return None
    for key, item in tree.items():
        if (item == value or (isinstance(item, list) and value in item)) and _IDENTIFIER.search(str(key)):
            return str(key)
        if isinstance(item, dict | list) and (found := _key_of(item, value, depth + 1)):
            return found
    return None


_MAX_DEPTH = 4
_IDENTIFIER = re.compile(r"(?:^|_)(?:id|ids|ID|IDs)$|[a-z]Ids?$")  # line_ids, orderId; not "paid"


def mentioned(value: str, text: str) -> bool:
    """``value`` appears in ``text`` as a whole word, or (an ISO date) written in words ("May 3")."""
    if len(value) >= 2 and value.lower() in text.lower() and whole_word(value).search(text):
        return True
    return bool(ISO_DATE.fullmatch(value) and _date_in_words(value, text))


def _date_in_words(iso: str, text: str) -> bool:
    month, day = int(iso[5:7]), int(iso[8:10])
    for match in WORD_DATE.finditer(text):
        parts = re.findall(r"[a-z]+|\d+", match.group(0).lower())
        months = [_MONTH_NUMBERS[p] for p in parts if p in _MONTH_NUMBERS]
        days = [int(p) for p in parts if p.isdigit() and int(p) <= 31]
        if months and days and months[0] == month and days[0] == day:
            return True
    return False


_DICTATED_WORDS = 6


def written_as_name(value: str, text: str) -> bool:
    """``value`` appears capitalized in ``text`` other than as the first word of a sentence: a place, a
    product or a person ("Washington", "Fleece Jacket"), unlike "business" or "high"; or it is an address."""
    words = value.split()
    if len(words) >= 2 and value[:1].isdigit() and any(w[:1].isupper() for w in words[1:]):
        return value in text  # "4417 Maple Ridge Drive": a street address, wherever it stands
    if len(value) < 2 or not value[:1].isupper():
        return False
    capitalized = sum(w[:1].isupper() for w in words)
    # "Wen Cohen asked me …", "…: Moravia Lab Instruments s.r.o. says": a name even first
    if len(words) >= 2 and capitalized >= max(2, len(words) - 1):
        return whole_word(value, ignore_case=False).search(text) is not None
    return any(not sentence_start(text, m.start()) for m in whole_word(value, ignore_case=False).finditer(text))


def opens_a_sentence(value: str, text: str) -> bool:
    """``value`` is a sentence of ``text`` itself ("Bump sqlalchemy to 2.0 …" copied into a PR's title), not
    something said inside one."""
    return bool(re.search(rf"(?:^|[.!?]\s+|\n)(?:please\s+)?{re.escape(value)}", text, re.IGNORECASE))


def dictated(value: str, text: str) -> bool:
    """A passage the user wrote for a tool to carry (a message to post, a note to add): several words of the
    request, wherever they stand in it ("post this in #deploys:" and the message on the next line). Its words
    are the run's content, not the task's."""
    return len(value.split()) >= _DICTATED_WORDS and value.lower() in text.lower()


def sentence_start(text: str, position: int) -> bool:
    """Whether ``position`` opens a sentence of ``text``: where any word is capitalized anyway."""
    before = text[:position].rstrip()
    return not before or before[-1] in ".!?:\n\"'"
