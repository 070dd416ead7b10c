"""Hyperdoc, Hyperspell's native format: a JSON array of snake_case steps with a ``type`` discriminator.

Only ``{"type": "trace_message", "role", "text"}`` is documented publicly, so the
reader is lenient and table-driven: known and guessed step types map to a kind,
and unknown ``trace_*`` steps are classified by their keys. When the real names
of the tool steps are published, they go in ``STEP_KINDS``.
"""

from __future__ import annotations

from typing import Any, Literal

from deftly.tools.formats.builder import TraceBuilder, content_text, flag, list_of, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.trace import ErrorSource, Role, Trace

NAME = "hyperdoc"
StepKind = Literal["message", "reasoning", "call", "result"]

STEP_KINDS: dict[str, StepKind] = {
    "trace_message": "message",  # the only documented step type
    "trace_reasoning": "reasoning",
    "trace_thinking": "reasoning",
    "trace_tool_call": "call",
    "trace_tool_use": "call",
    "trace_function_call": "call",
    "trace_tool_result": "result",
    "trace_tool_output": "result",
    "trace_function_result": "result",
    "trace_function_output": "result",
}
NAME_KEYS = ("tool_name", "name", "tool", "function_name", "function")
ARGUMENT_KEYS = ("args", "arguments", "input", "parameters", "tool_input")
RESULT_KEYS = ("result", "output", "tool_output", "response", "content")
CALL_ID_KEYS = ("tool_call_id", "call_id", "tool_use_id", "id")
TEXT_KEYS = ("text", "content", "message")
ROLES: dict[str, Role] = {
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "agent": "assistant",
    "model": "assistant",
    "system": "system",
    "developer": "system",
}
_FAILED_STATUSES = frozenset({"error", "failed", "failure"})


def sniff(document: Document) -> int:
    return sum(5 for item in document.sample() if str(item.get("type", "")).startswith("trace_"))


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME, lenient_ids=True)
    skipped = 0
    for _, step in document.records():
        kind = step_kind(step)
        if kind is None:
            skipped += 1
        else:
            _READERS[kind](builder, step)
    if skipped:
        builder.notes.append(f"{skipped} steps of unknown type were skipped")
    wrapper = document.wrapper or {}
    session = wrapper.get("session_id") if document.container else None
    return builder.build(session_id=text_or_none(session))


def step_kind(step: dict[str, Any]) -> StepKind | None:
    kind = str(step.get("type", ""))
    if kind in STEP_KINDS:
        return STEP_KINDS[kind]
    if not kind.startswith("trace_"):
        return None
    if _first(step, NAME_KEYS) is not None:
        return "call"
    if _first(step, RESULT_KEYS) is not None and _first(step, CALL_ID_KEYS) is not None:
        return "result"
    return "message" if _first(step, TEXT_KEYS) is not None else None


def _first(step: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((step[key] for key in keys if step.get(key) is not None), None)


def _read_message(builder: TraceBuilder, step: dict[str, Any]) -> None:
    role = ROLES.get(str(step.get("role", "")).lower(), "assistant")
    builder.message(role, content_text(_first(step, TEXT_KEYS)), timestamp=step.get("timestamp"))
    for call in list_of(step.get("tool_calls")):
        if isinstance(call, dict):
            _read_call(builder, call)


def _read_reasoning(builder: TraceBuilder, step: dict[str, Any]) -> None:
    builder.message("assistant", content_text(_first(step, TEXT_KEYS)), reasoning=True, timestamp=step.get("timestamp"))


def _read_call(builder: TraceBuilder, step: dict[str, Any]) -> None:
    name = _first(step, NAME_KEYS)
    if isinstance(name, dict):  # {"function": {"name", "arguments"}}
        step = {**step, **name}
        name = name.get("name")
    call_id = builder.call(
        str(name or ""), _first(step, ARGUMENT_KEYS), _call_id(step), timestamp=step.get("timestamp")
    )
    if any(step.get(key) is not None for key in ("result", "output", "tool_output", "response")):
        _read_result(builder, {**step, "tool_call_id": call_id})


def _read_result(builder: TraceBuilder, step: dict[str, Any]) -> None:
    failed, error, source = _failure(step)
    tool = _first(step, NAME_KEYS)
    builder.result(
        _first(step, RESULT_KEYS),
        _call_id(step),
        tool=tool if isinstance(tool, str) else None,
        failed=failed,
        error=error,
        source=source,
    )


def _call_id(step: dict[str, Any]) -> str | None:
    return text_or_none(_first(step, CALL_ID_KEYS))


def _failure(step: dict[str, Any]) -> tuple[bool | None, str | None, ErrorSource]:
    explicit = flag(step.get("is_error"))
    if explicit is not None:
        return explicit, None, "flag"
    error = step.get("error")
    if error:
        return True, None if isinstance(error, bool) else content_text(error), "flag"
    if str(step.get("status", "")).lower() in _FAILED_STATUSES:
        return True, None, "status"
    if step.get("success") is False:
        return True, None, "status"
    return None, None, "text"


_READERS = {"message": _read_message, "reasoning": _read_reasoning, "call": _read_call, "result": _read_result}
