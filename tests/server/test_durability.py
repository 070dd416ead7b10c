"""Crashes and sharing: pending traces survive kill -9, and servers on one DEFTLY_HOME see each other's writes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from deftly_support import (
    RawStdioServer,
    address_trace,
    cancel_trace,
    deftly_command,
    learn,
    open_db,
    server_env,
    structured,
    wait_until,
)
from mcp import Client, StdioServerParameters

from deftly.server.storage.filelock import FileLock

pytestmark = pytest.mark.slow


def trace_status(server: RawStdioServer, resource_id: str) -> str:
    status: str = json.loads(server.read_resource(f"trace://{resource_id}"))["status"]
    return status


def record_while_extraction_is_blocked(home: Path, session_id: str) -> tuple[str, FileLock]:
    """Record a trace through a server that cannot extract (the test holds the worker lock), then kill -9 it."""
    lock = FileLock(home / "worker.lock")
    assert lock.acquire()
    with RawStdioServer(home) as server:
        server.initialize()
        recorded = server.call_tool("record_trace", {"history": cancel_trace(), "session_id": session_id})
        resource_id = recorded["structuredContent"]["resource_id"]
        time.sleep(1.0)  # several worker polls: without the lock it must not have touched the trace
        assert trace_status(server, resource_id) == "pending"
        server.kill()
    return resource_id, lock


def wait_for_completion(home: Path, resource_id: str) -> None:
    with RawStdioServer(home) as server:
        server.initialize()
        wait_until(lambda: trace_status(server, resource_id) == "completed", timeout=60)
        found = server.call_tool("find_procedure", {"query": "cancel a reservation"})
        server.close()
    assert len(found["structuredContent"]["procedures"]) == 1


def test_pending_trace_survives_kill_9_and_is_processed_after_restart(deftly_home: Path) -> None:
    resource_id, lock = record_while_extraction_is_blocked(deftly_home, "crash-1")
    lock.release()

    wait_for_completion(deftly_home, resource_id)


def test_trace_left_processing_by_a_dead_extractor_is_requeued(deftly_home: Path) -> None:
    resource_id, lock = record_while_extraction_is_blocked(deftly_home, "crash-2")
    # What an extractor does just before it dies mid-trace: claim it.
    [(claimed, _content)] = open_db(deftly_home).claim_pending(1)
    assert claimed.resource_id == resource_id
    lock.release()

    wait_for_completion(deftly_home, resource_id)


def stdio(home: Path) -> Client:
    command, *args = deftly_command()
    return Client(StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(home)))


@pytest.mark.anyio
async def test_two_servers_on_one_home_see_each_others_writes(deftly_home: Path) -> None:
    async with stdio(deftly_home) as first, stdio(deftly_home) as second:
        cancel_id = await learn(first, cancel_trace(), "from-first")
        found = structured(await second.call_tool("find_procedure", {"query": "cancel a reservation"}))
        assert [hit["id"] for hit in found["procedures"]] == [cancel_id]

        structured(await second.call_tool("rate_procedure", {"id": cancel_id, "success": True}))
        structured(await first.call_tool("rate_procedure", {"id": cancel_id, "success": True}))
        detail = structured(await first.call_tool("get_procedure", {"id": cancel_id}))
        assert detail["stats"]["successes"] == 2, "neither server may lose the other's rating"

        address_id = await learn(second, address_trace(), "from-second")
        found = structured(await first.call_tool("find_procedure", {"query": "change the address of my order"}))
        assert found["procedures"][0]["id"] == address_id
