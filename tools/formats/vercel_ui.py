"""Vercel AI SDK UI messages (what ``useChat`` keeps): v4 ``toolInvocations``, v4.2 and v5/v6 ``parts``.

v4 invocations have no error state (apps put errors in ``result``, so the text
decides) and an invocation left in ``call``/``partial-call`` never finished.
v5/v6 tool parts are typed ``tool-<name>`` or ``dynamic-tool`` and carry a
``state``: ``output-error`` (and the announced ``error``) and ``output-denied``
are failures; the input/approval states are unfinished calls.
"""

from __future__ import annotations

from typing import Any

from deftly.tools.formats.builder import TraceBuilder, block_text, content_text, kind_of, list_of, mapping, text_or_none
from deftly.tools.trace import Role

_FAILED_STATES = frozenset({"output-error", "error"})
_SKIPPED_PARTS = frozenset({"step-start", "source", "source-url", "source-document"})
_TEXT_PARTS = frozenset({"text", "file"})


def read_ui_message(builder: TraceBuilder, role: Role, message: dict[str, Any], timestamp: Any) -> None:
    parts = message.get("parts")
    if isinstance(parts, list) and parts:
        _read_parts(builder, role, parts, timestamp)
        return
    builder.message(role, content_text(message.get("content")), timestamp=timestamp)
    for invocation in list_of(message.get("toolInvocations")):
        if isinstance(invocation, dict):
            _read_invocation(builder, invocation, timestamp)


def _read_parts(builder: TraceBuilder, role: Role, parts: list[Any], timestamp: Any) -> None:
    texts: list[str] = []
    for part in parts:
        kind = kind_of(part)
        if kind is None or kind in _SKIPPED_PARTS or kind.startswith("data-"):
            continue
        if kind in _TEXT_PARTS:
            texts.append(block_text(part))
            continue
        builder.message(role, "\n".join(texts), timestamp=timestamp)
        texts = []
        _read_structured_part(builder, role, part, kind, timestamp)
    builder.message(role, "\n".join(texts), timestamp=timestamp)


def _read_structured_part(builder: TraceBuilder, role: Role, part: dict[str, Any], kind: str, timestamp: Any) -> None:
    if kind == "reasoning":
        text = part.get("text") if isinstance(part.get("text"), str) else part.get("reasoning")
        builder.message(role, content_text(text), reasoning=True, timestamp=timestamp)
    elif kind == "tool-invocation" and isinstance(part.get("toolInvocation"), dict):
        _read_invocation(builder, part["toolInvocation"], timestamp)
    elif kind == "dynamic-tool":
        _read_tool_part(builder, str(part.get("toolName") or ""), part, timestamp)
    elif kind.startswith("tool-"):
        _read_tool_part(builder, kind.split("-", 1)[1], part, timestamp)


def _read_invocation(builder: TraceBuilder, invocation: dict[str, Any], timestamp: Any) -> None:
    call_id = builder.call(
        str(invocation.get("toolName") or ""),
        invocation.get("args"),
        text_or_none(invocation.get("toolCallId")),
        timestamp=timestamp,
    )
    if invocation.get("state") == "result" or (invocation.get("state") is None and "result" in invocation):
        builder.result(invocation.get("result"), call_id)


def _read_tool_part(builder: TraceBuilder, tool: str, part: dict[str, Any], timestamp: Any) -> None:
    arguments = part.get("input") if part.get("input") is not None else part.get("rawInput")
    call_id = builder.call(tool, arguments, text_or_none(part.get("toolCallId")), timestamp=timestamp)
    state = kind_of(part, "state")
    if state == "output-available":
        builder.result(part.get("output"), call_id)
    elif state in _FAILED_STATES:
        error = text_or_none(part.get("errorText")) or "tool error"
        builder.result(error, call_id, failed=True, error=error, source="status")
    elif state == "output-denied":
        approval = mapping(part.get("approval"))
        reason = text_or_none(approval.get("reason"))
        error = f"denied by the user: {reason}" if reason else "denied by the user"
        builder.result(error, call_id, failed=True, error=error, source="status")
