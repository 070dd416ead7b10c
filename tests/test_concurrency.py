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
