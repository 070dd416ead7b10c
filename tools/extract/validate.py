"""Checks every draft passes, whichever extractor wrote it: no literal leaks, placeholders declared, tools real."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from deftly.tools.extract.base import Draft, Task
from deftly.tools.generalize.binder import name_value_pair
from deftly.tools.trace import Message, ToolCall, Trace, result_json
from deftly.tools.values import (
    EMAIL,
    ID_TOKEN,
    ISO_DATE,
    PATH,
    PLACEHOLDER,
    URL,
    UUID,
    WORD_DATE,
    kind_of,
    literal_leaks,
)

_TEXT_PATTERNS = (EMAIL, URL, UUID, ISO_DATE, WORD_DATE, PATH, ID_TOKEN)
_MAX_RESULT_DEPTH = 6
_MIN_RETURNED_ID = 4
_STATE_KEYS = frozenset({"status", "state", "phase", "type", "kind", "stage", "result", "outcome", "conclusion"})


def sensitive_literals(task: Task, names: Iterable[str] = ()) -> set[str]:
    """Instance values of this task that must never appear in its procedure."""
    literals = {n for n in names if len(n) >= 2}
    for call in task.calls:
        _collect_argument_values(call.arguments, "", literals)
    said = "\n".join(t.text for t in task.turns if isinstance(t, Message) and t.role == "user")
    literals.update(value for call in task.calls for value in _returned_ids(call) if _mentioned(value, said))
    for turn in task.turns:
        if isinstance(turn, Message) and turn.role == "user":
            for pattern in _TEXT_PATTERNS:
                literals.update(m.group(0) for m in pattern.finditer(turn.text))
    return {literal for literal in literals if not PLACEHOLDER.fullmatch(literal)}


def trace_literals(trace: Trace, names: Iterable[str] = ()) -> set[str]:
    """Instance values anywhere in the trace: a task's procedure must not carry another task's values either."""
    return sensitive_literals(Task(index=0, request="", turns=list(trace.turns)), names)


def _returned_ids(call: ToolCall) -> set[str]:
    """The ids a call's JSON result holds (``"table_id": "fct_orders"``): a user who names one names a record,
    even when no later call used it (the agent profiled ``fct_orders_v1`` instead)."""
    found: set[str] = set()
    _collect_ids(result_json(call), "", found, depth=0)
    return found


def _collect_ids(value: Any, key: str, into: set[str], depth: int) -> None:
    if depth > _MAX_RESULT_DEPTH:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _collect_ids(v, str(k), into, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _collect_ids(item, key, into, depth + 1)
    elif isinstance(value, str) and _named_record(value.strip(), key):
        into.add(value.strip())


def _named_record(value: str, key: str) -> bool:
    """An id that reads as no word: "fct_orders", "INC-2231", a code "BLUEMUG"; not "orders", "billing" or a state
    "PENDING", which a request says as words."""
    if len(value) < _MIN_RETURNED_ID or kind_of(value, key) != "id":
        return False
    return not value.isalpha() or (value.isupper() and key.lower() not in _STATE_KEYS)  # "BLUEMUG", a sku


def _mentioned(value: str, text: str) -> bool:
    return value in text and re.search(rf"(?<![\w.-]){re.escape(value)}(?![\w-])", text) is not None


def _collect_argument_values(value: Any, key: str, into: set[str]) -> None:
    if isinstance(value, dict):
        pair = name_value_pair(value)
        for k, v in value.items():
            if pair is None or k != pair[0]:  # a pair's name is a label or a field: the how
                _collect_argument_values(v, str(k), into)
    elif isinstance(value, list):
        for item in value:
            _collect_argument_values(item, key, into)
    elif isinstance(value, str) and kind_of(value, key) not in (None, "text", "number"):
        into.add(value.strip())


def placeholder_names(draft: Draft) -> list[str]:
    """Placeholder names used anywhere in the draft, in order of first use."""
    found: dict[str, None] = {}
    for text in _texts(draft):
        for match in PLACEHOLDER.finditer(text):
            found.setdefault(match.group(1), None)
    return list(found)


def _texts(draft: Draft) -> list[str]:
    texts = [draft.title, draft.when_to_use, draft.goal, *draft.pitfalls, *draft.requests]
    for step in draft.steps:
        texts += [step.action, step.decision or "", *_strings(step.arguments)]
    return texts


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def leaks(draft: Draft, literals: Iterable[str]) -> list[str]:
    return literal_leaks("\n".join(_texts(draft)), literals)


def without_leaks(draft: Draft, literals: Iterable[str]) -> Draft:
    """Replace any literal that slipped through with a typed placeholder (the last line of defence)."""
    found = leaks(draft, literals)
    if not found:
        return draft
    mapping = {lit: "{" + (_kind_name(lit)) + "}" for lit in found}

    def fix(text: str) -> str:
        for literal in sorted(mapping, key=len, reverse=True):
            text = re.sub(rf"(?<![\w]){re.escape(literal)}(?![\w])", mapping[literal], text, flags=re.IGNORECASE)
        return text

    draft.title = fix(draft.title)
    draft.when_to_use = fix(draft.when_to_use)
    draft.pitfalls = [fix(p) for p in draft.pitfalls]
    draft.requests = [fix(r) for r in draft.requests]
    draft.goal = fix(draft.goal)
    for step in draft.steps:
        step.action = fix(step.action)
        step.decision = fix(step.decision) if step.decision else None
        step.arguments = _fix_value(step.arguments, fix)
    return draft


def _fix_value(value: Any, fix: Any) -> Any:
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, dict):
        return {k: _fix_value(v, fix) for k, v in value.items()}
    if isinstance(value, list):
        return [_fix_value(v, fix) for v in value]
    return value


def _kind_name(literal: str) -> str:
    kind = kind_of(literal)
    return {"file": "file_name", None: "name", "text": "name"}.get(kind, kind) or "value"
