"""Helpers every parser shares: building turns, pairing tool calls with results, flattening content."""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from deftly.tools.formats.failures import failure_reason
from deftly.tools.trace import ErrorSource, Message, Role, ToolCall, ToolResult, Trace, Turn

_MAX_RESULT_CHARS = 20_000
_IMAGE_BLOCKS = frozenset({"image", "input_image", "image_url", "output_image", "image-data", "image-url", "media"})
_FILE_BLOCKS = frozenset(
    {"file", "document", "input_file", "file_data", "audio", "input_audio", "blob", "file-data", "file-url", "file-id"}
)


class _OpenCalls:
    """Open calls in call order, overall and per tool name; paired entries are skipped lazily."""

    def __init__(self) -> None:
        self.in_order: deque[tuple[str, int]] = deque()
        self.by_tool: dict[str, deque[tuple[str, int]]] = {}

    def add(self, tool: str, entry: tuple[str, int]) -> None:
        self.in_order.append(entry)
        self.by_tool.setdefault(tool, deque()).append(entry)

    def first(self, tool: str | None, is_open: dict[str, int]) -> str | None:
        queue = self.by_tool.get(tool) if tool else self.in_order
        while queue:
            call_id, index = queue[0]
            if is_open.get(call_id) == index:
                return call_id
            queue.popleft()
        return None


class TraceBuilder:
    """Accumulates turns in order; tool results are attached to their call by id, else by order and name.

    Pairing is O(1) per result: open calls are indexed by id, and by tool name in call order
    for results that carry no id (the Vercel doc shape, some hyperdoc steps).
    """

    def __init__(self, format: str, *, lenient_ids: bool = False) -> None:
        self.format = format
        self.lenient_ids = lenient_ids  # pair a result whose id matches nothing with the oldest open call
        self.turns: list[Turn] = []
        self.notes: list[str] = []
        self._open: dict[str, int] = {}  # call id -> index in turns, for calls still without a result
        self._by_source_id: dict[str, deque[str]] = {}  # the id the trace gave -> its calls' ids, in order
        self._all = _OpenCalls()
        self._anonymous = _OpenCalls()  # calls that came without an id
        self._anonymous_count = 0
        self._dropped: list[str] = []

    def message(self, role: Role, text: str, *, reasoning: bool = False, timestamp: Any = None) -> None:
        text = (text if isinstance(text, str) else content_text(text)).strip()
        if text:
            self.turns.append(Message(role=role, text=text, reasoning=reasoning, timestamp=to_datetime(timestamp)))

    def call(
        self, tool: str, arguments: Any, call_id: str | None = None, *, timestamp: Any = None, by_user: bool = False
    ) -> str:
        tool = str(tool) if tool else "unknown"
        anonymous = not call_id
        if call_id:
            call_id = str(call_id)
        else:
            self._anonymous_count += 1
            call_id = f"call-{self._anonymous_count}"
        given = call_id
        while call_id in self._open:  # parallel calls may share an id; each gets its own
            call_id += "'"
        if not anonymous:
            self._by_source_id.setdefault(given, deque()).append(call_id)
        entry = (call_id, len(self.turns))
        self._open[call_id] = entry[1]
        self._all.add(tool, entry)
        if anonymous:
            self._anonymous.add(tool, entry)
        self.turns.append(
            ToolCall(
                call_id=call_id,
                tool=tool,
                arguments=parse_arguments(arguments),
                timestamp=to_datetime(timestamp),
                by_user=by_user,
            )
        )
        return call_id

    def has_open(self, call_id: str | None) -> bool:
        return self._open_with_id(call_id) is not None

    def open_call(self, tool: str) -> str | None:
        """The id of the oldest call to ``tool`` still waiting for its result."""
        return self._all.first(tool, self._open)

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
        index = self._match(str(call_id) if call_id else None, str(tool) if tool else None)
        if index is None:
            self._dropped.append(call_id or tool or "?")
            return
        text = content_text(content)
        if failed is None:
            reason = failure_reason(text)
            failed, source = reason is not None, "text"
            error = error or reason
        elif failed and not error:
            error = failure_reason(text) or first_line(text) or "failed"
        call = self.turns[index]
        assert isinstance(call, ToolCall)
        result = ToolResult(
            content=truncate(text),
            failed=failed,
            error=error[:500] if failed and error else None,
            error_source=source if failed else None,
        )
        self.turns[index] = call.model_copy(update={"result": result})

    def _open_with_id(self, call_id: str | None) -> str | None:
        """The oldest call still open that the trace gave ``call_id`` (not one an id was made up for)."""
        queue = self._by_source_id.get(call_id) if call_id else None
        while queue:
            if queue[0] in self._open:
                return queue[0]
            queue.popleft()
        return None

    def _match(self, call_id: str | None, tool: str | None) -> int | None:
        own = self._open_with_id(call_id)
        if own is not None:
            return self._open.pop(own)
        if call_id is not None and call_id in self._open:  # an id this builder returned (a reader's own pairing)
            return self._open.pop(call_id)
        # A result whose id matches no call belongs to a call outside this trace, unless that
        # call came without an id (then the two ids were never comparable): pair those by order.
        queues = self._all if call_id is None or self.lenient_ids else self._anonymous
        found = queues.first(tool, self._open)
        return None if found is None else self._open.pop(found)

    def build(self, **fields: Any) -> Trace:
        if self._dropped:
            shown = ", ".join(self._dropped[:5]) + (" …" if len(self._dropped) > 5 else "")
            self.notes.append(f"{len(self._dropped)} tool results had no matching call and were dropped ({shown})")
        stamps = [turn.timestamp for turn in self.turns if turn.timestamp is not None]
        fields["started_at"] = to_datetime(fields.get("started_at")) or (stamps[0] if stamps else None)
        fields["ended_at"] = to_datetime(fields.get("ended_at")) or (stamps[-1] if stamps else None)
        fields = {key: value for key, value in fields.items() if value is not None}
        return Trace(format=self.format, turns=self.turns, notes=self.notes, **fields)


def attach_sidechains(trace: Trace, sidechains: Iterable[TraceBuilder]) -> Trace:
    """Sub-agents' conversations, built and kept apart from the main one, with their notes."""
    for number, builder in enumerate(sidechains, start=1):
        sidechain = builder.build()
        if sidechain.turns:
            trace.sidechains.append(sidechain.turns)
        trace.notes.extend(f"sub-agent {number}: {note}" for note in sidechain.notes)
    return trace


def parse_arguments(arguments: Any) -> dict[str, Any]:
    """Tool arguments as a dict: JSON strings are decoded; anything else is kept under ``input``."""
    if arguments is None or arguments == "":
        return {}
    if isinstance(arguments, dict):
        return arguments
    if isinstance(arguments, str):
        try:
            decoded = json.loads(arguments)
        except (ValueError, RecursionError):
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
        return text if text else to_json(content)
    return to_json(content)


def block_text(block: Any) -> str:
    if isinstance(block, str):
        return block
    if not isinstance(block, dict):
        return to_json(block)
    kind = kind_of(block)
    if kind in _IMAGE_BLOCKS:
        return "[image]"
    if kind in _FILE_BLOCKS:
        return "[file]"
    for key in ("text", "content", "output", "value"):
        value = block.get(key)
        if isinstance(value, str):
            return value
        if value is not None and key != "text":
            return content_text(value)
    return to_json(block)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0][:200] if stripped else ""


def truncate(text: str, limit: int = _MAX_RESULT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[… {len(text) - limit} more characters]"


def to_datetime(value: Any) -> datetime | None:
    """ISO strings and epoch seconds/milliseconds/nanoseconds become aware datetimes; anything else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return _from_epoch(value)
    if isinstance(value, str):
        if value.isascii() and value.isdigit():
            return _from_epoch(int(value))
        try:
            parsed = datetime.fromisoformat(value)  # Python 3.11 reads the "Z" suffix itself
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _from_epoch(value: float) -> datetime | None:
    try:
        seconds = float(value)
    except OverflowError:
        return None
    if not math.isfinite(seconds):
        return None
    while abs(seconds) > 1e11:  # milliseconds, microseconds or nanoseconds (OTLP) since the epoch
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def flag(value: Any) -> bool | None:
    """A format's boolean failure flag: its value when it is a real boolean, else None (let the text decide)."""
    return value if isinstance(value, bool) else None


def text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def mapping(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one (for optional nested objects)."""
    return value if isinstance(value, dict) else {}


def list_of(value: Any) -> list[Any]:
    """The value when it is a JSON array, else an empty one (for optional lists)."""
    return value if isinstance(value, list) else []


def kind_of(value: Any, key: str = "type") -> str | None:
    """``value[key]`` when value is an object and that field is a string: a discriminator safe to look up."""
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None
