"""Vercel AI SDK histories, in every shape apps dump them (camelCase throughout).

* UI messages (``useChat``): v4 ``toolInvocations``, v4.2 and v5/v6 ``parts`` — see ``vercel_ui``.
* Model messages (``CoreMessage`` v4 / ``ModelMessage`` v5): ``tool-call``/``tool-result`` content
  parts; v4 results use ``result`` and an optional ``isError``, v5 results a typed ``output``
  whose ``error-text``/``error-json``/``execution-denied`` types are failures.
* Step results (``generateText``/``streamText`` ``steps``): ``toolCalls``/``toolResults``,
  and in v5 a ``content`` list that may hold ``tool-error`` parts.
* The flattened shape in Hyperspell's docs: messages with ``toolCalls``/``toolResults`` whose
  ids may be missing, so results pair with calls by order and tool name.
* Plain ``[{role, content}]`` chat, which Hyperspell calls ``vercel`` too.
"""

from __future__ import annotations

from typing import Any

from deftly.tools.formats.builder import TraceBuilder, content_text, flag, kind_of, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.formats.vercel_ui import read_ui_message
from deftly.tools.trace import ErrorSource, Role, Trace

NAME = "vercel"
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "system": "system"}
_TOOL_PARTS = frozenset({"tool-call", "tool-result", "tool-error"})
_OUTPUT_TYPES = frozenset({"text", "json", "error-text", "error-json", "execution-denied", "content"})
_STEP_KEYS = ("stepType", "finishReason")


def sniff(document: Document) -> int:
    return sum(_evidence(item) for item in document.sample())


def _evidence(item: dict[str, Any]) -> int:
    score = 0
    if isinstance(item.get("toolInvocations"), list):
        score += 3
    if _camel_tool_list(item.get("toolCalls")) or _camel_tool_list(item.get("toolResults")):
        score += 3
    parts = item.get("parts")
    if "role" in item and isinstance(parts, list):
        kinds: set[str] = {t for p in parts if isinstance(p, dict) and isinstance(t := p.get("type"), str)}
        if any(
            k == "tool-invocation" or k == "dynamic-tool" or k == "step-start" or k.startswith("tool-") for k in kinds
        ):
            score += 3
        elif "text" in kinds and any(isinstance(p, dict) and isinstance(p.get("text"), str) for p in parts):
            score += 1
    content = item.get("content")
    if isinstance(content, list) and any(kind_of(p) in _TOOL_PARTS for p in content):
        score += 3
    if any(key in item for key in _STEP_KEYS) and ("toolCalls" in item or "text" in item):
        score += 3
    return score


def _camel_tool_list(value: Any) -> bool:
    return isinstance(value, list) and any(
        isinstance(v, dict) and ("toolName" in v or "toolCallId" in v) for v in value
    )


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    wrapper = document.wrapper if document.container else None
    if wrapper:
        builder.message("system", content_text(wrapper.get("system")))
        builder.message("user", content_text(wrapper.get("prompt")))
    for _, item in document.records():
        _read_item(builder, item)
    session = (wrapper or {}).get("id") or (wrapper or {}).get("chatId")
    return builder.build(session_id=text_or_none(session))


def _read_item(builder: TraceBuilder, item: dict[str, Any]) -> None:
    timestamp = item.get("createdAt") or item.get("timestamp")
    role = item.get("role")
    if role is None and (any(key in item for key in _STEP_KEYS) or "toolCalls" in item or "toolResults" in item):
        _read_step(builder, item)
    elif role == "tool":
        _read_parts(builder, "assistant", item.get("content"), timestamp)
        _read_tool_results(builder, item.get("toolResults"))
    elif str(role) in _ROLES:
        mapped = _ROLES[str(role)]
        if isinstance(item.get("parts"), list) or "toolInvocations" in item:
            read_ui_message(builder, mapped, item, timestamp)
        else:
            _read_parts(builder, mapped, item.get("content"), timestamp)
        _read_tool_calls(builder, item.get("toolCalls"))
        _read_tool_results(builder, item.get("toolResults"))


def _read_parts(builder: TraceBuilder, role: Role, content: Any, timestamp: Any) -> None:
    """Model-message content: a string, or parts in order (text, reasoning, tool calls, tool results)."""
    if not isinstance(content, list):
        builder.message(role, content_text(content), timestamp=timestamp)
        return
    texts: list[str] = []
    for part in content:
        kind = kind_of(part)
        if kind not in _TOOL_PARTS and kind != "reasoning":
            if kind not in ("redacted-reasoning", "tool-approval-request", "tool-approval-response"):
                texts.append(content_text(part) if isinstance(part, dict) else str(part))
            continue
        builder.message(role, "\n".join(texts), timestamp=timestamp)
        texts = []
        assert isinstance(part, dict)
        _read_part(builder, role, part, timestamp)
    builder.message(role, "\n".join(texts), timestamp=timestamp)


def _read_part(builder: TraceBuilder, role: Role, part: dict[str, Any], timestamp: Any) -> None:
    kind = part.get("type")
    if kind == "reasoning":
        builder.message(role, content_text(part.get("text")), reasoning=True, timestamp=timestamp)
    elif kind == "tool-call":
        arguments = part["input"] if "input" in part else part.get("args")
        builder.call(
            str(part.get("toolName") or ""), arguments, text_or_none(part.get("toolCallId")), timestamp=timestamp
        )
    elif kind == "tool-result":
        _tool_result(builder, part)
    elif kind == "tool-error":
        error = content_text(part.get("error")) or "tool error"
        builder.result(
            error,
            text_or_none(part.get("toolCallId")),
            tool=text_or_none(part.get("toolName")),
            failed=True,
            error=error,
        )


def _tool_result(builder: TraceBuilder, part: dict[str, Any]) -> None:
    raw = part["output"] if "output" in part else part.get("result")
    content, failed, error, source = _typed_output(raw)
    if failed is None:
        failed, source = _result_flag(part)
        error = text_or_none(part.get("error")) if failed else None
    builder.result(
        content,
        text_or_none(part.get("toolCallId")),
        tool=text_or_none(part.get("toolName")),
        failed=failed,
        error=error,
        source=source,
    )


def _typed_output(output: Any) -> tuple[Any, bool | None, str | None, ErrorSource]:
    """v5 ``ToolResultOutput``: ``{type, value}``; the error and denied types are failures."""
    if not (kind_of(output) in _OUTPUT_TYPES and ("value" in output or "reason" in output)):
        return output, None, None, "flag"
    kind, value = output["type"], output.get("value")
    if kind in ("error-text", "error-json"):
        return value, True, content_text(value), "flag"
    if kind == "execution-denied":
        reason = text_or_none(output.get("reason"))
        return (
            reason or "execution denied",
            True,
            f"execution denied: {reason}" if reason else "execution denied",
            "flag",
        )
    return value, None, None, "flag"


def _result_flag(entry: dict[str, Any]) -> tuple[bool | None, ErrorSource]:
    """``isError`` when present; an ``error`` field otherwise; else None (the text decides)."""
    explicit = flag(entry.get("isError"))
    if explicit is not None:
        return explicit, "flag"
    if entry.get("error"):
        return True, "flag"
    return None, "text"


def _read_tool_calls(builder: TraceBuilder, calls: Any) -> None:
    for call in calls if isinstance(calls, list) else []:
        if isinstance(call, dict):
            arguments = call["input"] if "input" in call else call.get("args")
            builder.call(
                str(call.get("toolName") or call.get("name") or ""), arguments, text_or_none(call.get("toolCallId"))
            )


def _read_tool_results(builder: TraceBuilder, results: Any) -> None:
    for result in results if isinstance(results, list) else []:
        if isinstance(result, dict):
            tool = text_or_none(result.get("toolName")) or text_or_none(result.get("name"))
            _tool_result(builder, {**result, "toolName": tool})


def _read_step(builder: TraceBuilder, step: dict[str, Any]) -> None:
    """A ``generateText`` step: v5 ``content`` parts when present (they hold everything in order), else v4 fields."""
    if isinstance(step.get("content"), list):
        _read_parts(builder, "assistant", step["content"], None)
        return
    reasoning = step.get("reasoningText") or step.get("reasoning")
    builder.message("assistant", content_text(reasoning), reasoning=True)
    builder.message("assistant", content_text(step.get("text")))
    _read_tool_calls(builder, step.get("toolCalls"))
    _read_tool_results(builder, step.get("toolResults"))
