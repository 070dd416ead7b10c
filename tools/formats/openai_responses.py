"""OpenAI Responses API items and OpenAI Agents SDK ``result.to_input_list()``.

A flat list of items: messages, ``reasoning``, ``function_call`` and
``function_call_output`` paired by ``call_id``, plus hosted tools. Only
``mcp_call`` has a structured ``error``; the Agents SDK reports tool failures as
plain strings ("An error occurred while running the tool…"), so the text decides.
The item reader is shared with Codex rollouts, which wrap the same items.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deftly.tools.formats.builder import TraceBuilder, content_text, kind_of, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.trace import ErrorSource, Role, Trace

NAME = "openai-responses"
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}
_CALLS = {  # item type -> (where the tool name is, where the arguments are)
    "function_call": ("name", "arguments"),
    "custom_tool_call": ("name", "input"),
    "computer_call": ("", "action"),
    "local_shell_call": ("", "action"),
}
_OUTPUTS = frozenset(
    {"function_call_output", "custom_tool_call_output", "computer_call_output", "local_shell_call_output"}
)
_HOSTED = {  # hosted tools: call and outcome in one item
    "web_search_call": "action",
    "file_search_call": "queries",
    "code_interpreter_call": "code",
    "image_generation_call": "",
}
_SPECIFIC = frozenset({*_CALLS, *_OUTPUTS, *_HOSTED, "mcp_call", "reasoning"})
_TEXT_PARTS = frozenset({"input_text", "output_text", "refusal", "summary_text", "reasoning_text"})

Outcome = tuple[Any, bool | None, str | None, ErrorSource]
"""A tool output's content, whether it failed (None: the text decides), the reason, and how we know."""
OutputJudge = Callable[[dict[str, Any]], Outcome]


def sniff(document: Document) -> int:
    score = 0
    for item in document.sample():
        kind = kind_of(item)
        if kind in _SPECIFIC:
            score += 3
        elif (kind == "message" and "role" in item) or _has_text_parts(item.get("content")):
            score += 2
    return score


def _has_text_parts(content: Any) -> bool:
    return isinstance(content, list) and any(kind_of(p) in _TEXT_PARTS for p in content)


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    for _, item in document.records():
        read_item(builder, item)
    wrapper = document.wrapper or {}
    session = wrapper.get("conversation_id") or wrapper.get("id") if document.container else None
    return builder.build(session_id=text_or_none(session))


def judge_by_text(item: dict[str, Any]) -> Outcome:
    return item.get("output"), None, None, "text"


def read_item(
    builder: TraceBuilder, item: dict[str, Any], *, timestamp: Any = None, judge: OutputJudge = judge_by_text
) -> None:
    kind = kind_of(item)
    if kind in _CALLS:
        name_key, arguments_key = _CALLS[kind]
        name = item.get(name_key) if name_key else kind.removesuffix("_call")
        builder.call(str(name or ""), item.get(arguments_key), _call_id(item), timestamp=timestamp)
    elif kind in _OUTPUTS:
        content, failed, error, source = judge(item)
        builder.result(content, _call_id(item), failed=failed, error=error, source=source)
    elif kind in _HOSTED:
        _hosted_call(builder, item, kind, timestamp)
    elif kind == "mcp_call":
        _mcp_call(builder, item, timestamp)
    elif kind == "reasoning":
        text = _parts_text(item.get("summary")) or _parts_text(item.get("content"))
        builder.message("assistant", text, reasoning=True, timestamp=timestamp)
    elif kind in (None, "message") and str(item.get("role")) in _ROLES:
        builder.message(_ROLES[str(item.get("role"))], _parts_text(item.get("content")), timestamp=timestamp)


def _call_id(item: dict[str, Any]) -> str | None:
    return text_or_none(item.get("call_id")) or text_or_none(item.get("id"))


def _hosted_call(builder: TraceBuilder, item: dict[str, Any], kind: str, timestamp: Any) -> None:
    arguments_key = _HOSTED[kind]
    call_id = builder.call(
        kind.removesuffix("_call"),
        item.get(arguments_key) if arguments_key else None,
        _call_id(item),
        timestamp=timestamp,
    )
    status = item.get("status")
    if status in ("in_progress", "searching", "generating", "interpreting"):
        return  # still running when the trace was taken: unfinished
    outcome = item.get("results") or item.get("outputs") or item.get("result") or status or ""
    failed = status in ("failed", "incomplete")
    builder.result(outcome, call_id, failed=failed, error=f"status {status}" if failed else None, source="status")


def _mcp_call(builder: TraceBuilder, item: dict[str, Any], timestamp: Any) -> None:
    name = item.get("name") or ""
    server = item.get("server_label")
    call_id = builder.call(
        f"{server}.{name}" if server else str(name), item.get("arguments"), _call_id(item), timestamp=timestamp
    )
    error = item.get("error")
    if error:
        builder.result(error, call_id, failed=True, error=content_text(error), source="flag")
    elif "output" in item:
        builder.result(item.get("output"), call_id, failed=False)


def _parts_text(content: Any) -> str:
    if not isinstance(content, list):
        return content_text(content)
    parts = [
        part.get("refusal") if isinstance(part, dict) and part.get("type") == "refusal" else part for part in content
    ]
    return content_text(parts)
