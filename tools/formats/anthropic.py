"""Anthropic Messages API conversations: ``tool_use``/``tool_result`` blocks, ``is_error``, top-level ``system``.

The block reader here is shared with Claude Code, whose transcript lines embed
the same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deftly.tools.formats.builder import TraceBuilder, block_text, content_text, flag, kind_of, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.trace import ErrorSource, Role, Trace

NAME = "anthropic"
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "system": "system"}
_CALL_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})
_RESULT_BLOCKS = frozenset({"tool_result", "mcp_tool_result"})
_SPECIFIC_BLOCKS = _CALL_BLOCKS | _RESULT_BLOCKS | {"thinking", "redacted_thinking"}

Verdict = tuple[bool | None, str | None, ErrorSource]
"""Whether a result failed (None: let the text decide), the reason, and how we know."""
Judge = Callable[[dict[str, Any]], Verdict]


def sniff(document: Document) -> int:
    score = 0
    for item in document.sample():
        content = item.get("content")
        if "role" in item and isinstance(content, list):
            score += sum(3 for block in content if isinstance(block, dict) and kind_of(block) in _SPECIFIC_BLOCKS)
    wrapper = document.wrapper or {}
    if score and isinstance(wrapper.get("system"), str | list):
        score += 2
    return score


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    wrapper = document.wrapper or {}
    if document.container and wrapper.get("system"):
        builder.message("system", content_text(wrapper["system"]))
    for _, item in document.records():
        role = _ROLES.get(str(item.get("role")))
        if role:
            read_content(builder, role, item.get("content"))
    session = wrapper.get("id") if document.container else None
    return builder.build(session_id=text_or_none(session))


def judge_by_flag(block: dict[str, Any]) -> Verdict:
    return flag(block.get("is_error")), None, "flag"


def read_content(
    builder: TraceBuilder, role: Role, content: Any, *, timestamp: Any = None, judge: Judge = judge_by_flag
) -> None:
    """One message's content in order: text (merged), thinking (as reasoning), tool calls and tool results."""
    if not isinstance(content, list):
        builder.message(role, content_text(content), timestamp=timestamp)
        return
    texts: list[str] = []
    for block in content:
        kind = kind_of(block)
        if not isinstance(block, dict) or (kind not in _SPECIFIC_BLOCKS and not _is_server_result(kind)):
            texts.append(block_text(block))
            continue
        builder.message(role, "\n".join(texts), timestamp=timestamp)
        texts = []
        _read_block(builder, role, block, kind, timestamp, judge)
    builder.message(role, "\n".join(texts), timestamp=timestamp)


def _read_block(
    builder: TraceBuilder, role: Role, block: dict[str, Any], kind: str | None, timestamp: Any, judge: Judge
) -> None:
    if kind == "thinking":
        builder.message(role, content_text(block.get("thinking")), reasoning=True, timestamp=timestamp)
    elif kind in _CALL_BLOCKS:
        builder.call(
            str(block.get("name") or ""), block.get("input"), text_or_none(block.get("id")), timestamp=timestamp
        )
    elif kind in _RESULT_BLOCKS:
        failed, error, source = judge(block)
        builder.result(
            block.get("content"), text_or_none(block.get("tool_use_id")), failed=failed, error=error, source=source
        )
    elif _is_server_result(kind):
        # Server tools (web search, code execution) report failure as a content object typed "*_error".
        inner = block.get("content")
        error_type = inner.get("type") if isinstance(inner, dict) else None
        failed = isinstance(error_type, str) and error_type.endswith("_error")
        error = str(inner.get("error_code") or error_type) if failed and isinstance(inner, dict) else None
        builder.result(inner, text_or_none(block.get("tool_use_id")), failed=failed, error=error, source="status")


def _is_server_result(kind: str | None) -> bool:
    return isinstance(kind, str) and kind.endswith("_tool_result") and kind not in _RESULT_BLOCKS
