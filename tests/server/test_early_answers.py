"""``initialize`` and ``tools/list`` answered before the MCP SDK is imported (issue 15: spawn -> tools/list).

The replies are the SDK's own, recorded by an earlier start in the home; these tests check that a start
answering early says exactly what the SDK says, for every protocol version, and nothing else changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from deftly_support import RawStdioServer, deftly_command, run_front, server_env
from mcp import Client, StdioServerParameters
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, SUPPORTED_PROTOCOL_VERSIONS

from deftly.server.app.early import RECORD_NAME, EarlyAnswers

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

CLIENT = {"capabilities": {}, "clientInfo": {"name": "deftly-tests", "version": "1"}}


def handshake(home: Path, protocol: str, **env: str) -> tuple[dict[str, Any], dict[str, Any]]:
    with RawStdioServer(home, **env) as server:
        initialized = server.request("initialize", {"protocolVersion": protocol, **CLIENT})
        server.notify("notifications/initialized")
        tools = server.request("tools/list")
        assert server.close() == 0
    return initialized, tools


def logged(home: Path) -> str:
    return (home / "logs" / "deftly.log").read_text(encoding="utf-8")


def test_the_early_replies_are_the_sdks_for_every_protocol_version(deftly_home: Path) -> None:
    versions = [*SUPPORTED_PROTOCOL_VERSIONS, "1999-01-01"]  # an unknown one is answered with the latest
    by_sdk = {version: handshake(deftly_home, version) for version in versions}  # each recorded as it passes
    recorded = json.loads((deftly_home / RECORD_NAME).read_text())["replies"]
    assert set(recorded["initialize"]) == set(versions)
    for version in versions:
        early = handshake(deftly_home, version)
        assert early == by_sdk[version]
        assert recorded["initialize"][version] == early[0]["result"]
        assert early[0]["result"]["protocolVersion"] in HANDSHAKE_PROTOCOL_VERSIONS
    assert "answered differently" not in logged(deftly_home)


def test_other_settings_are_not_answered_from_the_record(deftly_home: Path) -> None:
    handshake(deftly_home, "2025-06-18")
    _, tools = handshake(deftly_home, "2025-06-18", DEFTLY_REVIEW="agents")
    assert "review_procedure" in {tool["name"] for tool in tools["result"]["tools"]}
    _, tools = handshake(deftly_home, "2025-06-18")
    assert "review_procedure" not in {tool["name"] for tool in tools["result"]["tools"]}
    assert "answered differently" not in logged(deftly_home)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_real_client_sees_the_same_server_when_answered_early(deftly_home: Path, mode: str) -> None:
    command, *args = deftly_command()
    params = StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(deftly_home))
    seen = []
    for _ in range(2):  # the first start records, the second answers early
        async with Client(params, mode=mode) as client:
            tools = (await client.list_tools()).tools
            found = await client.call_tool("find_procedure", {"query": "cancel a reservation"})
            seen.append(
                (
                    [t.model_dump() for t in tools],
                    client.server_capabilities.model_dump(),
                    client.server_info.model_dump(),
                    found.is_error,
                )
            )
    assert seen[0] == seen[1]
    assert not seen[1][-1]
    # A modern (2026-07-28) client starts with server/discover, left to the SDK: no handshake to answer.
    assert (deftly_home / RECORD_NAME).exists() == (mode == "legacy")
    assert "answered differently" not in logged(deftly_home)


FRONT = """
import json, sys
from pathlib import Path
from deftly.server.app.early import EarlyAnswers
from deftly.tools.limits import DEFAULT_LIMITS
early = EarlyAnswers.start(Path(sys.argv[1]), "{}", DEFAULT_LIMITS)
lines = []
while (line := early.next_line()) is not None:
    lines.append(line[0].decode())
sdk_replies = [json.loads(text) for text in sys.argv[2:]]
passed = [early.passes(json.dumps(reply).encode()) for reply in sdk_replies]
print(json.dumps({"lines": lines, "passed": passed, "mcp": "mcp" in sys.modules}), file=sys.stderr)
"""


def front(home: Path, sent: list[dict[str, Any]], sdk_replies: list[dict[str, Any]]) -> tuple[list[Any], Any]:
    """Run only the front (no SDK) on ``sent``; what it wrote to stdout, and what it did with the replies."""
    return run_front(FRONT, home, sent, sdk_replies)


INITIALIZED = {"protocolVersion": "2025-06-18", "capabilities": {}, "serverInfo": {"name": "deftly", "version": "0"}}
TOOLS = {"tools": [{"name": "t", "inputSchema": {"type": "object"}}]}


def recorded_home(tmp_path: Path) -> Path:
    from deftly.server.app.early import record_key

    replies = {"initialize": {"2025-06-18": INITIALIZED}, "tools/list": {"2025-06-18": TOOLS}}
    (tmp_path / RECORD_NAME).write_text(json.dumps({"key": record_key("{}"), "replies": replies}))
    return tmp_path


def test_only_the_handshake_prefix_is_answered_and_every_line_still_reaches_the_sdk(tmp_path: Path) -> None:
    home = recorded_home(tmp_path)
    sent = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", **CLIENT}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": "two", "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "ping"},
        {"jsonrpc": "2.0", "id": 4, "method": "tools/list"},  # after the prefix: the SDK's to answer
    ]
    sdk = [{"jsonrpc": "2.0", "id": i, "result": r} for i, r in ((1, INITIALIZED), ("two", TOOLS), (3, {}), (4, TOOLS))]
    written, seen = front(home, sent, sdk)
    assert written == [
        {"jsonrpc": "2.0", "id": 1, "result": INITIALIZED},
        {"jsonrpc": "2.0", "id": "two", "result": TOOLS},
    ]
    assert [json.loads(line) for line in seen["lines"]] == sent
    assert seen["passed"] == [False, False, True, True]  # the SDK's replies to 1 and "two" are dropped
    assert seen["mcp"] is False


def test_a_reply_unlike_the_sdks_is_recorded_anew(tmp_path: Path) -> None:
    home = recorded_home(tmp_path)
    sent = [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", **CLIENT}}]
    changed = {**INITIALIZED, "instructions": "new"}
    _, seen = front(home, sent, [{"jsonrpc": "2.0", "id": 1, "result": changed}])
    assert seen["passed"] == [False]  # answered already: the client must not get two replies
    assert json.loads((home / RECORD_NAME).read_text())["replies"]["initialize"]["2025-06-18"] == changed


@pytest.mark.parametrize(
    "first",
    [
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2024-01-01", **CLIENT}},
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18"}},
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {"roots": True}, "clientInfo": {}},
        },
        {"jsonrpc": "2.0", "id": True, "method": "initialize", "params": {"protocolVersion": "2025-06-18", **CLIENT}},
    ],
)
def test_anything_unusual_is_left_to_the_sdk(tmp_path: Path, first: dict[str, Any]) -> None:
    home = recorded_home(tmp_path)
    written, seen = front(home, [first, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}], [])
    assert written == []
    assert len(seen["lines"]) == 2


def test_the_front_imports_no_sdk() -> None:
    code = (
        "import sys; import deftly.server.app.early; "
        "print(sorted(m for m in ('mcp', 'pydantic', 'anyio') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[]"]
    assert EarlyAnswers.__doc__
