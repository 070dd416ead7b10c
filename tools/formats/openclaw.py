"""OpenClaw / pi session transcripts (v3 JSONL), and the Hugging Face Session Trace Simple Format.

A ``{"type": "session"}`` header line, then entries with ``id``/``parentId``
forming a tree; ``message`` entries carry ``user``/``assistant``/``toolResult``
messages, assistant ``toolCall`` blocks, and results flagged ``isError``. The
conversation is the path to the active leaf (the last entry, or the one a
``leaf`` entry points at). The Hyperspell plugin writes the same lines without
``parentId``; the HF format adds a ``harness`` to the header and may carry
OpenAI- or Anthropic-style messages, which are read too.
"""

from __future__ import annotations

from typing import Any

from deftly.tools.formats import openai
from deftly.tools.formats.anthropic import read_content
from deftly.tools.formats.builder import TraceBuilder, flag, kind_of, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.formats.tree import abandoned_ids
from deftly.tools.trace import Trace

NAME = "openclaw"
_ENTRY_TYPES = frozenset(
    {"model_change", "thinking_level_change", "compaction", "branch_summary", "custom_message", "custom", "label"}
    | {"session_info", "leaf", "reset"}
)
_LEAF_KEYS = ("targetId", "leafId", "entryId")
_MAX_NOTES = 5


def sniff(document: Document) -> int:
    return sum(_evidence(item) for item in document.sample())


def _evidence(item: dict[str, Any]) -> int:
    kind = kind_of(item)
    if kind == "session":
        return 5 if any(key in item for key in ("version", "harness", "cwd")) else 1
    message = item.get("message")
    if kind == "message" and isinstance(message, dict) and "role" in message:
        content = message.get("content")
        pi_blocks = isinstance(content, list) and any(
            isinstance(b, dict) and b.get("type") == "toolCall" for b in content
        )
        return 3 + 2 * (message.get("role") in ("toolResult", "bashExecution")) + 2 * pi_blocks
    return 2 if kind in _ENTRY_TYPES and "parentId" in item else 0


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    header = next((i for i in document.items[:5] if isinstance(i, dict) and i.get("type") == "session"), {})
    abandoned = _abandoned(document.items)
    title = text_or_none(header.get("name"))
    for _, entry in document.records():
        if kind_of(entry, "id") in abandoned:
            continue
        kind = entry.get("type")
        if kind == "message" and isinstance(entry.get("message"), dict):
            _read_message(builder, entry["message"], entry.get("timestamp"))
        elif kind == "session_info":
            title = text_or_none(entry.get("name")) or title
        elif kind == "compaction":
            builder.notes.append("the session was compacted; the transcript keeps the turns from before it")
    if abandoned:
        builder.notes.append(f"{len(abandoned)} entries on other branches were left out")
    return builder.build(
        session_id=text_or_none(header.get("id")),
        started_at=header.get("timestamp"),
        cwd=text_or_none(header.get("cwd")),
        harness=text_or_none(header.get("harness")),
        title=title,
    )


def _read_message(builder: TraceBuilder, message: dict[str, Any], entry_time: Any) -> None:
    role = message.get("role")
    timestamp = entry_time or message.get("timestamp")
    if role == "toolResult":
        builder.result(
            message.get("content"),
            text_or_none(message.get("toolCallId")),
            tool=text_or_none(message.get("toolName")),
            failed=flag(message.get("isError")),
        )
    elif role == "bashExecution":
        _bash_execution(builder, message, timestamp)
    elif role == "tool" or "tool_calls" in message:
        openai.read_message(builder, message, timestamp=timestamp)
    elif role in ("user", "assistant", "system"):
        read_content(builder, role, _as_anthropic(message.get("content")), timestamp=timestamp)
        if message.get("stopReason") in ("error", "aborted") and len(builder.notes) < _MAX_NOTES:
            reason = message.get("errorMessage") or message["stopReason"]
            builder.notes.append(f"an assistant turn ended early: {reason}")


def _as_anthropic(content: Any) -> Any:
    """pi's ``toolCall`` blocks are Anthropic ``tool_use`` blocks under another name."""
    if not isinstance(content, list):
        return content
    return [
        {"type": "tool_use", "id": block.get("id"), "name": block.get("name"), "input": block.get("arguments")}
        if isinstance(block, dict) and block.get("type") == "toolCall"
        else block
        for block in content
    ]


def _bash_execution(builder: TraceBuilder, message: dict[str, Any], timestamp: Any) -> None:
    """A command the user ran with ``!``: a tool step whose exit code says whether it worked."""
    call_id = builder.call("bash", {"command": message.get("command")}, timestamp=timestamp)
    code = message.get("exitCode")
    failed = message.get("cancelled") is True or (isinstance(code, int) and code != 0)
    error = "cancelled" if message.get("cancelled") is True else f"exit code {code}"
    builder.result(message.get("output"), call_id, failed=failed, error=error if failed else None, source="status")


def _abandoned(items: list[Any]) -> set[str]:
    parents: dict[str, str | None] = {}
    leaf: str | None = None
    for item in items:
        entry_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(entry_id, str) or item.get("type") == "session":
            continue
        if item.get("type") == "leaf":
            leaf = next((item[key] for key in _LEAF_KEYS if isinstance(item.get(key), str)), leaf)
            continue
        parent = item.get("parentId")
        parents[entry_id] = parent if isinstance(parent, str) else None
        if item.get("appendMode") != "side":
            leaf = entry_id
    return abandoned_ids(parents, leaf)
