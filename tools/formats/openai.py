"""OpenAI Chat Completions messages (``tool_calls`` with JSON-string arguments, ``role: tool`` results).

Also reads the deprecated ``function_call``/``role: function`` pair, plain
``{role, content}`` chat, and tau2-bench simulations (``tool_calls`` without a
``function`` wrapper, ``role: tool`` results keyed by ``id`` and flagged
``error: true``). tau-bench trajectories are in this format.
"""

from __future__ import annotations

from typing import Any

from deftly.tools.formats.builder import TraceBuilder, content_text, flag, list_of, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.trace import Role, Trace

NAME = "openai"
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}


def sniff(document: Document) -> int:
    return sum(_evidence(item) for item in document.sample())


def _evidence(item: dict[str, Any]) -> int:
    score = 0
    calls = item.get("tool_calls")
    if isinstance(calls, list) and any(_is_chat_call(call) for call in calls):
        score += 4
    if item.get("role") == "tool" and ("tool_call_id" in item or "requestor" in item):
        score += 4
    if isinstance(item.get("function_call"), dict) or (item.get("role") == "function" and "name" in item):
        score += 3
    if isinstance(item.get("reasoning_content"), str):  # DeepSeek / vLLM extension of chat messages
        score += 2
    return score


def _is_chat_call(call: Any) -> bool:
    if not isinstance(call, dict):
        return False
    if isinstance(call.get("function"), dict):
        return True
    return "name" in call and isinstance(call.get("arguments"), dict | str)  # tau2: no function wrapper


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    for _, item in document.records():
        read_message(builder, item)
    wrapper = document.wrapper or {}
    session = wrapper.get("session_id") or wrapper.get("id") if document.container else None
    return builder.build(session_id=str(session) if session is not None else None)


def read_message(builder: TraceBuilder, item: dict[str, Any], *, timestamp: Any = None) -> None:
    """One chat message: its text, reasoning, tool calls, or (for ``role: tool``) a tool result."""
    role = item.get("role")
    if role in ("tool", "function"):
        call_id = item.get("tool_call_id") or item.get("id")
        failed = flag(item.get("error"))
        builder.result(item.get("content"), text_or_none(call_id), tool=text_or_none(item.get("name")), failed=failed)
        return
    mapped = _ROLES.get(str(role))
    if mapped is None:
        return
    reasoning = item.get("reasoning_content") or item.get("reasoning")
    if isinstance(reasoning, str):
        builder.message(mapped, reasoning, reasoning=True, timestamp=timestamp)
    builder.message(mapped, content_text(item.get("content")) or content_text(item.get("refusal")), timestamp=timestamp)
    for call in list_of(item.get("tool_calls")):
        if isinstance(call, dict):
            function = call["function"] if isinstance(call.get("function"), dict) else call
            # tau2's user has tools of their own: its calls ride on user messages (or say requestor "user")
            by_user = mapped == "user" or call.get("requestor") == "user"
            call_id = text_or_none(call.get("id"))
            builder.call(str(function.get("name") or ""), function.get("arguments"), call_id, by_user=by_user)
    legacy = item.get("function_call")
    if isinstance(legacy, dict):
        builder.call(str(legacy.get("name") or ""), legacy.get("arguments"))
