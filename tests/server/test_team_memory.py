"""Team memory: two ``deftly serve`` processes (two homes, as on two machines) share one S3 store.

The store is a local S3-compatible server (moto's server mode, from the test extras) on a loopback port.
Without moto the tests skip, unless DEFTLY_REQUIRE_S3=1 (CI sets it), which turns the skip into a failure.
The full-size run (200 traces and 200 ratings from each server) is ``bench/team_memory.py``.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from deftly_support import deftly_command, server_env, structured, wait_for_extraction
from mcp import Client, StdioServerParameters
from s3_support import LocalS3, address_history, cancel_history, hold_lease_repeatedly, local_s3, moto_missing

pytestmark = pytest.mark.slow

TRACES_EACH = 6
RATINGS_EACH = 8
# The documented delay before one server finds what another learned: extraction (the lease holder polls
# every DEFTLY_WORKER_POLL_SECONDS, then learns) plus the next search's manifest read. Generous for CI.
VISIBLE_WITHIN_SECONDS = 20.0
SECRET = "AKIAZ7QX4RVB2MNPLK3T"


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalS3]:
    missing = moto_missing()
    if missing:
        if os.environ.get("DEFTLY_REQUIRE_S3") == "1":
            pytest.fail(f"DEFTLY_REQUIRE_S3=1 but {missing}")
        pytest.skip(missing)
    with local_s3(tmp_path_factory.mktemp("s3") / "moto.log") as server:
        yield server


def stdio(home: Path, env: dict[str, str]) -> Client:
    command, *args = deftly_command()
    return Client(StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(home, **env)))


def deftly(home: Path, env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [*deftly_command(), *args, "--json"], env=server_env(home, **env), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def find_ids(client: Client, query: str) -> list[str]:
    found = structured(await client.call_tool("find_procedure", {"query": query}))
    return [hit["id"] for hit in found["procedures"]]


async def seen_within(client: Client, query: str, procedure_id: str, timeout: float) -> float:
    started = time.monotonic()
    with anyio.fail_after(timeout):
        while procedure_id not in await find_ids(client, query):
            await anyio.sleep(0.2)
    return time.monotonic() - started


async def teammate(client: Client, name: str, rated: str) -> list[str]:
    """Record TRACES_EACH traces and rate ``rated`` RATINGS_EACH times, interleaved; returns the resource ids."""
    recorded = []
    for i in range(max(TRACES_EACH, RATINGS_EACH)):
        if i < TRACES_EACH:
            history = cancel_history(1000 * (name == "b") + i) if i % 2 else address_history(1000 * (name == "b") + i)
            result = await client.call_tool("record_trace", {"history": history, "session_id": f"{name}-{i}"})
            recorded.append(structured(result)["resource_id"])
        if i < RATINGS_EACH:
            structured(await client.call_tool("rate_procedure", {"id": rated, "success": i % 4 != 0}))
    return recorded


@pytest.mark.anyio
async def test_two_servers_on_one_bucket_lose_nothing_and_see_each_other(s3: LocalS3, tmp_path: Path) -> None:
    store = s3.new_store()
    env = s3.env(store, DEFTLY_LEASE_SECONDS="6")
    async with stdio(tmp_path / "a", env) as a, stdio(tmp_path / "b", env) as b:
        first = structured(await a.call_tool("record_trace", {"history": cancel_history(0), "session_id": "a-first"}))
        status = await wait_for_extraction(a, first["resource_id"], timeout=60)
        assert status["status"] == "completed", status
        [cancel_id] = status["procedure_ids"]
        await seen_within(b, "cancel a reservation", cancel_id, VISIBLE_WITHIN_SECONDS)

        recorded: dict[str, list[str]] = {}

        async def run(client: Client, name: str) -> None:
            recorded[name] = await teammate(client, name, cancel_id)

        async with anyio.create_task_group() as group:
            group.start_soon(run, a, "a")
            group.start_soon(run, b, "b")
        for resource_id in recorded["a"] + recorded["b"]:
            status = await wait_for_extraction(b, resource_id, timeout=90)
            assert status["status"] == "completed", status

        detail = structured(await b.call_tool("get_procedure", {"id": cancel_id}))
        [address_id] = [pid for pid in await find_ids(a, "change the shipping address of an order") if pid != cancel_id]
        await seen_within(b, "change the shipping address of an order", address_id, VISIBLE_WITHIN_SECONDS)

    ratings = 2 * RATINGS_EACH
    assert detail["stats"]["successes"] + detail["stats"]["failures"] == ratings
    assert detail["stats"]["failures"] == 2 * len(range(0, RATINGS_EACH, 4))
    cancel_sessions = {"a-first"} | {f"{n}-{i}" for n in "ab" for i in range(1, TRACES_EACH, 2)}
    assert set(detail["sources"]) == cancel_sessions, "a merge made by one learner was lost"

    db = s3.open_db(store)
    assert db.traces.count_rows() == 1 + 2 * TRACES_EACH
    assert db.traces.count_rows("status = 'completed'") == 1 + 2 * TRACES_EACH
    assert db.feedback.count_rows() == ratings
    # Two learners merging at once would have made two of a procedure: one learned, the other waited.
    assert sorted(row["id"] for row in db.procedures.search().select(["id"]).to_list()) == sorted(
        [cancel_id, address_id]
    )


@pytest.mark.anyio
async def test_secrets_namespaces_and_review_work_the_same_on_a_shared_store(s3: LocalS3, tmp_path: Path) -> None:
    store = s3.new_store()
    env = s3.env(store, DEFTLY_LEASE_SECONDS="6")
    async with stdio(tmp_path / "a", env) as a:
        history = address_history(7, secret=SECRET)
        recorded = structured(await a.call_tool("record_trace", {"history": history, "session_id": "secret"}))
        status = await wait_for_extraction(a, recorded["resource_id"], timeout=60)
        [address_id] = status["procedure_ids"]

        # Another machine, another namespace: its procedure stays there.
        other = deftly(tmp_path / "c", {**env, "DEFTLY_NAMESPACE": "other"}, "import", str(_write_trace(tmp_path)))
        assert other["procedures"] == 1, other
        [other_id] = other["results"][0]["procedure_ids"]
        assert other_id not in await find_ids(a, "cancel a reservation")

        # A reviewer on a third machine rejects the procedure: every server stops serving it.
        deftly(tmp_path / "d", env, "review", "reject", address_id, "--reason", "wrong order")
        with anyio.fail_after(VISIBLE_WITHIN_SECONDS):
            while address_id in await find_ids(a, "change the shipping address of an order"):
                await anyio.sleep(0.2)

    db = s3.open_db(store)
    stored = json.dumps(db.traces.search().select(["content"]).to_list()) + json.dumps(
        db.procedures.search().to_list(), default=str
    )
    assert SECRET not in stored
    assert db.procedures.count_rows("namespace = 'other'") == 1
    assert db.stats.count_rows(f"id = '{address_id}' AND state = 'retired'") == 1


def _write_trace(tmp_path: Path) -> Path:
    path = tmp_path / "cancel.json"
    path.write_text(json.dumps(cancel_history(42)), encoding="utf-8")
    return path


def test_an_unreachable_store_says_what_to_check(s3: LocalS3, tmp_path: Path) -> None:
    env = s3.env("s3://no-such-bucket/deftly")
    done = subprocess.run(
        [*deftly_command(), "stats"], env=server_env(tmp_path / "h", **env), capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "the bucket does not exist" in done.stderr, done.stderr

    closed = {**env, "DEFTLY_S3_ENDPOINT": "http://127.0.0.1:9", "DEFTLY_STORE": s3.new_store()}
    done = subprocess.run(
        [*deftly_command(), "stats"],
        env=server_env(tmp_path / "h", **closed),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "the endpoint did not answer: check DEFTLY_S3_ENDPOINT" in done.stderr, done.stderr


def test_the_learning_lease_has_one_holder_at_a_time(s3: LocalS3) -> None:
    """Three processes contend for the lease for 15 s (held 1-5 s each time, renewed meanwhile): the
    intervals in which each believed it held the lease never overlap, and the role changes hands."""
    store = s3.new_store()
    s3.open_db(store)  # creates the tables
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    ready = context.Barrier(3)
    contenders = [
        context.Process(target=hold_lease_repeatedly, args=(s3.endpoint, store, 2.0, 15.0, ready, out))
        for _ in range(3)
    ]
    for process in contenders:
        process.start()
    held = [out.get(timeout=120) for _ in contenders]
    for process in contenders:
        process.join(30)

    assert sum(1 for intervals in held if intervals) >= 2, held
    spans = sorted((start, end, who) for who, intervals in enumerate(held) for start, end in intervals)
    overlaps = [(a, b) for a, b in itertools.pairwise(spans) if b[0] < a[1] and a[2] != b[2]]
    assert overlaps == [], overlaps


def test_a_refused_connection_is_not_read_as_refused_credentials_because_of_a_timing_figure() -> None:
    from deftly.server.storage.concurrency import unreachable

    connect = "RetryError { retries: 3, elapsed: 1.403476ms, inner: Http(HttpError { kind: Connect }) }"
    assert "the endpoint did not answer" in str(unreachable("s3://b/deftly", RuntimeError(connect)))
    forbidden = "Client error with status 403: <Code>AccessDenied</Code>"
    assert "the credentials were refused" in str(unreachable("s3://b/deftly", RuntimeError(forbidden)))
    assert "the credentials were refused" in str(unreachable("s3://b/deftly", RuntimeError("HTTP status 403")))
