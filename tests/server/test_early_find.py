"""A client's first ``find_procedure`` answered before the MCP SDK is imported (issue 15: spawn -> first find).

The early answer must be the SDK's own, for every protocol version a handshake can negotiate; anything but a
plain call is left to the SDK, and every line still reaches it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from deftly_support import RawStdioServer, run_front
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from deftly.server.app.early import RECORD_NAME
from deftly.server.app.early_find import plain_find

NOW = datetime(2026, 11, 21, tzinfo=UTC)
CLIENT = {"capabilities": {}, "clientInfo": {"name": "deftly-tests", "version": "1"}}


def find(**arguments: Any) -> dict[str, Any]:
    return {"name": "find_procedure", "arguments": arguments}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (find(query="cancel a reservation"), {"query": "cancel a reservation", "max_results": 3}),
        (find(query="x", max_results=10), {"query": "x", "max_results": 10}),
        (find(query="x" * 2000), {"query": "x" * 2000, "max_results": 3}),
        (find(query=""), None),
        (find(query="   "), None),  # the SDK's ToolError says what to send instead
        (find(query="x" * 2001), None),
        (find(query=3), None),
        (find(query="\ud800"), None),
        (find(query="x", max_results=0), None),
        (find(query="x", max_results=11), None),
        (find(query="x", max_results="3"), None),  # the SDK coerces it: its answer, not ours
        (find(query="x", max_results=3.0), None),
        (find(query="x", max_results=True), None),
        (find(query="x", tags=["a"]), None),  # column filters: the store's to answer
        (find(query="x", tags=None), None),
        (find(query="x", min_success_rate=0.5), None),
        (find(query="x", other=1), None),
        (find(), None),
        ({"name": "get_procedure", "arguments": {"id": "x"}}, None),
        ({**find(query="x"), "_meta": {"progressToken": 1}}, None),
        ({"name": "find_procedure"}, None),
        (None, None),
    ],
)
def test_only_plain_find_calls_are_taken(params: Any, expected: dict[str, Any] | None) -> None:
    assert plain_find(params) == expected


FRONT = """
import json, sys, time
from pathlib import Path
from deftly.server.app.early import EarlyAnswers
from deftly.server.app.early_find import plain_find
from deftly.tools.limits import DEFAULT_LIMITS
early = EarlyAnswers.start(Path(sys.argv[1]), "{}", DEFAULT_LIMITS, listen=False)
early.find_arguments = plain_find
early.find = lambda arguments: {"content": [], "structuredContent": arguments, "isError": False}
early.listen()
lines = []
while (line := early.next_line()) is not None:
    lines.append(line[0].decode())
while early.finding:
    time.sleep(0.01)
sdk_replies = [json.loads(text) for text in sys.argv[2:]]
passed = [early.passes(json.dumps(reply).encode()) for reply in sdk_replies]
print(json.dumps({"lines": lines, "passed": passed, "wanted": early.sdk_wanted.is_set(),
                  "mcp": "mcp" in sys.modules}), file=sys.stderr)
"""

INITIALIZED = {"protocolVersion": "2025-06-18", "capabilities": {}, "serverInfo": {"name": "deftly", "version": "0"}}
TOOLS = {"tools": [{"name": "t", "inputSchema": {"type": "object"}}]}
FOUND = {"content": [], "structuredContent": {"query": "cancel", "max_results": 3}, "isError": False}


def front(home: Path, sent: list[dict[str, Any]], sdk_replies: list[dict[str, Any]]) -> tuple[list[Any], Any]:
    """Run only the front (no SDK) with a stand-in find; what it wrote to stdout, and what it did with the
    SDK's replies."""
    from deftly.server.app.early import record_key

    replies = {"initialize": {"2025-06-18": INITIALIZED}, "tools/list": {"2025-06-18": TOOLS}}
    (home / RECORD_NAME).write_text(json.dumps({"key": record_key("{}"), "replies": replies}))
    return run_front(FRONT, home, sent, sdk_replies)


HANDSHAKE = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", **CLIENT}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
]


def test_a_plain_first_find_is_answered_early_and_the_sdks_reply_dropped(tmp_path: Path) -> None:
    sent = [
        *HANDSHAKE,
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": find(query="cancel")},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/list"},  # what the SDK's Client asks after a call
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": find(query="again")},  # the SDK's
        {"jsonrpc": "2.0", "id": 5, "method": "tools/list"},  # after the prefix: the SDK's
    ]
    sdk = [
        {"jsonrpc": "2.0", "id": 1, "result": INITIALIZED},
        {"jsonrpc": "2.0", "id": 2, "result": FOUND},
        {"jsonrpc": "2.0", "id": 3, "result": TOOLS},
        {"jsonrpc": "2.0", "id": 4, "result": FOUND},
        {"jsonrpc": "2.0", "id": 5, "result": TOOLS},
    ]
    written, seen = front(tmp_path, sent, sdk)
    assert sorted(written, key=lambda reply: reply["id"]) == [
        {"jsonrpc": "2.0", "id": 1, "result": INITIALIZED},
        {"jsonrpc": "2.0", "id": 2, "result": FOUND},
        {"jsonrpc": "2.0", "id": 3, "result": TOOLS},
    ]
    assert [json.loads(line) for line in seen["lines"]] == sent  # every line still reaches the SDK
    assert seen["passed"] == [False, False, False, True, True]
    assert seen["wanted"] and seen["mcp"] is False


def test_a_find_before_the_handshake_or_with_filters_is_the_sdks(tmp_path: Path) -> None:
    def call(request_id: int, **arguments: Any) -> dict[str, Any]:
        return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": find(**arguments)}

    for sent in (
        [call(2, query="cancel")],
        [*HANDSHAKE, call(2, query="c", tags=["a"])],
        [*HANDSHAKE, {"jsonrpc": "2.0", "id": 2, "method": "ping"}, call(3, query="c")],
    ):
        written, seen = front(tmp_path, sent, [])
        assert [reply["id"] for reply in written] == ([1] if len(sent) > 1 else [])
        assert len(seen["lines"]) == len(sent) and seen["wanted"]


def test_an_sdk_error_after_an_early_answer_is_dropped(tmp_path: Path) -> None:
    """The client closing its end leaves the SDK to answer "Connection closed"; the client has its answer."""
    sent = [*HANDSHAKE, {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": find(query="cancel")}]
    closed = {"jsonrpc": "2.0", "id": 2, "error": {"code": -32000, "message": "Connection closed"}}
    written, seen = front(tmp_path, sent, [closed])
    assert [reply["id"] for reply in written] == [1, 2]
    assert seen["passed"] == [False]


def _filled_home(home: Path, embedder: Any) -> None:
    from deftly.server.storage.db import Database
    from deftly.server.storage.memory.snapshot_write import keep_snapshot
    from deftly.server.storage.store import LanceStore
    from deftly.tools.models import FeedbackEvent, Procedure, Step
    from deftly.tools.ports import Embedding, Phrase

    db = Database(home / "lancedb", dimensions=embedder.dimensions, embedding_model=embedder.model_name)
    store = LanceStore(db, "default")
    tasks = {
        "cancel": ("Cancel a flight reservation", "cancel my booking for next week", "cancel_reservation"),
        "refund": ("Refund a delivered order", "I want my money back for the headphones", "refund_order"),
    }
    for pid, (title, example, tool) in tasks.items():
        procedure = Procedure(
            id=pid, namespace="default", title=title, examples=[example], tools=[tool], sources=["s1"],
            created_at=NOW, updated_at=NOW, steps=[Step(action=title, tool=tool), Step(action="Confirm", tool=tool)],
        )  # fmt: skip
        vectors = embedder.embed_documents([title, example])
        phrases = (Phrase("title", title, vectors[0]), Phrase("example", example, vectors[1]))
        store.add_procedures([(procedure, Embedding(vectors[0], phrases))])
    store.record_feedback(FeedbackEvent(procedure_id="cancel", success=True, created_at=NOW))
    store.record_feedback(FeedbackEvent(procedure_id="refund", success=False, failed_step=2, created_at=NOW))
    assert keep_snapshot(store, home)


@pytest.mark.slow
def test_the_early_answer_is_the_sdks_for_every_handshake_version(deftly_home: Path, embedder: Any) -> None:
    _filled_home(deftly_home, embedder)
    for version in HANDSHAKE_PROTOCOL_VERSIONS:
        for start in ("records", "answers early"):
            with RawStdioServer(deftly_home, DEFTLY_LOG_LEVEL="DEBUG") as server:
                server.request("initialize", {"protocolVersion": version, **CLIENT})
                server.notify("notifications/initialized")
                if start == "records":
                    server.request("tools/list")
                    assert server.close() == 0
                    continue
                arguments = {"query": "cancel my reservation", "max_results": 2}
                early = server.request("tools/call", find(**arguments))["result"]
                by_sdk = server.request("tools/call", find(**arguments))["result"]  # after the SDK compared its own
                assert server.close() == 0
            assert early == by_sdk, version
            assert early["structuredContent"]["procedures"][0]["id"] == "cancel"
    log = (deftly_home / "logs" / "deftly.log").read_text(encoding="utf-8")
    assert log.count("find_procedure 2 answered before the SDK") == len(HANDSHAKE_PROTOCOL_VERSIONS)
    assert "answered differently" not in log


@pytest.mark.slow
@pytest.mark.anyio
async def test_the_sdks_client_gets_the_early_answer_and_its_tool_list(deftly_home: Path, embedder: Any) -> None:
    """The SDK's Client asks tools/list after a call (to check the result against the tool's output schema):
    answered from the record as well, the call returns before the SDK is imported."""
    from deftly_support import deftly_command, server_env
    from mcp import Client, StdioServerParameters

    _filled_home(deftly_home, embedder)
    command, *args = deftly_command()
    params = StdioServerParameters(
        command=command, args=[*args, "serve"], env=server_env(deftly_home, DEFTLY_LOG_LEVEL="DEBUG")
    )
    async with Client(params, mode="legacy") as client:  # records the handshake
        await client.list_tools()
    found = []
    for _ in range(2):
        async with Client(params, mode="legacy") as client:
            result = await client.call_tool("find_procedure", {"query": "cancel my reservation"})
            assert not result.is_error
            found.append(result.structured_content)
    assert found[0] == found[1] and found[0] is not None and found[0]["procedures"][0]["id"] == "cancel"
    log = (deftly_home / "logs" / "deftly.log").read_text(encoding="utf-8")
    assert log.count("answered before the SDK") == 2
    assert "answered differently" not in log


class _OpenRuntime:
    is_open = True


def _call(request_id: int, query: str, **more: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": find(query=query, **more)}


def test_steady_finds_are_answered_only_once_the_sdks_reply_to_one_matched(monkeypatch: pytest.MonkeyPatch) -> None:
    from deftly.server.app import early_find
    from deftly.server.app.early_find import SteadyFinds

    made: list[dict[str, Any]] = []

    def result(runtime: Any, arguments: dict[str, Any]) -> dict[str, Any]:
        made.append(arguments)
        return {"content": [], "structuredContent": {"q": arguments["query"]}, "isError": False}

    monkeypatch.setattr(early_find, "find_result", result)
    steady = SteadyFinds(_OpenRuntime())  # type: ignore[arg-type]

    def sdk(request_id: int, query: str, shape: str = "same") -> None:
        answer = {"content": [], "structuredContent": {"q": query}, "isError": False}
        if shape != "same":
            answer["resultType"] = "complete"
        steady.compare(json.dumps({"jsonrpc": "2.0", "id": request_id, "result": answer}).encode())

    assert steady(_call(1, "a")) is None and len(made) == 1, "probed: run here too, answered by the SDK"
    sdk(1, "a", shape="other")
    assert not steady.trusted
    assert steady(_call(2, "b", tags=["x"])) is None and len(made) == 1, "a call with filters is the SDK's alone"
    assert steady(_call(3, "c")) is None
    sdk(3, "c")
    assert steady.trusted
    reply = steady(_call(4, "d"))
    assert reply is not None and reply.endswith(b"\n")
    assert json.loads(reply) == {
        "jsonrpc": "2.0",
        "id": 4,
        "result": {"content": [], "structuredContent": {"q": "d"}, "isError": False},
    }
    assert steady({"jsonrpc": "2.0", "id": 5, "method": "tools/list", "params": {}}) is None


def test_a_connection_whose_replies_differ_is_left_to_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    from deftly.server.app import early_find
    from deftly.server.app.early_find import SteadyFinds

    made: list[str] = []
    monkeypatch.setattr(early_find, "find_result", lambda runtime, arguments: made.append("x") or {"made": "here"})
    steady = SteadyFinds(_OpenRuntime())  # type: ignore[arg-type]
    for n in range(10):
        assert steady(_call(n, "q")) is None
        steady.compare(json.dumps({"jsonrpc": "2.0", "id": n, "result": {"made": "by the SDK"}}).encode())
    assert len(made) == SteadyFinds.PROBES and not steady.trusted


@pytest.mark.slow
def test_steady_finds_answered_without_the_sdk_are_the_sdks_for_every_handshake_version(
    deftly_home: Path, embedder: Any
) -> None:
    _filled_home(deftly_home, embedder)
    queries = ["cancel my reservation", "refund the headphones", "book a hotel", "cancel it", "money back"]
    for version in HANDSHAKE_PROTOCOL_VERSIONS:
        with RawStdioServer(deftly_home, DEFTLY_LOG_LEVEL="DEBUG") as server:
            server.request("initialize", {"protocolVersion": version, **CLIENT})
            server.notify("notifications/initialized")
            server.request("tools/list")
            server.call_tool("get_procedure", {"id": "cancel"})  # answered once the store is open
            for query in queries * 2:
                here = server.request("tools/call", find(query=query, max_results=2))["result"]
                by_sdk = server.request("tools/call", find(query=query, max_results=2, tags=None))["result"]
                assert here == by_sdk, (version, query)
            assert server.close() == 0
    log = (deftly_home / "logs" / "deftly.log").read_text(encoding="utf-8")
    assert log.count("answered without the SDK") >= len(HANDSHAKE_PROTOCOL_VERSIONS) * (len(queries) * 2 - 2)
    assert "differs from the SDK's" not in log
