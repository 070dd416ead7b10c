"""Many small writes must not degrade search: the compaction policy at work (issue 2).

    python bench/write_churn.py [--procedures 5000] [--ratings 500] [--traces 100]

Fills a store, times find_procedure, then makes many small writes the way a busy
deployment does (rate_procedure calls, recorded traces) and times it again, with
the fragment counts; then runs one worker cycle -- which compacts the tables it
finds fragmented -- and times it a third time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from find_latency import fill, phrase_pool, pool_vectors, queries

from deftly.server.background.embedding import FastEmbedder
from deftly.server.background.worker import ExtractionWorker
from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.find_procedure import find_procedures
from deftly.tools.rate_procedure import rate_procedure
from deftly.tools.record_trace import record_trace


def timed_find(store: LanceStore, embedder: FastEmbedder, asked: list[str]) -> float:
    now = datetime.now(UTC)
    times = []
    for query in asked:
        started = time.perf_counter()
        find_procedures(store, embedder, query, now=now)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def fragments(db: Database) -> str:
    counts = {name: table.stats()["fragment_stats"]["num_fragments"] for name, table in db._tables().items()}
    return ", ".join(f"{name} {count}" for name, count in counts.items())


def small_trace(i: int) -> list[dict[str, object]]:
    return [
        {"role": "user", "content": f"Archive ticket T-{1000 + i} please"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"c{i}",
                    "type": "function",
                    "function": {"name": "get_ticket", "arguments": f'{{"ticket_id": "T-{1000 + i}"}}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": f"c{i}", "content": '{"status": "open"}'},
        {"role": "assistant", "content": "Archived."},
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--ratings", type=int, default=500)
    parser.add_argument("--traces", type=int, default=100)
    args = parser.parse_args()
    embedder = FastEmbedder()
    embedder.embed_query("warm up")
    pool = phrase_pool()
    vectors = pool_vectors(embedder, pool)
    asked = queries(120)
    with tempfile.TemporaryDirectory(prefix="deftly-churn-") as home:
        db = Database(Path(home) / "db", dimensions=embedder.dimensions, embedding_model=embedder.model_name)
        store = LanceStore(db, "default")
        fill(store, args.procedures, pool, vectors, datetime.now(UTC))
        db.maintain(force=True)
        timed_find(store, embedder, asked[:20])
        print(
            f"{args.procedures} procedures, compacted: find median {timed_find(store, embedder, asked[20:]):.1f} ms"
            f" ({fragments(db)})"
        )
        now = datetime.now(UTC)
        for i in range(args.ratings):
            rate_procedure(store, f"p{i % args.procedures:06d}", i % 4 != 0, now=now)
        for i in range(args.traces):
            record_trace(store, small_trace(i), now=now, session_id=f"churn-{i}")
        print(
            f"after {args.ratings} ratings and {args.traces} recorded traces: find median "
            f"{timed_find(store, embedder, asked[20:]):.1f} ms ({fragments(db)})"
        )
        worker = ExtractionWorker(db, embedder, HeuristicExtractor, lock_path=Path(home) / "worker.lock")
        started = time.perf_counter()
        worker.run_once()
        worker.stop()
        print(
            f"one worker cycle ({time.perf_counter() - started:.1f} s: extraction and compaction): find median "
            f"{timed_find(store, embedder, asked[20:]):.1f} ms ({fragments(db)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
