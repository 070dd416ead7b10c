"""A server's first finds are answered from the home's search snapshot while LanceDB is imported (issue 15):
only while every table it was read from is still at that version, whoever wrote since, and only for the
namespace, store and model it was made for."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from deftly_support import deftly_command, server_env, structured
from mcp import Client, StdioServerParameters

from deftly.server.runtime import Runtime
from deftly.server.settings import Settings
from deftly.server.storage.db import Database
from deftly.server.storage.memory.snapshot import SnapshotSearch, disk_versions, read_snapshot, snapshot_path
from deftly.server.storage.memory.snapshot_write import keep_snapshot, snapshot_key
from deftly.server.storage.store import LanceStore
from deftly.tools.find_procedure import find_procedures
from deftly.tools.models import FeedbackEvent, Procedure, Step
from deftly.tools.ports import Embedding, Phrase, SearchFilters

NOW = datetime(2026, 11, 21, tzinfo=UTC)
TASKS = {
    "cancel": ("Cancel a flight reservation", "cancel my booking for next week", "cancel_reservation"),
    "address": ("Change the shipping address of an order", "ship my order to my new home", "modify_address"),
    "refund": ("Refund a delivered order", "I want my money back for the headphones", "refund_order"),
    "password": ("Reset an account password", "I forgot my password and cannot log in", "reset_password"),
}
QUERIES = ["cancel a reservation", "my parcel should go to another address", "money back please", "log in"]


def _store(db_path: Path, embedder: Any, namespace: str = "default") -> LanceStore:
    return LanceStore(Database(db_path, dimensions=embedder.dimensions, embedding_model=embedder.model_name), namespace)


def _add(store: LanceStore, embedder: Any, pid: str, title: str, example: str, tool: str) -> None:
    procedure = Procedure(
        id=pid, namespace=store.namespace, title=title, examples=[example], tools=[tool], sources=["s1"],
        created_at=NOW, updated_at=NOW, steps=[Step(action=title, tool=tool), Step(action="Confirm", tool=tool)],
    )  # fmt: skip
    vectors = embedder.embed_documents([title, example])
    phrases = (Phrase("title", title, vectors[0]), Phrase("example", example, vectors[1]))
    store.add_procedures([(procedure, Embedding(vectors[0], phrases))])


def _filled(home: Path, embedder: Any) -> LanceStore:
    store = _store(home / "lancedb", embedder)
    for pid, (title, example, tool) in TASKS.items():
        _add(store, embedder, pid, title, example, tool)
    for step in (2, 2, 1):  # a record of failures, and where
        store.record_feedback(FeedbackEvent(procedure_id="refund", success=False, failed_step=step, created_at=NOW))
    store.record_feedback(FeedbackEvent(procedure_id="cancel", success=True, created_at=NOW))
    return store


def _snapshot(home: Path, store: LanceStore) -> SnapshotSearch:
    assert keep_snapshot(store, home)
    snapshot = read_snapshot(snapshot_path(home, store.namespace), snapshot_key(store))
    assert snapshot is not None
    return SnapshotSearch(snapshot)


def _found(source: Any, embedder: Any, query: str) -> list[dict[str, Any]]:
    result = find_procedures(source, embedder, query, now=NOW, max_results=3)
    return [hit.model_dump() for hit in result.procedures]


def test_a_snapshot_answers_every_find_as_the_store_does(tmp_path: Path, embedder: Any) -> None:
    store = _filled(tmp_path, embedder)
    store.warm_cache()
    search = _snapshot(tmp_path, store)
    for query in [*QUERIES, "refund the delivered order"]:
        assert _found(search, embedder, query) == _found(store, embedder, query), query
    refund = next(hit for hit in _found(search, embedder, "refund the delivered order") if hit["id"] == "refund")
    assert refund["failures"] == 3 and "failed in 2 runs" in refund["text"], "its ratings and failed steps"
    assert not keep_snapshot(store, tmp_path), "a current snapshot is not written again"


@pytest.mark.parametrize("write", ["forget", "other_namespace", "rating", "compaction"])
def test_any_write_by_any_process_makes_the_snapshot_stale(tmp_path: Path, embedder: Any, write: str) -> None:
    store = _filled(tmp_path, embedder)
    search = _snapshot(tmp_path, store)
    db_path = tmp_path / "lancedb"
    assert search.snapshot.current(db_path)

    other = _store(db_path, embedder, "other" if write == "other_namespace" else "default")  # another process
    if write == "forget":
        other.db.procedures.delete("id = 'cancel'")
        other.db.phrases.delete("id = 'cancel'")
    elif write == "other_namespace":
        _add(other, embedder, "theirs", "Cancel a flight reservation now", "cancel my flight", "cancel")
    elif write == "rating":
        other.record_feedback(FeedbackEvent(procedure_id="cancel", success=False, created_at=NOW))
    else:
        other.db.maintain(force=True)

    assert not search.snapshot.current(db_path)
    assert keep_snapshot(other if write != "other_namespace" else store, tmp_path), "written anew"
    fresh = read_snapshot(snapshot_path(tmp_path, "default"), snapshot_key(store))
    assert fresh is not None and fresh.current(db_path)
    found = {hit["id"] for query in QUERIES for hit in _found(SnapshotSearch(fresh), embedder, query)}
    assert "theirs" not in found
    assert ("cancel" in found) == (write != "forget")


def test_a_table_made_again_at_the_same_versions_is_not_the_snapshots(tmp_path: Path, embedder: Any) -> None:
    search = _snapshot(tmp_path, _filled(tmp_path, embedder))
    before = disk_versions(tmp_path / "lancedb")
    shutil.rmtree(tmp_path / "lancedb")
    time.sleep(0.01)
    _filled(tmp_path, embedder)  # the same writes: the same version numbers, other files
    after = disk_versions(tmp_path / "lancedb")
    assert before is not None and after is not None
    assert {name: v[0] for name, v in before.items()} == {name: v[0] for name, v in after.items()}
    assert not search.snapshot.current(tmp_path / "lancedb")


def test_a_snapshot_made_for_another_namespace_store_or_model_is_not_read(tmp_path: Path, embedder: Any) -> None:
    store = _filled(tmp_path, embedder)
    _snapshot(tmp_path, store)
    key, path = snapshot_key(store), snapshot_path(tmp_path, "default")
    for other in (
        key.__class__("other", key.store, key.model, key.dimensions),
        key.__class__(key.namespace, str(tmp_path / "elsewhere"), key.model, key.dimensions),
        key.__class__(key.namespace, key.store, "another-model", key.dimensions),
    ):
        assert read_snapshot(path, other) is None
    assert snapshot_path(tmp_path, "other") != path
    path.write_bytes(path.read_bytes()[:1000])  # cut short
    assert read_snapshot(path, key) is None


def test_a_starting_server_reads_a_current_snapshot_and_the_store_once_it_is_stale(
    tmp_path: Path, embedder: Any
) -> None:
    settings = Settings(home=tmp_path, worker_poll_seconds=0.2)
    store = _filled(tmp_path, embedder)
    assert keep_snapshot(store, tmp_path)
    runtime = Runtime(settings)
    runtime.start()
    try:
        source, model = runtime.searcher(SearchFilters())
        assert isinstance(source, SnapshotSearch), "answered before the store opened"
        assert _found(source, model, "cancel a reservation")[0]["id"] == "cancel"
        filtered, _ = runtime.searcher(SearchFilters(tools=("cancel_reservation",)))
        assert isinstance(filtered, LanceStore), "column filters wait for the store"

        store.db.procedures.delete("id = 'cancel'")  # forgotten by another process
        store.db.phrases.delete("id = 'cancel'")
        source, model = runtime.searcher(SearchFilters())
        assert isinstance(source, LanceStore)
        assert "cancel" not in [h["id"] for h in _found(source, model, "cancel a reservation")]
    finally:
        runtime.stop()
    fresh = read_snapshot(snapshot_path(tmp_path, "default"), snapshot_key(store))
    assert fresh is not None and fresh.current(tmp_path / "lancedb"), "the server wrote it anew"


@pytest.mark.slow
@pytest.mark.anyio
async def test_over_stdio_a_stale_snapshot_never_serves_a_forgotten_procedure(deftly_home: Path, embedder: Any) -> None:
    store = _filled(deftly_home, embedder)
    assert keep_snapshot(store, deftly_home)
    command, *args = deftly_command()
    params = StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(deftly_home))
    async with Client(params, mode="legacy") as client:
        found = structured(await client.call_tool("find_procedure", {"query": "cancel a reservation"}))
    assert found["procedures"][0]["id"] == "cancel"

    store.db.procedures.delete("id = 'cancel'")
    store.db.phrases.delete("id = 'cancel'")
    async with Client(params, mode="legacy") as client:
        found = structured(await client.call_tool("find_procedure", {"query": "cancel a reservation"}))
    assert "cancel" not in [hit["id"] for hit in found["procedures"]]
