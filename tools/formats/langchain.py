"""LangChain / LangGraph message dumps.

Three shapes: ``messages_to_dict`` (``{"type": "ai", "data": {...}}``), the
serializable form (``{"lc": 1, "type": "constructor", "id": [..., "AIMessage"],
"kwargs": {...}}``, found in LangGraph checkpoints), and plain ``model_dump()``
dicts (``{"type": "ai", "content": ..., "tool_calls": [...]}``). A ToolMessage's
``status: "error"`` marks a failure; ``invalid_tool_calls`` are calls whose
arguments could not be parsed, so they failed before running.
"""

from __future__ import annotations

from typing import Any

from deftly.tools.formats.builder import TraceBuilder, block_text, content_text, kind_of, list_of, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.trace import Role, Trace

NAME = "langchain"
_KINDS: dict[str, str] = {
    "human": "user",
    "ai": "assistant",
    "system": "system",
    "developer": "system",
    "tool": "tool",
    "function": "tool",
    "chat": "chat",
}
_CLASSES = {"HumanMessage": "human", "AIMessage": "ai", "SystemMessage": "system", "ToolMessage": "tool"}
_CLASSES |= {"FunctionMessage": "function", "ChatMessage": "chat"}
_INPUT_ROLES = {"user": "human", "human": "human", "assistant": "ai", "ai": "ai", "system": "system", "tool": "tool"}
_ROLES: dict[str, Role] = {
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "system": "system",
}


def sniff(document: Document) -> int:
    score = 0
    for item in document.sample():
        kind = kind_of(item)
        serialized = item.get("lc") == 1 and _class_kind(item) is not None
        if serialized or (kind in _KINDS and isinstance(item.get("data"), dict)):
            score += 4
        elif (kind in ("human", "ai") and "content" in item) or (kind == "tool" and "tool_call_id" in item):
            score += 3
    return score


def _class_kind(item: dict[str, Any]) -> str | None:
    ids = item.get("id")
    name = ids[-1] if isinstance(ids, list) and ids and isinstance(ids[-1], str) else ""
    return _CLASSES.get(name.removesuffix("Chunk"))


def normalize(item: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The message kind (``user``/``assistant``/``system``/``tool``/``chat``) and its fields, from any of the shapes."""
    if item.get("lc") == 1 and isinstance(item.get("kwargs"), dict):
        kind = _class_kind(item)
        return (_KINDS[kind] if kind else None), item["kwargs"]
    if "type" not in item and "role" in item:  # message dicts LangChain accepts as input ({"role": "user", ...})
        return _KINDS.get(_INPUT_ROLES.get(str(item["role"]), "")), item
    raw_kind = str(item.get("type", "")).removesuffix("MessageChunk").removesuffix("Chunk").lower()
    data = item["data"] if isinstance(item.get("data"), dict) else item
    return _KINDS.get(raw_kind), data


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    for _, item in document.records():
        kind, data = normalize(item)
        if kind == "tool":
            _read_tool(builder, data)
        elif kind == "assistant" or (kind == "chat" and _ROLES.get(str(data.get("role"))) == "assistant"):
            _read_ai(builder, data)
        elif kind in ("user", "system") or kind == "chat":
            role = _ROLES.get(str(data.get("role")), "user") if kind == "chat" else _ROLES[str(kind)]
            builder.message(role, content_text(data.get("content")))
    wrapper = document.wrapper or {}
    session = wrapper.get("thread_id") if document.container else None
    return builder.build(session_id=text_or_none(session))


def _read_ai(builder: TraceBuilder, data: dict[str, Any]) -> None:
    content = data.get("content")
    if isinstance(content, list):
        for block in content:
            if isinstance(block, dict) and block.get("type") in ("thinking", "reasoning"):
                builder.message(
                    "assistant", content_text(block.get("thinking") or block.get("reasoning")), reasoning=True
                )
        texts = [block_text(b) for b in content if not isinstance(b, dict) or b.get("type") in ("text", None)]
        builder.message("assistant", "\n".join(texts))
    else:
        builder.message("assistant", content_text(content))
    calls = list_of(data.get("tool_calls")) or _provider_calls(data)
    for call in calls:
        if isinstance(call, dict):
            if isinstance(call.get("function"), dict):  # OpenAI-format call (convert_to_openai_messages)
                call = {**call["function"], "id": call.get("id")}
            arguments = call["args"] if "args" in call else call.get("arguments")
            builder.call(str(call.get("name") or ""), arguments, text_or_none(call.get("id")))
    for invalid in list_of(data.get("invalid_tool_calls")):
        if isinstance(invalid, dict):
            call_id = builder.call(str(invalid.get("name") or ""), invalid.get("args"), text_or_none(invalid.get("id")))
            error = content_text(invalid.get("error")) or "the arguments could not be parsed"
            builder.result(error, call_id, failed=True, error=f"invalid tool call: {error}", source="status")


def _provider_calls(data: dict[str, Any]) -> list[Any]:
    """OpenAI-format calls left in ``additional_kwargs`` by older versions (read like ``tool_calls``)."""
    extra = data.get("additional_kwargs")
    calls = extra.get("tool_calls") if isinstance(extra, dict) else None
    return calls if isinstance(calls, list) else []


def _read_tool(builder: TraceBuilder, data: dict[str, Any]) -> None:
    status = data.get("status")
    failed = None if status not in ("error", "success") else status == "error"
    builder.result(
        data.get("content"),
        text_or_none(data.get("tool_call_id")),
        tool=text_or_none(data.get("name")),
        failed=failed,
        source="status",
    )
