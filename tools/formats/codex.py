"""Codex CLI rollouts (``~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl``).

Every line is ``{timestamp, type, payload}``. ``response_item`` payloads are
Responses API items (read by the openai-responses reader); ``event_msg`` lines
repeat them for display, except ``exec_command_end``, whose ``exit_code`` is the
best failure signal, and ``mcp_tool_call_end``, whose ``result`` is ``{"Err": …}`` or an
``{"Ok": …}`` with ``isError`` when an MCP tool failed. Shell outputs also carry the exit
code, either as JSON ``metadata.exit_code`` or as an ``Exit code: N`` first line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from deftly.tools.formats.builder import TraceBuilder, content_text, kind_of, text_or_none
from deftly.tools.formats.document import Document
from deftly.tools.formats.openai_responses import Outcome, OutputJudge, read_item
from deftly.tools.trace import Trace

NAME = "codex"
_LINE_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})
# Codex injects its context as user-role messages; they are instructions, not the task.
_INJECTED_PREFIXES = ("<environment_context>", "<user_instructions>", "# agents.md instructions", "<permissions")
_EXIT_LINE = re.compile(r"^(?:Exit code|Process exited with code):?\s*(-?\d+)")


def sniff(document: Document) -> int:
    return sum(
        4 for item in document.sample() if kind_of(item) in _LINE_TYPES and isinstance(item.get("payload"), dict)
    )


def parse(document: Document) -> Trace:
    builder = TraceBuilder(NAME)
    exit_codes = _exit_codes(document.items)
    meta: dict[str, Any] = {}
    judge = _judge(exit_codes, _mcp_errors(document.items))
    for _, line in document.records():
        payload = line.get("payload")
        if not isinstance(payload, dict):
            continue
        kind = line.get("type")
        if kind == "session_meta":
            meta = payload
        elif kind == "response_item":
            read_item(builder, _as_instructions(payload), timestamp=line.get("timestamp"), judge=judge)
        elif kind == "compacted":
            builder.notes.append("the session was compacted; the transcript keeps the turns from before it")
    return builder.build(
        session_id=text_or_none(meta.get("id")),
        cwd=text_or_none(meta.get("cwd")),
        started_at=meta.get("timestamp"),
        harness="codex",
    )


def _exit_codes(items: list[Any]) -> dict[str, int]:
    codes: dict[str, int] = {}
    for line in items:
        payload = line.get("payload") if isinstance(line, dict) else None
        if isinstance(payload, dict) and payload.get("type") == "exec_command_end":
            call_id, code = payload.get("call_id"), payload.get("exit_code")
            if isinstance(call_id, str) and isinstance(code, int):
                codes[call_id] = code
    return codes


def _mcp_errors(items: list[Any]) -> dict[str, str]:
    """Why each failed MCP call failed, by call id: ``"result": {"Err": "403 Forbidden"}``, or an ``Ok``
    result the tool marked ``isError``."""
    errors: dict[str, str] = {}
    for line in items:
        payload = line.get("payload") if isinstance(line, dict) else None
        if not isinstance(payload, dict) or payload.get("type") != "mcp_tool_call_end":
            continue
        result, call_id = payload.get("result"), payload.get("call_id")
        if not isinstance(result, dict) or not isinstance(call_id, str):
            continue
        ok = result.get("Ok")
        if "Err" in result:
            errors[call_id] = content_text(result["Err"]) or "the MCP tool call failed"
        elif isinstance(ok, dict) and ok.get("isError") is True:
            errors[call_id] = content_text(ok.get("content")) or "the MCP tool reported an error"
    return errors


def _judge(exit_codes: dict[str, int], mcp_errors: dict[str, str]) -> OutputJudge:
    def judge(item: dict[str, Any]) -> Outcome:
        output, code = _unwrap_output(item.get("output"))
        error = mcp_errors.get(str(item.get("call_id")))
        if error is not None:
            return output, True, error, "status"
        if code is None:
            code = exit_codes.get(str(item.get("call_id")))
        if code is None:
            return output, None, None, "text"
        return output, code != 0, f"exit code {code}" if code else None, "status"

    return judge


def _unwrap_output(output: Any) -> tuple[Any, int | None]:
    """The tool output text and the exit code it reports, if any."""
    text = content_text(output)
    if text.startswith("{"):
        try:
            decoded = json.loads(text)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict) and "output" in decoded:
            metadata = decoded.get("metadata")
            code = metadata.get("exit_code") if isinstance(metadata, dict) else None
            return decoded["output"], code if isinstance(code, int) else None
    match = _EXIT_LINE.match(text)
    return output, int(match.group(1)) if match else None


def _as_instructions(payload: dict[str, Any]) -> dict[str, Any]:
    if payload.get("type") == "message" and payload.get("role") == "user":
        text = content_text(payload.get("content")).lstrip().lower()
        if text.startswith(_INJECTED_PREFIXES):
            return {**payload, "role": "system"}
    return payload
