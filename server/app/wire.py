"""Checks on one raw JSON-RPC message before the MCP SDK sees it, shared by stdio and HTTP.

The SDK drops what it cannot read without answering, and some inputs (JSON nested 100,000 deep, a lone
surrogate, an integer of thousands of digits) fail deep inside it, so the client would wait forever.
Here each is turned into a JSON-RPC error reply naming the problem and the limit (``Settings.limits``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from deftly.tools.limits import INT64_MAX, MIB, Limits, json_depth_over

PARSE_ERROR = -32700
INVALID_REQUEST = -32600

RequestId = int | str | None


@dataclass(frozen=True)
class Rejected:
    """Why a message was refused, and the id to answer (None when it cannot be read)."""

    code: int
    message: str
    id: RequestId = None

    def reply(self) -> dict[str, Any]:
        return {"jsonrpc": "2.0", "id": self.id, "error": {"code": self.code, "message": self.message}}

    def reply_line(self) -> bytes:
        return json.dumps(self.reply()).encode() + b"\n"


def too_large(size: int, head: bytes, limits: Limits) -> Rejected:
    """The reply to a message of ``size`` bytes over the limit, of which ``head`` is the start."""
    return Rejected(
        INVALID_REQUEST,
        f"message is {size / MIB:.1f} MiB, over the {limits.request_bytes / MIB:.1f} MiB limit "
        "(DEFTLY_MAX_REQUEST_BYTES); send a smaller history or raise that setting.",
        top_level_id(head[:4096].decode("utf-8", errors="replace")),
    )


def check_message(raw: bytes, limits: Limits) -> Any:
    """The parsed message, or ``Rejected``: over the size limit, not UTF-8, not JSON, nested too deep,
    an integer beyond 64 bits, or a lone surrogate."""
    if len(raw) > limits.request_bytes:
        return too_large(len(raw), raw, limits)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejected(PARSE_ERROR, f"message is not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start}).")
    deepest = json_depth_over(text, limits.json_depth)
    if deepest is not None:
        return Rejected(
            INVALID_REQUEST,
            f"message nests {deepest} levels deep, over the limit of {limits.json_depth} (DEFTLY_MAX_JSON_DEPTH).",
            top_level_id(text),
        )
    try:
        message = json.loads(text)
    except ValueError as exc:  # includes integers of more digits than Python converts
        return Rejected(PARSE_ERROR, f"message is not valid JSON: {exc}.", top_level_id(text))
    problem = _bad_value(message)
    if problem is not None:
        request_id = message.get("id") if isinstance(message, dict) else None
        return Rejected(INVALID_REQUEST, problem, request_id if isinstance(request_id, int | str) else None)
    return message


def check_envelope(raw: bytes, message: Any) -> Rejected | None:
    """Whether a checked message is JSON-RPC the SDK reads (the same validation its stdio transport runs)."""
    from mcp_types import jsonrpc_message_adapter
    from pydantic import ValidationError

    try:
        jsonrpc_message_adapter.validate_json(raw, by_name=False)
    except ValidationError:
        request_id = message.get("id") if isinstance(message, dict) else None
        return Rejected(
            INVALID_REQUEST,
            'not a JSON-RPC 2.0 message: send one object with "jsonrpc": "2.0" and a "method" '
            '(and an "id" for a request), or a response with "result" or "error".',
            request_id if isinstance(request_id, int | str) and not isinstance(request_id, bool) else None,
        )
    return None


def _bad_value(message: Any) -> str | None:
    stack = [message]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _has_surrogate(value):
                return "message holds a lone UTF-16 surrogate (e.g. \\ud800 without its pair); send valid Unicode."
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not -INT64_MAX - 1 <= value <= INT64_MAX:
                return f"message holds an integer of {len(str(abs(value)))} digits; integers must fit in 64 bits."
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return None


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_ID_KEY = re.compile(r'\s*:\s*(-?\d{1,18}(?![\d.eE])|"[^"\\]{0,200}")')
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def top_level_id(text: str) -> RequestId:
    """The ``id`` of a message that cannot be parsed whole (too deep, cut short), read from the raw text:
    the value of an ``"id"`` key of the outermost object, if it is a plain number or string."""
    depth = 0
    for token in _TOKEN.finditer(text):
        kind = token.group(0)
        if kind in "[{":
            depth += 1
        elif kind in "]}":
            depth -= 1
        elif depth == 1 and kind == '"id"':
            value = _ID_KEY.match(text, token.end())
            if value is not None:
                parsed: RequestId = json.loads(value.group(1))
                return parsed
    return None
