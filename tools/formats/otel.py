"""OpenTelemetry GenAI spans (semantic conventions), plus the OpenLLMetry and OpenInference attribute styles.

The trace is rebuilt from spans in start order: chat spans give the messages
(``gen_ai.input.messages``/``gen_ai.output.messages``, or flattened
``gen_ai.prompt.N.*`` / ``llm.input_messages.N.*``), ``execute_tool`` spans give
the tool calls and their outcome. Span status ``ERROR`` (with ``error.type``)
is the failure flag. Instrumentations usually resend the whole history on every
chat span, so input messages already seen are skipped.
"""

from __future__ import annotations

import json
from typing import Any

from deftly.tools.formats.builder import TraceBuilder, content_text, text_or_none, to_datetime
from deftly.tools.formats.document import Document
from deftly.tools.formats.otel_spans import Span, has_genai, is_span, spans_in
from deftly.tools.trace import Role, Trace

NAME = "otel"
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "system": "system", "model": "assistant"}
_SESSION_KEYS = ("gen_ai.conversation.id", "session.id", "gen_ai.session.id")


def sniff(document: Document) -> int:
    score = 0
    for item in document.sample():
        if isinstance(item.get("resourceSpans"), list):
            score += 5
        elif is_span(item):
            score += 3 if has_genai(item) else 1
    return score


class _Rebuild:
    def __init__(self) -> None:
        self.builder = TraceBuilder(NAME)
        self.history: list[str] = []  # signatures of the messages emitted so far, in order
        self.session: str | None = None

    def span(self, span: Span) -> None:
        attrs = span.attributes
        self.session = self.session or next((str(attrs[k]) for k in _SESSION_KEYS if attrs.get(k)), None)
        system = attrs.get("gen_ai.system_instructions")
        if system and not self.history:
            self.builder.message("system", content_text(_parts_text(_decoded(system))))
        inputs, outputs = _messages(attrs, "input"), _messages(attrs, "output")
        if inputs or outputs:
            self.messages(inputs, span, skip_seen=True)
            self.messages(outputs, span, skip_seen=False)
        if _is_tool_span(attrs):
            self.tool(span)

    def messages(self, messages: list[dict[str, Any]], span: Span, *, skip_seen: bool) -> None:
        signatures = [json.dumps(m, sort_keys=True, default=str) for m in messages]
        start = _overlap(self.history, signatures) if skip_seen else 0
        for message, signature in zip(messages[start:], signatures[start:], strict=True):
            self.history.append(signature)
            self.message(message, span)

    def message(self, message: dict[str, Any], span: Span) -> None:
        role = _ROLES.get(str(message.get("role")), "assistant")
        texts: list[str] = []
        for part in _parts(message):
            kind = part.get("type")
            if kind in (None, "text"):
                texts.append(content_text(part.get("content")))
                continue
            self.builder.message(role, "\n".join(texts), timestamp=span.start)
            texts = []
            self.part(role, part, span)
        self.builder.message(role, "\n".join(texts), timestamp=span.start)

    def part(self, role: Role, part: dict[str, Any], span: Span) -> None:
        kind, call_id = part.get("type"), text_or_none(part.get("id"))
        if kind == "tool_call":
            self.builder.call(str(part.get("name") or ""), part.get("arguments"), call_id, timestamp=span.start)
        elif kind == "tool_call_response" and self.builder.has_open(call_id):
            self.builder.result(part.get("response"), call_id)
        elif kind in ("reasoning", "thinking"):
            self.builder.message(role, content_text(part.get("content")), reasoning=True, timestamp=span.start)

    def tool(self, span: Span) -> None:
        attrs = span.attributes
        name = str(attrs.get("gen_ai.tool.name") or attrs.get("tool.name") or span.name.removeprefix("execute_tool "))
        call_id = text_or_none(attrs.get("gen_ai.tool.call.id"))
        if call_id is None:
            call_id = self.builder.open_call(name)  # OpenInference tool spans carry no call id
        if not self.builder.has_open(call_id):
            arguments = (
                attrs.get("gen_ai.tool.call.arguments") or attrs.get("tool.parameters") or attrs.get("input.value")
            )
            call_id = self.builder.call(name, arguments, call_id, timestamp=span.start)
        output = attrs.get("gen_ai.tool.call.result") or attrs.get("output.value")
        error_type = text_or_none(attrs.get("error.type"))
        if span.failed or error_type:
            reason = span.status_message or error_type or "span status ERROR"
            self.builder.result(output or reason, call_id, failed=True, error=reason, source="status")
        else:
            self.builder.result(output if output is not None else "", call_id)


def parse(document: Document) -> Trace:
    rebuild = _Rebuild()
    spans = spans_in(document.items)
    for span in spans:
        rebuild.span(span)
    starts = [s.start for s in spans if s.start is not None]
    ends = [s.end for s in spans if s.end is not None]
    return rebuild.builder.build(
        session_id=rebuild.session,
        started_at=to_datetime(min(starts)) if starts else None,
        ended_at=to_datetime(max(ends)) if ends else None,
    )


def _is_tool_span(attrs: dict[str, Any]) -> bool:
    return attrs.get("gen_ai.operation.name") == "execute_tool" or attrs.get("openinference.span.kind") == "TOOL"


def _overlap(history: list[str], signatures: list[str]) -> int:
    """How many leading input messages were already emitted: the whole history resent, or nothing."""
    if len(signatures) >= len(history) and signatures[: len(history)] == history:
        return len(history)
    common = 0
    for seen, new in zip(history, signatures, strict=False):
        if seen != new:
            break
        common += 1
    return common


def _messages(attrs: dict[str, Any], direction: str) -> list[dict[str, Any]]:
    """The input or output messages of a chat span, in the semantic-convention shape, whatever the style."""
    semconv = _decoded(attrs.get(f"gen_ai.{direction}.messages"))
    if isinstance(semconv, list):
        return [m for m in semconv if isinstance(m, dict)]
    prefix = {"input": ("gen_ai.prompt", "llm.input_messages"), "output": ("gen_ai.completion", "llm.output_messages")}
    for flat_prefix in prefix[direction]:
        entries = indexed(attrs, flat_prefix)
        if entries:
            return [_from_flat(entry) for entry in entries]
    return []


def indexed(attrs: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """``prefix.0.role``, ``prefix.0.content``, ``prefix.1.role``… as ``[{"role", "content"}, …]``."""
    entries: dict[int, dict[str, Any]] = {}
    start = len(prefix) + 1
    for key, value in attrs.items():
        if not key.startswith(prefix + "."):
            continue
        index, _, rest = key[start:].partition(".")
        if index.isascii() and index.isdigit() and rest:
            entries.setdefault(int(index), {})[rest.removeprefix("message.")] = value
    return [entries[i] for i in sorted(entries)]


def _from_flat(entry: dict[str, Any]) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"type": "text", "content": entry.get("content")}]
    for call in indexed(entry, "tool_calls"):
        plain = {k.removeprefix("tool_call.").removeprefix("function."): v for k, v in call.items()}
        parts.append(
            {"type": "tool_call", "id": plain.get("id"), "name": plain.get("name"), "arguments": plain.get("arguments")}
        )
    if entry.get("tool_call_id"):
        parts = [{"type": "tool_call_response", "id": entry["tool_call_id"], "response": entry.get("content")}]
    return {"role": entry.get("role"), "parts": parts}


def _parts(message: dict[str, Any]) -> list[dict[str, Any]]:
    parts = message.get("parts")
    if isinstance(parts, list):
        return [p for p in parts if isinstance(p, dict)]
    return [{"type": "text", "content": message.get("content")}]


def _parts_text(value: Any) -> Any:
    if isinstance(value, list):
        return [p.get("content") if isinstance(p, dict) else p for p in value]
    return value


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value
