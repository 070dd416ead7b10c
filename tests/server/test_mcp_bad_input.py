"""Bad input over MCP: each gets an ``is_error`` result saying what was wrong and what to send instead,
and the store is left exactly as it was.

One server per connect mode is primed with a learned procedure and shared by the whole module, so each
case is a separate test without re-learning.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from deftly_support import Connected, cancel_trace, error_text, learn, snapshot, structured
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS

from deftly.server.app.server import build_server
from deftly.server.settings import Settings

pytestmark = pytest.mark.anyio

MAX_TRACE_BYTES = 64 * 1024
MAX_TRACE_TURNS = 200


@dataclass
class Primed(Connected):
    procedure_id: str


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module", params=["auto", "legacy"])
async def primed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Primed]:
    home = tmp_path_factory.mktemp("bad-input") / "home"
    settings = Settings(
        home=home, worker_poll_seconds=0.2, max_trace_bytes=MAX_TRACE_BYTES, max_trace_turns=MAX_TRACE_TURNS
    )
    server = build_server(settings)
    async with Client(server, mode=request.param) as client:
        procedure_id = await learn(client, cancel_trace(), "primed")
        yield Primed(client, server, procedure_id)


@pytest.fixture(autouse=True)
def deftly_home(tmp_path: Path) -> Path:
    """The module's server has its own home; nothing here reads DEFTLY_HOME."""
    return tmp_path


async def call_rejected(primed: Primed, tool: str, arguments: dict[str, Any]) -> str:
    """Call ``tool``, expect an error result, and check that nothing stored changed."""
    before = snapshot(primed.server.runtime.db)
    text = error_text(await primed.client.call_tool(tool, arguments))
    assert snapshot(primed.server.runtime.db) == before
    return text


def history_of(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages)


BAD_CALLS: dict[str, tuple[str, dict[str, Any], list[str]]] = {
    # case: (tool, arguments, phrases the message must contain: what was wrong, what to send instead)
    "malformed JSON history": ("record_trace", {"history": '[{"role": "user", '}, ["not valid JSON", "send a JSON"]),
    "history that is not a trace": ("record_trace", {"history": '{"hello": 1}'}, ["format", "{role, content}"]),
    "unknown format name": (
        "record_trace",
        {"history": history_of(cancel_trace()), "format": "langchain-v9"},
        ["unknown format 'langchain-v9'", "use one of hyperdoc", "openai"],
    ),
    "empty history string": ("record_trace", {"history": ""}, ["history is empty", "send the session"]),
    "history without a user request": (
        "record_trace",
        {"history": [{"role": "assistant", "content": "hello"}]},
        ["no user message", "starting with the user's request"],
    ),
    "history over the size limit": (
        "record_trace",
        {"history": [{"role": "user", "content": "x" * (MAX_TRACE_BYTES + 1)}]},
        ["DEFTLY_MAX_TRACE_BYTES"],
    ),
    "bad metadata key": (
        "record_trace",
        {"history": cancel_trace(), "metadata": {"project name": "x"}},
        ["metadata key 'project name' is invalid", "letters, digits or underscores"],
    ),
    "nested metadata value": (
        "record_trace",
        {"history": cancel_trace(), "metadata": {"project": {"name": "x"}}},
        ["metadata", "project"],
    ),
    "bad date": (
        "record_trace",
        {"history": cancel_trace(), "date": "last tuesday"},
        ["'last tuesday' is not an ISO 8601 date", "2026-11-21"],
    ),
    "too many metadata keys": (
        "record_trace",
        {"history": cancel_trace(), "metadata": {f"key_{i}": i for i in range(51)}},
        ["metadata has 51 keys", "send at most 50"],
    ),
    "unknown outcome": ("record_trace", {"history": cancel_trace(), "outcome": "meh"}, ["outcome", "'success'"]),
    "unknown procedure id (get)": (
        "get_procedure",
        {"id": "no-such-procedure"},
        ["No procedure with id", "find_procedure"],
    ),
    "unknown procedure id (rate)": (
        "rate_procedure",
        {"id": "no-such-procedure", "success": True},
        ["No procedure with id", "find_procedure"],
    ),
    "max_results=50": (
        "find_procedure",
        {"query": "cancel", "max_results": 50},
        ["max_results", "less than or equal to 10"],
    ),
    "max_results=0": (
        "find_procedure",
        {"query": "cancel", "max_results": 0},
        ["max_results", "greater than or equal to 1"],
    ),
    "empty query": ("find_procedure", {"query": ""}, ["query", "at least 1 character"]),
    "blank query": ("find_procedure", {"query": "   "}, ["query is empty", "describe the task"]),
    "query too long": ("find_procedure", {"query": "x" * 2001}, ["query", "at most 2000 characters"]),
    "min_success_rate above 1": (
        "find_procedure",
        {"query": "cancel", "min_success_rate": 1.5},
        ["min_success_rate", "less than or equal to 1"],
    ),
    "missing required argument": ("rate_procedure", {"success": True}, ["id", "Field required"]),
    "blank procedure id (get)": ("get_procedure", {"id": "   "}, ["the procedure id is blank", "find_procedure"]),
    "blank procedure id (rate)": (
        "rate_procedure",
        {"id": "\t ", "success": False},
        ["the procedure id is blank", "find_procedure"],
    ),
    "history over the turn limit": (
        "record_trace",
        {"history": [{"role": "user" if i % 2 == 0 else "assistant", "content": f"m{i}"} for i in range(201)]},
        ["201 turns, over the limit of 200", "DEFTLY_MAX_TRACE_TURNS", "in parts"],
    ),
    "history string nested 5,000 deep": (
        "record_trace",
        {"history": "[" * 5000 + "]" * 5000},
        ["nests 5000 levels deep", "DEFTLY_MAX_JSON_DEPTH"],
    ),
    "history list nested 200 deep": (
        "record_trace",
        {"history": [{"role": "user", "content": "hi", "extra": json.loads("[" * 198 + "]" * 198)}]},
        ["nests 200 levels deep", "DEFTLY_MAX_JSON_DEPTH"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
async def test_bad_call_is_an_error_and_changes_nothing(primed: Primed, case: str) -> None:
    tool, arguments, phrases = BAD_CALLS[case]

    text = await call_rejected(primed, tool, arguments)

    for phrase in phrases:
        assert phrase in text, f"{case}: {phrase!r} not in {text!r}"


@pytest.mark.parametrize("history", [[], "[]", {"messages": []}], ids=["list", "string", "container"])
async def test_empty_message_list_says_the_history_is_empty(primed: Primed, history: Any) -> None:
    text = await call_rejected(primed, "record_trace", {"history": history})

    assert "history is empty" in text and "send the session's messages" in text


async def test_failed_step_beyond_the_steps(primed: Primed) -> None:
    arguments = {"id": primed.procedure_id, "success": False, "failed_step": 9}

    text = await call_rejected(primed, "rate_procedure", arguments)

    assert "failed_step 9 is out of range" in text and "has steps 1-2" in text


async def test_failed_step_with_success(primed: Primed) -> None:
    arguments = {"id": primed.procedure_id, "success": True, "failed_step": 1}

    text = await call_rejected(primed, "rate_procedure", arguments)

    assert "only makes sense with success=false" in text


async def test_failed_step_zero(primed: Primed) -> None:
    arguments = {"id": primed.procedure_id, "success": False, "failed_step": 0}

    text = await call_rejected(primed, "rate_procedure", arguments)

    assert "failed_step" in text and "greater than or equal to 1" in text


async def test_unknown_version(primed: Primed) -> None:
    text = await call_rejected(primed, "get_procedure", {"id": primed.procedure_id, "version": 7})

    assert "has no version 7" in text and "versions: 1" in text


@pytest.mark.parametrize("uri", ["procedure://no-such-procedure", "trace://tr_nope"])
async def test_unknown_resource_is_a_protocol_error_naming_the_fix(primed: Primed, uri: str) -> None:
    before = snapshot(primed.server.runtime.db)

    with pytest.raises(MCPError) as raised:
        await primed.client.read_resource(uri)

    # The SDK's resource-not-found (SEP-2164: -32602, invalid params), not -32603 (an internal error).
    assert raised.value.error.code == INVALID_PARAMS
    assert raised.value.error.data == {"uri": uri}
    assert "No " in str(raised.value) and "Use " in str(raised.value)
    assert snapshot(primed.server.runtime.db) == before


async def test_an_unknown_resource_scheme_is_not_found_too(primed: Primed) -> None:
    with pytest.raises(MCPError) as raised:
        await primed.client.read_resource("nothing://here")

    assert raised.value.error.code == INVALID_PARAMS


async def test_the_primed_procedure_still_works_after_all_that(primed: Primed) -> None:
    found = structured(await primed.client.call_tool("find_procedure", {"query": "cancel a reservation"}))

    assert [hit["id"] for hit in found["procedures"]] == [primed.procedure_id]
