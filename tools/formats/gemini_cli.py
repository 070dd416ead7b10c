"""Gemini CLI: ``gemini -p … --output-format stream-json`` output and saved chats.

stream-json is JSONL: ``init``, ``message`` (assistant text may arrive as
``delta`` chunks), ``tool_use``, ``tool_result`` (``status: "error"`` plus an
``error`` object on failure) and ``result``. A saved chat
(``~/.gemini/tmp/<project>/chats/session-*.json``) is ``{sessionId, projectHash,
messages}`` whose ``gemini`` messages hold ``toolCalls`` with their result and
``status`` inline.
"""

from __future__ import annotations

from typing import Any

from deftly.tools.formats.builder import TraceBuilder, content_text, kind_of, list_of, mapping, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.trace import Role, Trace

NAME = "gemini-cli"
_STREAM_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "model": "assistant", "system": "system"}
_FAILED = frozenset({"error", "cancelled", "canceled"})


def sniff(document: Document) -> int:
    score = 5 if isinstance((document.wrapper or {}).get("projectHash"), str) else 0
    for item in document.sample():
        kind = item.get("type")
        if kind == "gemini" or (kind in ("tool_use", "tool_result") and "tool_id" in item):
            score += 4
        elif kind == "init" and "session_id" in item:
            score += 3
        elif kind in ("user", "message") and isinstance(item.get("content"), str) and "message" not in item:
            score += 1 if kind == "user" or "role" in item else 0
    return score


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    meta: dict[str, Any] = dict(document.wrapper or {}) if document.container else {}
    pending: list[str] = []  # streamed assistant deltas, joined into one message
    pending_role: Role = "assistant"
    for _, item in document.records():
        kind = item.get("type")
        if kind == "message" and item.get("delta") is True and pending_role == _role(item):
            pending.append(content_text(item.get("content")))
            continue
        builder.message(pending_role, "".join(pending))
        pending = []
        if kind == "message" and item.get("delta") is True:
            pending, pending_role = [content_text(item.get("content"))], _role(item)
        else:
            _read_event(builder, item, meta)
    builder.message(pending_role, "".join(pending))
    return builder.build(
        session_id=text_or_none(meta.get("sessionId")) or text_or_none(meta.get("session_id")),
        started_at=meta.get("startTime"),
        ended_at=meta.get("lastUpdated"),
        title=text_or_none(meta.get("summary")),
        harness="gemini-cli",
    )


def _role(item: dict[str, Any]) -> Role:
    return _STREAM_ROLES.get(str(item.get("role")), "assistant")


def _read_event(builder: TraceBuilder, item: dict[str, Any], meta: dict[str, Any]) -> None:
    kind, timestamp = item.get("type"), item.get("timestamp")
    if kind == "init":
        meta.setdefault("session_id", item.get("session_id"))
    elif kind == "message":
        builder.message(_role(item), content_text(item.get("content")), timestamp=timestamp)
    elif kind == "tool_use":
        builder.call(
            str(item.get("tool_name") or ""),
            item.get("parameters"),
            text_or_none(item.get("tool_id")),
            timestamp=timestamp,
        )
    elif kind == "tool_result":
        _stream_result(builder, item)
    elif kind in ("user", "gemini"):
        _read_saved_message(builder, item)
    elif kind in ("error", "result") and (item.get("status") == "error" or kind == "error"):
        builder.notes.append(
            f"the run reported an error: {content_text(item.get('error') or item.get('message'))[:200]}"
        )


def _stream_result(builder: TraceBuilder, item: dict[str, Any]) -> None:
    status = kind_of(item, "status")
    failed = None if status is None else status in _FAILED
    error = item.get("error")
    reason = content_text(error.get("message") if isinstance(error, dict) else error) or None
    builder.result(
        item.get("output") if item.get("output") is not None else reason,
        text_or_none(item.get("tool_id")),
        failed=failed,
        error=reason,
        source="status",
    )


def _read_saved_message(builder: TraceBuilder, message: dict[str, Any]) -> None:
    timestamp = message.get("timestamp")
    if message.get("type") == "user":
        builder.message("user", content_text(message.get("content")), timestamp=timestamp)
        return
    for thought in list_of(message.get("thoughts")):
        if isinstance(thought, dict):
            text = ": ".join(str(thought[key]) for key in ("subject", "description") if thought.get(key))
            builder.message("assistant", text, reasoning=True, timestamp=timestamp)
    builder.message("assistant", content_text(message.get("content")), timestamp=timestamp)
    for call in list_of(message.get("toolCalls")):
        if isinstance(call, dict):
            _saved_call(builder, call)


def _saved_call(builder: TraceBuilder, call: dict[str, Any]) -> None:
    call_id = builder.call(
        str(call.get("name") or ""), call.get("args"), text_or_none(call.get("id")), timestamp=call.get("timestamp")
    )
    output, error = _function_response(call.get("result"))
    status = kind_of(call, "status")
    if status in ("scheduled", "validating", "executing", "awaiting_approval") or (
        output is None and error is None and status is None
    ):
        return  # never finished
    failed = status in _FAILED or error is not None
    content = output if output is not None else error if error is not None else call.get("resultDisplay")
    builder.result(
        content, call_id, failed=failed, error=error or (f"status {status}" if failed else None), source="status"
    )


def _function_response(result: Any) -> tuple[Any, str | None]:
    """The ``output`` and ``error`` inside a saved result's ``functionResponse`` parts."""
    parts = result if isinstance(result, list) else [result]
    for part in parts:
        response = mapping(mapping(part).get("functionResponse")).get("response")
        if isinstance(response, dict):
            error = response.get("error")
            return response.get("output"), content_text(error) if error else None
    return (content_text(result) if result else None), None
