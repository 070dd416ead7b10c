"""A title from the main step, when the request names no task: its tool's words, the value it acts on and
the fields an update changes ("Update employee {employee_id}: manager")."""

from __future__ import annotations

from collections.abc import Mapping

from deftly.tools.extract.tools_kind import words
from deftly.tools.extract.vocabulary import overlap


def fallback_title(tool: str, arguments: Mapping[str, object]) -> str:
    """ "Cancel reservation {reservation_id}" / "Send certificate for {user_id}" from the main step."""
    placeholders = [
        v
        for k, v in arguments.items()
        if isinstance(v, str)
        and v.startswith("{")
        and v.endswith("}")
        and k.lower() not in _FREE_TEXT
        and not k.lower().endswith("_by")
    ]
    tool_words = words(tool)
    head = " ".join(tool_words).capitalize() or tool
    fields = _changed_fields(arguments)
    changed = f": {fields}" if fields else ""
    if not placeholders:
        return head + changed
    first = placeholders[0]
    if len(tool_words) > 1 and overlap(set(first[1:-1].split("_")), {tool_words[-1]}):  # names its object
        return f"{head} {first}{changed}"
    return f"{head} for {first}{changed}"


# What the agent wrote ("summary": "{summary}"), which names no object of the task.
_FREE_TEXT = frozenset(
    {"summary", "description", "body", "text", "message", "note", "notes", "reason", "comment", "content"}
)
_CHANGES_KEYS = frozenset({"changes", "updates", "fields", "patch", "set", "values", "data", "attributes"})


def _changed_fields(arguments: Mapping[str, object]) -> str:
    """ "manager" for ``changes={"manager_id": ...}``: which fields an update changes says which task it is."""
    for key, value in arguments.items():
        if key.lower() in _CHANGES_KEYS and isinstance(value, dict) and 0 < len(value) <= 3:
            names = [" ".join(w for w in str(k).lower().split("_") if w != "id") for k in value]
            return ", ".join(n for n in names if n)
    return ""
