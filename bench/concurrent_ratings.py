"""Concurrent rate_procedure calls from several processes on one procedure lose nothing (issue 5).

    python bench/concurrent_ratings.py [--processes 4] [--calls 100]

Creates one procedure in a fresh home, then starts N processes that each open
the same home and call rate_procedure (mixing successes and failures) until
``--calls`` calls were made in total, all at once. Afterwards the counters
must equal exactly what was sent, and so must the append-only feedback log.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools.models import Procedure, Step
from deftly.tools.ports import Embedding, Phrase
from deftly.tools.rate_procedure import rate_procedure

DIMENSIONS = 384


def open_store(home: str) -> LanceStore:
    return LanceStore(Database(Path(home), dimensions=DIMENSIONS, embedding_model="bench"), "default")


def create_procedure(home: str) -> str:
    now = datetime.now(UTC)
    procedure = Procedure(
        id="rated-procedure",
        title="Cancel reservation {reservation_id}",
        steps=[Step(action="Look it up", tool="get_reservation"), Step(action="Cancel it", tool="cancel")],
        sources=["s1"],
        created_at=now,
        updated_at=now,
    )
    vector = [1.0] + [0.0] * (DIMENSIONS - 1)
    open_store(home).add_procedures([(procedure, Embedding(vector, (Phrase("title", procedure.title, vector),)))])
    return procedure.id


def rater(home: str, procedure_id: str, calls: int, worker: int, start_at: float) -> None:
    store = open_store(home)
    while time.time() < start_at:
        time.sleep(0.001)
    for i in range(calls):
        success = (worker + i) % 3 != 0
        rate_procedure(store, procedure_id, success, now=datetime.now(UTC), failed_step=None if success else 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    per_process = [args.calls // args.processes + (i < args.calls % args.processes) for i in range(args.processes)]
    expected_failures = sum(1 for w, n in enumerate(per_process) for i in range(n) if (w + i) % 3 == 0)
    with tempfile.TemporaryDirectory(prefix="deftly-ratings-") as home:
        procedure_id = create_procedure(home)
        start_at = time.time() + 3.0  # every process is open and waiting before the first call
        context = multiprocessing.get_context("spawn")
        processes = [
            context.Process(target=rater, args=(home, procedure_id, n, w, start_at)) for w, n in enumerate(per_process)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        elapsed = time.time() - start_at
        store = open_store(home)
        ratings = store.get_ratings([procedure_id])[procedure_id]
        events = store.count_ratings()
        step_failures = store.step_failures(procedure_id)
    counted = ratings.successes + ratings.failures
    ok = (
        counted == args.calls == events
        and ratings.failures == expected_failures
        and step_failures == {2: expected_failures}
        and all(p.exitcode == 0 for p in processes)
    )
    print(
        f"{args.calls} rate_procedure calls from {args.processes} processes in {elapsed:.1f} s: counted "
        f"{counted} ({ratings.successes} successes, {ratings.failures} failures; expected {expected_failures} "
        f"failures), {events} feedback events, step failures {step_failures}  [{'OK' if ok else 'LOST UPDATES'}]"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
