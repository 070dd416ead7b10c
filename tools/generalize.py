"""Turning a task's concrete argument values into named placeholders.

A value becomes ``{name}`` when it varies by instance: it was taken from the
user's request, produced by an earlier step's result, or has the shape of an
id, email, path, URL, date, amount, file or person name. Values intrinsic to
the procedure (an enum such as ``status="cancelled"``) stay literal. The same
value used twice gets the same placeholder, which is how data flow between
steps shows ("``{reservation_id}`` from step 2").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from deftly.tools.extract.tools_kind import words
from deftly.tools.models import Parameter
from deftly.tools.values import ISO_DATE, WORD_DATE, example_for, kind_of, whole_word

READABLE_KINDS = frozenset({"text", "option"})
_GENERIC_KEYS = {"id", "name", "value", "input", "data", "arg", "args", "key", "item"}
_OPTION_KEYS = re.compile(r"^(?:limit|max\w*|min\w*|top_?k|page|per_page|offset|timeout|retries|depth|n|k|size)$")
_AMOUNT_KEYS = re.compile(r"amount|price|cost|total|fee|balance|quantity|qty|count|number|baggages?|bags?|seats?")
_MONTH_NUMBERS = {
    m: i + 1
    for i, names in enumerate(
        [
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
        ]
    )
    for m in names.split()
}


@dataclass
class Binding:
    name: str
    value: str
    kind: str
    source: str

    @property
    def description(self) -> str:
        where = {
            "request": "from the user's request",
            "agent": "chosen or written by the agent",
        }.get(self.source, f"from the result of {self.source}")
        return f"{self.kind.capitalize()} {where}."

    def parameter(self) -> Parameter:
        return Parameter(
            name=self.name,
            description=self.description,
            kind=self.kind,
            example=example_for(self.kind, self.value),
            source=self.source,
        )


@dataclass
class ValueBinder:
    """Assigns placeholders to the argument values of one task, step by step."""

    request: str
    bindings: dict[str, Binding] = field(default_factory=dict)  # key: normalized value
    _results: list[tuple[int, str]] = field(default_factory=list)

    def add_result(self, step_number: int, content: str) -> None:
        self._results.append((step_number, content))

    def generalize(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return {key: self._value(tool, key, value) for key, value in arguments.items()}

    def alias(self, value: Any, placeholder: Any) -> None:
        """Bind ``value`` to an existing ``{name}`` (another iteration of a repeated step)."""
        if isinstance(value, dict) and isinstance(placeholder, dict):
            for key, inner in value.items():
                if key in placeholder:
                    self.alias(inner, placeholder[key])
            return
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return
        if not (isinstance(placeholder, str) and placeholder.startswith("{") and placeholder.endswith("}")):
            return
        name = placeholder[1:-1]
        original = next((b for b in self.bindings.values() if b.name == name), None)
        text = value.strip() if isinstance(value, str) else _number_text(value)
        if original is not None and text.lower() not in self.bindings:
            self.bindings[text.lower()] = Binding(name, text, original.kind, original.source)

    def parameters(self) -> list[Parameter]:
        """One parameter per placeholder name (aliases of a repeated step share one)."""
        seen: dict[str, Parameter] = {}
        for binding in self.bindings.values():
            seen.setdefault(binding.name, binding.parameter())
        return list(seen.values())
        return [binding.parameter() for binding in self.bindings.values()]

    def literal_values(self) -> list[str]:
        return [binding.value for binding in self.bindings.values()]

    def value_map(self) -> dict[str, str]:
        """Instance values to replace in natural-language text (titles, requests, lessons).

        Free text and options ("quarterly report", "business") say what the task is about and are
        not identifying, so they stay readable there; arguments always use the placeholder.
        """
        return {b.value: b.name for b in self.bindings.values() if b.kind not in READABLE_KINDS}

    def _value(self, tool: str, key: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._value(tool, str(k), v) for k, v in value.items()}
        if isinstance(value, list):
            return self._list(tool, key, value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return self._number(tool, key, value)
        if isinstance(value, str):
            return self._string(tool, key, value)
        return value

    def _list(self, tool: str, key: str, items: list[Any]) -> list[Any]:
        item_key = _singular(key)
        same_shape = len(items) > 1 and all(isinstance(i, dict) for i in items)
        if same_shape and len({tuple(sorted(i)) for i in items}) == 1:
            template = self._value(tool, item_key, items[0])
            for item in items[1:]:
                self.alias(item, template)
            return [template, "…"]
        return [self._value(tool, item_key, item) for item in items]

    def _number(self, tool: str, key: str, value: float) -> Any:
        if _OPTION_KEYS.match(key.lower()):
            return value
        text = _number_text(value)
        known = self.bindings.get(text)
        if known:
            return "{" + known.name + "}"
        source = self._source(text)
        if source == "agent" and not _AMOUNT_KEYS.search(key.lower()):
            return value
        return self._bind(tool, key, text, "amount" if _AMOUNT_KEYS.search(key.lower()) else "number", source)

    def _string(self, tool: str, key: str, value: str) -> Any:
        text = value.strip()
        known = self.bindings.get(text.lower())
        if known:
            return "{" + known.name + "}"
        kind = kind_of(text, key)
        source = self._source(text)
        if kind is None:
            if source != "request" or len(text) < 3:
                return value
            kind = "option"
        return self._bind(tool, key, text, kind, source)

    def _bind(self, tool: str, key: str, value: str, kind: str, source: str) -> str:
        name = self._name_for(tool, key)
        self.bindings[value.lower()] = Binding(name=name, value=value, kind=kind, source=source)
        return "{" + name + "}"

    def _name_for(self, tool: str, key: str) -> str:
        base = _snake(key) or "value"
        if base in _GENERIC_KEYS:
            noun = [w for w in words(tool)[1:] if w not in ("details", "info", "data")]
            base = f"{noun[0]}_{base}" if noun else base
        taken = {b.name for b in self.bindings.values()}
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        return name

    def _source(self, value: str) -> str:
        if _mentioned(value, self.request):
            return "request"
        for step_number, content in self._results:
            if value in content and whole_word(value, ignore_case=False).search(content):
                return f"step {step_number}"
        return "agent"


def _mentioned(value: str, text: str) -> bool:
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


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _snake(key: str) -> str:
    key = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def _singular(key: str) -> str:
    if key.endswith("ies"):
        return key[:-3] + "y"
    if key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    return key


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
