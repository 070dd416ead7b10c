"""Helpers every parser shares: building turns, pairing tool calls with results, flattening content."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from deftly.tools.formats.failures import failure_reason
from deftly.tools.trace import ErrorSource, Message, Role, ToolCall, ToolResult, Trace, Turn

_MAX_RESULT_CHARS = 20_000


class TraceBuilder:
    """Accumulates turns in order; tool results are attached to their call by id, else by order and name."""

    def __init__(self, format: str) -> None:
        self.format = format
        self.turns: list[Turn] = []
        self.notes: list[str] = []
        self._open: dict[str, int] = {}  # call id -> index in turns, for calls still without a result
        self._anonymous = 0

    def message(self, role: Role, text: str, *, reasoning: bool = False, timestamp: Any = None) -> None:
        text = text.strip()
        if text:
            self.turns.append(Message(role=role, text=text, reasoning=reasoning, timestamp=to_datetime(timestamp)))

    def call(self, tool: str, arguments: Any, call_id: str | None = None, *, timestamp: Any = None) -> str:
        if not call_id:
            self._anonymous += 1
            call_id = f"call-{self._anonymous}"
        while call_id in self._open:
            call_id += "'"
        self._open[call_id] = len(self.turns)
        self.turns.append(
            ToolCall(
                call_id=call_id,
                tool=tool or "unknown",
                arguments=parse_arguments(arguments),
                timestamp=to_datetime(timestamp),
            )
        )
        return call_id

    def result(
        self,
        content: Any,
        call_id: str | None = None,
        *,
        tool: str | None = None,
        failed: bool | None = None,
        error: str | None = None,
        source: ErrorSource = "flag",
    ) -> None:
        """Attach a result. ``failed`` None means the format has no flag: the text decides."""
        index = self._match(call_id, tool)
        if index is None:
            self.notes.append(f"result for unknown call {call_id or tool or '?'} dropped")
            return
        text = content_text(content)
        if failed is None:
            reason = failure_reason(text)
            failed, source = reason is not None, "text"
            error = error or reason
        elif failed and not error:
            error = first_line(text) or "failed"
        call = self.turns[index]
        assert isinstance(call, ToolCall)
        result = ToolResult(
            content=truncate(text),
            failed=failed,
            error=error if failed else None,
            error_source=source if failed else None,
        )
        self.turns[index] = call.model_copy(update={"result": result})

    def _match(self, call_id: str | None, tool: str | None) -> int | None:
        if call_id and call_id in self._open:
            return self._open.pop(call_id)
        candidates = [(cid, i) for cid, i in self._open.items() if tool is None or _tool_of(self.turns[i]) == tool]
        if not candidates:
            return None
        cid, index = min(candidates, key=lambda item: item[1])
        del self._open[cid]
        return index

    def build(self, **fields: Any) -> Trace:
        return Trace(format=self.format, turns=self.turns, notes=self.notes, **fields)


def _tool_of(turn: Turn) -> str:
    return turn.tool if isinstance(turn, ToolCall) else ""


def parse_arguments(arguments: Any) -> dict[str, Any]:
    """Tool arguments as a dict: JSON strings are decoded; anything else is kept under ``input``."""
    if arguments is None or arguments == "":
        return {}
    if isinstance(arguments, dict):
        return arguments
    if isinstance(arguments, str):
        try:
            decoded = json.loads(arguments)
        except ValueError:
            return {"input": arguments}
        return decoded if isinstance(decoded, dict) else {"input": decoded}
    return {"input": arguments}


def content_text(content: Any) -> str:
    """Flatten message/result content (strings, block lists, objects) into plain text."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part for part in (block_text(item) for item in content) if part)
    if isinstance(content, dict):
        text = block_text(content)
        return text if text else json.dumps(content, ensure_ascii=False)
    return json.dumps(content, ensure_ascii=False)


def block_text(block: Any) -> str:
    if isinstance(block, str):
        return block
    if not isinstance(block, dict):
        return json.dumps(block, ensure_ascii=False)
    kind = block.get("type")
    if kind in ("image", "input_image", "image_url"):
        return "[image]"
    if kind in ("file", "document", "input_file", "file_data"):
        return "[file]"
    for key in ("text", "content", "output", "value"):
        value = block.get(key)
        if isinstance(value, str):
            return value
        if value is not None and key != "text":
            return content_text(value)
    return json.dumps(block, ensure_ascii=False)


def first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0][:200] if stripped else ""


def truncate(text: str, limit: int = _MAX_RESULT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[… {len(text) - limit} more characters]"


def to_datetime(value: Any) -> datetime | None:
    """ISO strings and epoch seconds/milliseconds become aware datetimes; anything else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None
