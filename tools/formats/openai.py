"""OpenAI Chat Completions messages (``tool_calls`` with JSON-string arguments, ``role: tool`` results).

Also reads the deprecated ``function_call``/``role: function`` pair, and plain
``{role, content}`` chat. tau-bench trajectories are in this format.
"""

from __future__ import annotations

from typing import Any

from deftly.tools.formats.builder import TraceBuilder, content_text
from deftly.tools.formats.document import Document
from deftly.tools.trace import Role, Trace

NAME = "openai"
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}


def sniff(document: Document) -> int:
    score = 0
    for item in document.items[:200]:
        if not isinstance(item, dict):
            continue
        calls = item.get("tool_calls")
        if isinstance(calls, list) and any(isinstance(c, dict) and "function" in c for c in calls):
            score += 4
        if item.get("role") == "tool" and "tool_call_id" in item:
            score += 4
        if isinstance(item.get("function_call"), dict) or item.get("role") == "function":
            score += 3
    return score


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    for item in document.items:
        if isinstance(item, dict):
            _read_message(builder, item)
    wrapper = document.wrapper or {}
    session = wrapper.get("session_id") or wrapper.get("id")
    return builder.build(session_id=str(session) if session is not None else None)


def _read_message(builder: TraceBuilder, item: dict[str, Any]) -> None:
    role = item.get("role")
    if role in ("tool", "function"):
        builder.result(
            item.get("content"),
            item.get("tool_call_id"),
            tool=item.get("name"),
            failed=True if item.get("error") is True else None,
            source="flag",
        )
        return
    if role in _ROLES:
        builder.message(_ROLES[role], content_text(item.get("content")))
    for call in item.get("tool_calls") or []:
        if isinstance(call, dict):
            function = call["function"] if isinstance(call.get("function"), dict) else call
            builder.call(str(function.get("name", "")), function.get("arguments"), call.get("id"))
    legacy = item.get("function_call")
    if isinstance(legacy, dict):
        builder.call(str(legacy.get("name", "")), legacy.get("arguments"))
