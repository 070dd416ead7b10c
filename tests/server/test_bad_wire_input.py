"""Malformed and oversized JSON-RPC over a real ``deftly serve``: every bad message gets a JSON-RPC error
reply (stdio) or an HTTP error carrying one, and the server keeps answering afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from deftly_support import RawStdioServer, free_port, http_server, is_json_rpc

pytestmark = pytest.mark.slow

REQUEST_LIMIT = 256 * 1024
ENV = {"DEFTLY_MAX_REQUEST_BYTES": str(REQUEST_LIMIT)}


def call(request_id: int, arguments: Any, tool: str = "record_trace") -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": tool, "arguments": arguments},
    }


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_call(request_id: int, depth: int) -> bytes:
    return (
        f'{{"jsonrpc": "2.0", "id": {request_id}, "method": "tools/call", '
        f'"params": {{"name": "record_trace", "arguments": {{"history": {nested(depth)}}}}}}}'
    ).encode()


# case: (raw line, expected code, expected id, phrase in the message)
BAD_LINES: dict[str, tuple[bytes, int, int | None, str]] = {
    "not JSON": (b"hello there", -32700, None, "not valid JSON"),
    "cut-short JSON": (b'{"jsonrpc": "2.0", "id": 7, "method": "tools/li', -32700, 7, "not valid JSON"),
    "a JSON array": (b"[1, 2, 3]", -32600, None, "not a JSON-RPC 2.0 message"),
    "a JSON number": (b"42", -32600, None, "not a JSON-RPC 2.0 message"),
    "wrong jsonrpc version": (b'{"jsonrpc": "1.0", "id": 8, "method": "tools/list"}', -32600, 8, "JSON-RPC 2.0"),
    "no method": (b'{"jsonrpc": "2.0", "id": 9}', -32600, 9, "not a JSON-RPC 2.0 message"),
    "non-UTF-8 bytes": (
        b'{"jsonrpc": "2.0", "id": 10, "method": "tools/list", "params": {"x": "\xff\xfe"}}',
        -32700,
        None,
        "not UTF-8",
    ),
    "a lone surrogate": (
        json.dumps(call(11, {"history": [{"role": "user", "content": "\\ud800"}]}))
        .replace("\\\\ud800", "\\ud800")
        .encode(),
        -32600,
        11,
        "lone UTF-16 surrogate",
    ),
    "an integer beyond 64 bits": (
        json.dumps(call(12, {"query": "x", "max_results": 10**30}, "find_procedure")).encode(),
        -32600,
        12,
        "64 bits",
    ),
    "an integer of 5,000 digits": (
        json.dumps(call(13, {"query": "x"}, "find_procedure"))
        .replace('"x"}', '"x", "n": ' + "9" * 5000 + "}")
        .encode(),
        -32700,
        13,
        "not valid JSON",
    ),
    "params 1,000 deep": (deep_call(14, 1_000), -32600, 14, "DEFTLY_MAX_JSON_DEPTH"),
    "params 100,000 deep": (deep_call(15, 100_000), -32600, 15, "nests 100003 levels deep"),
    "a history 5,000 deep": (deep_call(16, 5_000), -32600, 16, "over the limit of 128"),
    "a line over the size limit": (
        json.dumps(call(17, {"history": "x" * (REQUEST_LIMIT + 10)})).encode(),
        -32600,
        17,
        "DEFTLY_MAX_REQUEST_BYTES",
    ),
}


@pytest.fixture(scope="module")
def stdio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RawStdioServer]:
    with RawStdioServer(tmp_path_factory.mktemp("wire") / "home", **ENV) as server:
        server.initialize()
        yield server


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_bad_stdio_line_gets_an_error_reply_and_the_server_carries_on(stdio_server: RawStdioServer, case: str) -> None:
    raw, code, request_id, phrase = BAD_LINES[case]

    stdio_server.send_line(raw)
    reply = stdio_server.next_message(timeout=30)

    assert reply["jsonrpc"] == "2.0"
    assert reply["id"] == request_id
    assert reply["error"]["code"] == code
    assert phrase in reply["error"]["message"], reply
    assert len(stdio_server.request("tools/list", timeout=30)["result"]["tools"]) == 4


def test_blank_lines_are_skipped_and_stdout_stays_json_rpc(stdio_server: RawStdioServer) -> None:
    stdio_server.send_line(b"   ")

    assert len(stdio_server.request("tools/list", timeout=30)["result"]["tools"]) == 4
    assert all(is_json_rpc(line) for line in stdio_server.stdout_lines)


# --- HTTP: the same limits --------------------------------------------------------------------------

HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


@pytest.fixture(scope="module")
def http_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    with http_server(tmp_path_factory.mktemp("wire-http") / "home", "streamable-http", port, **ENV):
        yield f"http://127.0.0.1:{port}/mcp"


HTTP_CASES = [
    "not JSON",
    "non-UTF-8 bytes",
    "a lone surrogate",
    "an integer beyond 64 bits",
    "params 100,000 deep",
    "a history 5,000 deep",
]


@pytest.mark.parametrize("case", HTTP_CASES)
def test_bad_http_body_gets_400_with_a_json_rpc_error(http_base: str, case: str) -> None:
    raw, code, request_id, phrase = BAD_LINES[case]

    response = httpx2.post(http_base, content=raw, headers=HEADERS, timeout=30)

    assert response.status_code == 400
    error = response.json()
    assert (error["id"], error["error"]["code"]) == (request_id, code)
    assert phrase in error["error"]["message"]


def test_http_body_over_the_limit_gets_413_and_one_under_it_is_served(http_base: str) -> None:
    over = json.dumps(call(1, {"history": "x" * (REQUEST_LIMIT + 10)})).encode()
    initialize = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1", "padding": "x" * (REQUEST_LIMIT - 1000)},
        },
    }

    too_big = httpx2.post(http_base, content=over, headers=HEADERS, timeout=30)
    served = httpx2.post(http_base, json=initialize, headers=HEADERS, timeout=30)

    assert too_big.status_code == 413
    assert "DEFTLY_MAX_REQUEST_BYTES" in too_big.json()["error"]["message"]
    assert served.status_code == 200, served.text


def test_default_body_limit_admits_a_trace_at_the_trace_limit(tmp_path: Path) -> None:
    """The documented limits agree: a history of DEFTLY_MAX_TRACE_BYTES fits in one HTTP body."""
    from deftly.server.settings import Settings

    settings = Settings(home=tmp_path)

    assert settings.max_request_bytes > settings.max_trace_bytes * 1.2
