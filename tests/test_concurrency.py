"""Several processes rating one procedure at once lose no update (atomic SQL counters)."""

from __future__ import annotations

import multiprocessing
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools.models import Procedure, Step
from deftly.tools.ports import Embedding, Phrase
from deftly.tools.rate_procedure import rate_procedure

DIMENSIONS = 384
PROCEDURE_ID = "rated"


def _store(home: str) -> LanceStore:
    return LanceStore(Database(Path(home), dimensions=DIMENSIONS, embedding_model="test"), "default")


def _rate(home: str, calls: int, worker: int, start_at: float) -> None:
    store = _store(home)
    while time.time() < start_at:
        time.sleep(0.001)
    for i in range(calls):
        success = (worker + i) % 2 == 0
        rate_procedure(store, PROCEDURE_ID, success, now=datetime.now(UTC), failed_step=None if success else 1)


@pytest.mark.slow
def test_concurrent_ratings_from_four_processes_are_all_counted(tmp_path: Path) -> None:
    home = str(tmp_path / "db")
    now = datetime.now(UTC)
    vector = [1.0] + [0.0] * (DIMENSIONS - 1)
    procedure = Procedure(
        id=PROCEDURE_ID,
        title="Do it",
        created_at=now,
        updated_at=now,
        steps=[Step(action="a", tool="a"), Step(action="b", tool="b")],
    )
    _store(home).add_procedures([(procedure, Embedding(vector, (Phrase("title", "Do it", vector),)))])
    start_at = time.time() + 2.0
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_rate, args=(home, 10, w, start_at)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    store = _store(home)
    ratings = store.get_ratings([PROCEDURE_ID])[PROCEDURE_ID]
    assert (ratings.successes, ratings.failures) == (20, 20)
    assert store.count_ratings() == 40
    assert store.step_failures(PROCEDURE_ID) == {1: 20}


class _Contended:
    """A table whose writes lose to other writers ``losses`` times before committing."""

    name = "contended"

    def __init__(self, losses: int) -> None:
        self.losses = losses
        self.attempts = 0
        self.merges: list[list[str]] = []

    def update(self, **kwargs: object) -> str:
        self.attempts += 1
        if self.attempts <= self.losses:
            raise RuntimeError("lance error: Too many concurrent writers. Attempted 4 times")
        return "committed"

    def merge_insert(self, on: str) -> _Contended:
        self.merges.append([on])
        return self

    def when_matched_update_all(self, where: str = "") -> _Contended:
        self.merges[-1].append(where)
        return self

    def execute(self, data: object) -> str:
        return self.update()


def test_a_write_that_lost_to_other_writers_is_retried_until_it_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    from deftly.server.storage import concurrency

    monkeypatch.setattr(concurrency, "FIRST_BACKOFF_SECONDS", 0.001)
    table = _Contended(losses=3)

    assert concurrency.RetryingTable(table).update(where="TRUE") == "committed"
    assert table.attempts == 4

    merging = _Contended(losses=2)
    builder = concurrency.RetryingTable(merging).merge_insert("id").when_matched_update_all(where="x")
    assert builder.execute([{"id": 1}]) == "committed"
    assert merging.merges == [["id", "x"]] * 3, "each attempt rebuilds the merge from scratch"


def test_other_write_errors_and_endless_contention_are_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from deftly.server.storage import concurrency

    monkeypatch.setattr(concurrency, "FIRST_BACKOFF_SECONDS", 0.001)
    hopeless = _Contended(losses=100)
    with pytest.raises(RuntimeError, match="Too many concurrent writers"):
        concurrency.RetryingTable(hopeless).update(where="TRUE")
    assert hopeless.attempts == concurrency.COMMIT_ATTEMPTS

    class Broken(_Contended):
        def update(self, **kwargs: object) -> str:
            self.attempts += 1
            raise ValueError("no such column")

    broken = Broken(losses=0)
    with pytest.raises(ValueError, match="no such column"):
        concurrency.RetryingTable(broken).update(where="TRUE")
    assert broken.attempts == 1


def test_a_counter_update_applied_twice_counts_its_rating_once(store: LanceStore) -> None:
    """What LanceDB does after a commit whose reply was lost (an S3 conditional PUT stored, then retried):
    the same update runs again on the version that holds it. The row remembers its last events."""
    now = datetime.now(UTC)
    vector = [1.0] + [0.0] * (DIMENSIONS - 1)
    procedure = Procedure(id=PROCEDURE_ID, title="Do it", created_at=now, updated_at=now, steps=[Step(action="a")])
    store.add_procedures([(procedure, Embedding(vector, (Phrase("title", "Do it", vector),)))])
    table = store.db.stats.table

    class AppliedTwice:
        def __getattr__(self, name: str) -> object:
            return getattr(table, name)

        def update(self, **kwargs: object) -> object:
            table.update(**kwargs)
            return table.update(**kwargs)

    store.db.stats = AppliedTwice()
    for success in (True, True, False):
        rate_procedure(store, PROCEDURE_ID, success, now=now, failed_step=None if success else 1)

    ratings = store.get_ratings([PROCEDURE_ID])[PROCEDURE_ID]
    assert (ratings.successes, ratings.failures) == (2, 1)
    assert store.count_ratings() == 3


def test_an_index_another_server_created_first_is_taken_as_created(monkeypatch: pytest.MonkeyPatch) -> None:
    from deftly.server.storage import concurrency
    from deftly.server.storage.concurrency import create_index_once

    monkeypatch.setattr(concurrency, "FIRST_BACKOFF_SECONDS", 0.001)

    class Raced:
        def __init__(self) -> None:
            self.attempts = 0

        def create_index(self, column: str, config: object, replace: bool) -> None:
            self.attempts += 1
            if self.attempts == 1:
                raise RuntimeError(
                    "lance error: Retryable commit conflict for version 3: This CreateIndex transaction was "
                    "preempted by concurrent transaction CreateIndex at version 3. Please retry."
                )
            raise ValueError(f"Index name '{column}_idx' already exists")

    raced = Raced()
    create_index_once(raced, "id", None)
    assert raced.attempts == 2
