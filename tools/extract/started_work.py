"""A change whose work a later look reported failed: a training job submitted, then polled until it read FAILED.

The call that started the work succeeded (it returned a new job id), so only the look at that id tells the run
failed. A look at something else, a state the change asked for ("killed" after a kill), an earlier attempt's
state inside a record that succeeded, or a fix the agent went on to make after the look, is not this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from deftly.tools.extract.segment import leaf_strings
from deftly.tools.extract.tools_kind import is_scratchpad, words
from deftly.tools.generalize.commands import only_looks
from deftly.tools.trace import ToolCall, result_json
from deftly.tools.values import kind_of

# Work that broke, not work stopped on purpose: "killed", "aborted" and "cancelled" can be what was asked.
_FAILED_STATES = frozenset({"failed", "failure", "error", "errored", "crashed", "timed_out", "timedout", "oomkilled"})
_STATE_KEYS = frozenset({"status", "state", "phase", "conclusion", "outcome", "result"})
_MIN_HANDLE_CHARS = 4
_ID_KEY = re.compile(r"(?:^|_)(?:id|ID)$|[a-z](?:Id|ID)$")  # run_id, runId; not "paid"
_EXPECTS_FAILURE = re.compile(
    r"\breproduc\w*|\b(?:check|verify|confirm|make sure|ensure|test)(?: that| whether| if)?\b"
    r"(?:(?!n't|\bnot\b|\bno\b|\bwithout\b|\bfor\b)[^.?!,;\n]){0,80}?\b(?:fails?|reject\w*|errors?|den(?:y|ies)|blocks?)\b",
    re.IGNORECASE,
)
# Tools that tell of work, not do it again: a ticket or a message about a failed deploy does not make it good.
_REPORTING = frozenset({"issue", "incident", "ticket", "message", "notify", "notification", "comment", "email", "page"})


def work_reported_failed(calls: list[ToolCall], said: str = "") -> str | None:
    """Why the work the last checked change started failed, or None. The last change whose new id a later look
    asked about decides, and only when nothing after that look may have made the work good (``_makes_good``): a
    job resubmitted and seen to succeed, or a fix deployed another way, does; a rollback or a ticket does not.
    ``said``: what the user wrote."""
    if _EXPECTS_FAILURE.search(said):
        return None  # "reproduce the flaky failure", "check that it rejects unsigned payloads": failing was the aim
    # A look counts even when its result was read as an error: {"status": "FAILED", "error": "OOM"} is both.
    real = [c for c in calls if not is_scratchpad(c.tool) and (c.status == "ok" or _failed_look(c))]
    for index in range(len(real) - 1, -1, -1):
        change = real[index]
        if only_looks(change.tool, change.arguments):
            continue
        handles = _new_handles(change, real[:index], said)
        checks = [i for i in range(index + 1, len(real)) if _looks_at(real[i], handles)]
        if checks:
            last = real[checks[-1]]
            acted_after = any(_makes_good(c, handles) for c in real[checks[-1] + 1 :])
            state = None if acted_after else _failed_state(last)
            return f"{last.tool} reported the work {change.tool} started as {state}" if state else None
    return None


def _failed_look(call: ToolCall) -> bool:
    return call.status == "failed" and only_looks(call.tool, call.arguments)


def _new_handles(change: ToolCall, earlier: list[ToolCall], said: str) -> set[str]:
    """The ids a change returned that were not known before it: not in its arguments, the user's words or an
    earlier call (a ``customer_id`` a refund echoes names a customer, not work the refund started)."""
    known = {leaf for call in [*earlier, change] for leaf in leaf_strings(call.arguments)}
    known |= {leaf for call in earlier for leaf in leaf_strings(result_json(call))}
    return {h for h in _ids_in(result_json(change)) if len(h) >= _MIN_HANDLE_CHARS and h not in known and h not in said}


def _ids_in(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > 2 or not isinstance(value, dict):
        return
    for key, item in value.items():
        if isinstance(item, str | int) and not isinstance(item, bool) and _is_id(str(item), str(key)):
            yield str(item)
        elif isinstance(item, dict):
            yield from _ids_in(item, depth + 1)


def _is_id(value: str, key: str) -> bool:
    """An id by shape or by its key: a run number under ``run_id`` is one, though a bare number is not."""
    return kind_of(value, key) == "id" or (value.isdigit() and _ID_KEY.search(key) is not None)


def _looks_at(call: ToolCall, handles: set[str]) -> bool:
    """A look whose arguments name one of the handles whole, alone or inside a command line or URL
    (``aws batch describe-jobs --jobs 8d1c…``, ``…/actions/runs/99120345``; "4410" is not in "44107")."""
    return only_looks(call.tool, call.arguments) and any(_names(leaf, handles) for leaf in leaf_strings(call.arguments))


def _names(text: str, handles: set[str]) -> bool:
    return any(h in text and re.search(rf"(?<![\w-]){re.escape(h)}(?![\w-])", text) for h in handles)


def _makes_good(change: ToolCall, handles: set[str]) -> bool:
    """A change after the failed look that may have made the work good (a fix deployed another way), not one
    that acts on the failed work itself (a rollback of it) or reports it (a ticket, a message)."""
    if only_looks(change.tool, change.arguments) or is_scratchpad(change.tool):
        return False
    reports = _REPORTING & set(words(change.tool))
    return not reports and not any(_names(leaf, handles) for leaf in leaf_strings(change.arguments))


def _failed_state(look: ToolCall) -> str | None:
    """The failed state a look's JSON result reports for the thing: its own, at the top; one level down only
    when the top has none, and never an earlier attempt's ("last_attempt", "previous_run")."""
    value = result_json(look)
    if not isinstance(value, dict):
        return None
    own = _state(value)
    if own is not None or any(str(k).lower() in _STATE_KEYS for k in value):
        return own
    for key, item in value.items():
        if isinstance(item, dict) and not str(key).lower().startswith(("previous", "last", "prior", "history")):
            found = _state(item)
            if found:
                return found
    return None


def _state(record: dict[str, Any]) -> str | None:
    for key, item in record.items():
        if str(key).lower() in _STATE_KEYS and isinstance(item, str) and item.strip().lower() in _FAILED_STATES:
            return item.strip()
    return None
