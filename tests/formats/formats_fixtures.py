"""The project's own format fixtures (``fixtures/<format>__<shape>.json[l]``) and what each must parse to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deftly.tools.formats import parse_history
from deftly.tools.formats.document import load_document
from deftly.tools.trace import ToolCall, Trace

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Case:
    file: str
    format: str
    tool_calls: int
    failed: int
    unfinished: int = 0
    prompt_in_wrapper: bool = False
    """The user turn lives in the container object, so a bare re-wrapped item list has none."""

    def __str__(self) -> str:
        return self.file


CASES = [
    Case("openai__chat.json", "openai", tool_calls=3, failed=2),
    Case("openai__tau2.json", "openai", tool_calls=3, failed=1),
    Case("openai__legacy_functions.json", "openai", tool_calls=1, failed=0),
    Case("vercel__v4_ui.json", "vercel", tool_calls=3, failed=1, unfinished=1),
    Case("vercel__v4_parts.json", "vercel", tool_calls=2, failed=1),
    Case("vercel__v5_ui.json", "vercel", tool_calls=6, failed=3, unfinished=1),
    Case("vercel__v4_core.json", "vercel", tool_calls=2, failed=1),
    Case("vercel__v5_model.json", "vercel", tool_calls=4, failed=3),
    Case("vercel__steps.json", "vercel", tool_calls=2, failed=1, prompt_in_wrapper=True),
    Case("vercel__doc_shape.json", "vercel", tool_calls=4, failed=1),
    Case("vercel__plain_chat.json", "vercel", tool_calls=0, failed=0),
    Case("hyperdoc__steps.json", "hyperdoc", tool_calls=3, failed=1),
    Case("openclaw__session.jsonl", "openclaw", tool_calls=4, failed=1),
    Case("openclaw__plugin.jsonl", "openclaw", tool_calls=1, failed=0),
    Case("openclaw__hf_sts.jsonl", "openclaw", tool_calls=1, failed=1),
    Case("claude_code__session.jsonl", "claude-code", tool_calls=7, failed=2, unfinished=1),
    Case("claude_code__stream.jsonl", "claude-code", tool_calls=2, failed=0),
    Case("anthropic__messages.json", "anthropic", tool_calls=4, failed=2),
    Case("openai_responses__items.json", "openai-responses", tool_calls=5, failed=2, unfinished=1),
    Case("langchain__messages_to_dict.json", "langchain", tool_calls=3, failed=2),
    Case("langchain__serialized.json", "langchain", tool_calls=2, failed=0),
    Case("langchain__model_dump.json", "langchain", tool_calls=2, failed=1),
    Case("otel__otlp.json", "otel", tool_calls=2, failed=1),
    Case("otel__openinference.jsonl", "otel", tool_calls=2, failed=1),
    Case("codex__rollout.jsonl", "codex", tool_calls=4, failed=2),
    Case("gemini_cli__stream.jsonl", "gemini-cli", tool_calls=2, failed=1),
    Case("gemini_cli__chat.json", "gemini-cli", tool_calls=3, failed=2),
    Case("copilot__session.jsonl", "copilot", tool_calls=5, failed=1),
    Case("atif__trajectory.json", "atif", tool_calls=5, failed=2),
]

WRAPPINGS = ("array", "messages", "jsonl")


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def items(name: str) -> list[Any]:
    """The fixture's message-like items, once its own container (if any) is removed."""
    return load_document(text(name), max_bytes=10_000_000).items


def rewrap(elements: list[Any], wrapping: str) -> str:
    """The same elements in another container shape users send."""
    if wrapping == "array":
        return json.dumps(elements)
    if wrapping == "messages":
        return json.dumps({"messages": elements})
    return "\n".join(json.dumps(element) for element in elements)


def parsed(name: str, format: str | None = None) -> Trace:
    return parse_history(text(name), format)


def calls_by_id(trace: Trace) -> dict[str, ToolCall]:
    return {call.call_id: call for call in trace.tool_calls}


def outcome(call: ToolCall) -> tuple[str, str | None, str | None]:
    """A call's status, failure reason and how the failure was detected."""
    result = call.result
    return call.status, result.error if result else None, result.error_source if result else None
