"""A change whose work a later look reported failed: a training job submitted, then polled until it read FAILED.

The call that started the work succeeded (it returned a job id), so only the look at that id tells the run
failed. A look at something else, or work started again and seen to finish, is not this.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from deftly.tools.extract.tools_kind import is_scratchpad
from deftly.tools.generalize import canonical_json
from deftly.tools.generalize.commands import only_looks
from deftly.tools.trace import ToolCall

# Words for work that ended badly. "cancelled" and "rejected" are left out: cancelling can be what was asked,
# and a rejection is a decision about good work, not a failed run of it.
_FAILED_STATES = frozenset(
    {"failed", "failure", "error", "errored", "crashed", "aborted", "timed_out", "timedout", "killed", "oomkilled"}
)
_STATE_KEYS = frozenset({"status", "state", "phase", "conclusion", "outcome", "result"})
_MIN_HANDLE_CHARS = 4


def work_reported_failed(calls: list[ToolCall]) -> str | None:
    """Why the work the last checked change started failed, or None. The last change whose result a later
    look asked about decides: a job resubmitted and seen to succeed makes good the first one."""
    real = [c for c in calls if c.status == "ok" and not is_scratchpad(c.tool)]
    for index in range(len(real) - 1, -1, -1):
        change = real[index]
        if only_looks(change.tool, change.arguments):
            continue
        handles = set(_handles(change))
        checks = [c for c in real[index + 1 :] if only_looks(c.tool, c.arguments) and _asks_about(c, handles)]
        if checks:
            state = _failed_state(checks[-1])
            return f"{checks[-1].tool} reported the work {change.tool} started as {state}" if state else None
    return None


def _handles(call: ToolCall) -> Iterator[str]:
    """The ids a change returned: values of ``id`` / ``*_id`` / ``*Id`` keys in its JSON result."""
    value = _json(call)
    yield from (v for v in _ids_in(value) if len(v) >= _MIN_HANDLE_CHARS)


def _ids_in(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > 2:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            if isinstance(item, str | int) and not isinstance(item, bool) and _is_id_key(name):
                yield str(item)
            elif isinstance(item, dict):
                yield from _ids_in(item, depth + 1)


def _is_id_key(name: str) -> bool:
    return name.lower() == "id" or name.lower().endswith("_id") or name.endswith(("Id", "ID"))


def _asks_about(look: ToolCall, handles: set[str]) -> bool:
    arguments = canonical_json(look.arguments)
    return any(handle in arguments for handle in handles)


def _failed_state(look: ToolCall) -> str | None:
    """The failed state a look's JSON result reports for the thing, at its top or one level down."""
    value = _json(look)
    for record in (value, *(v for v in value.values() if isinstance(v, dict))) if isinstance(value, dict) else ():
        for key, item in record.items():
            if str(key).lower() in _STATE_KEYS and isinstance(item, str) and item.strip().lower() in _FAILED_STATES:
                return item.strip()
    return None


def _json(call: ToolCall) -> Any:
    content = call.result.content if call.result is not None else ""
    if not content.lstrip().startswith("{"):
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None
