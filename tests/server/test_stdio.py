"""``deftly serve`` as a subprocess over stdio, as Claude Desktop and Claude Code run it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from deftly_support import (
    RawStdioServer,
    cancel_trace,
    deftly_command,
    is_json_rpc,
    learn,
    server_env,
    structured,
)
from mcp import Client, StdioServerParameters

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


def stdio_params(home: Path) -> StdioServerParameters:
    command, *args = deftly_command()
    return StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(home))


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_real_client_over_stdio(deftly_home: Path, mode: str) -> None:
    unparsable: list[Exception] = []

    async def on_message(message: object) -> None:
        # The SDK's stdio transport hands each stdout line it cannot parse as JSON-RPC to the session.
        if isinstance(message, Exception):
            unparsable.append(message)

    async with Client(stdio_params(deftly_home), mode=mode, message_handler=on_message) as client:
        assert {t.name for t in (await client.list_tools()).tools} == {
            "record_trace",
            "find_procedure",
            "get_procedure",
            "rate_procedure",
        }
        procedure_id = await learn(client, cancel_trace(), "stdio-1")

        found = structured(await client.call_tool("find_procedure", {"query": "cancel a reservation"}))
        markdown = (await client.read_resource(f"procedure://{procedure_id}")).contents[0].text

    assert [hit["id"] for hit in found["procedures"]] == [procedure_id]
    assert markdown.startswith("## ")
    assert unparsable == [], "stdout must carry nothing but JSON-RPC"


def test_stdout_carries_only_the_protocol(deftly_home: Path) -> None:
    with RawStdioServer(deftly_home) as server:
        assert server.initialize()["result"]["serverInfo"]["name"] == "deftly"
        assert len(server.request("tools/list")["result"]["tools"]) == 4
        recorded = server.call_tool("record_trace", {"history": cancel_trace(), "session_id": "stdio-2"})
        resource_id = recorded["structuredContent"]["resource_id"]
        deadline = time.monotonic() + 60
        while json.loads(server.read_resource(f"trace://{resource_id}"))["status"] != "completed":
            assert time.monotonic() < deadline, server.stderr_text
            time.sleep(0.1)
        found = server.call_tool("find_procedure", {"query": "cancel a reservation"})
        rejected = server.call_tool("get_procedure", {"id": "no-such-procedure"})
        exit_code = server.close()

    assert not found["isError"] and len(found["structuredContent"]["procedures"]) == 1
    assert rejected["isError"]
    assert exit_code == 0
    noise = [line for line in server.stdout_lines if not is_json_rpc(line)]
    assert noise == [], "stdout must carry nothing but JSON-RPC in stdio mode"
    # The logs went to the log file; stderr (the client's log) only gets warnings and errors.
    assert "embedding model" in (deftly_home / "logs" / "deftly.log").read_text(encoding="utf-8")
    assert " INFO " not in server.stderr_text


def test_initialize_and_tools_list_answer_quickly(deftly_home: Path) -> None:
    with RawStdioServer(deftly_home) as server:
        server.initialize()
        server.request("tools/list")
        answered = time.perf_counter() - server.started
        server.close()

    # Generous bound for a loaded CI machine; bench/startup.py measures the real figure (floor 1.5 s).
    assert answered < 5.0
