"""Disk growth under many small writes, and what ``deftly compact`` gets back (issue 13).

    python bench/disk_growth.py [--traces 2000] [--ratings 2000] [--wait SECONDS]

In a fresh DEFTLY_HOME, with the extraction worker running in the background as ``deftly serve`` runs it,
records ``--traces`` small traces one ``record_trace`` call at a time (four kinds of task, so there are
procedures to rate), then makes ``--ratings`` ``rate_procedure`` calls. It then lets the worker run for
``--wait`` seconds (by default the cleanup grace period plus two cleanup rounds), stops it and prints the
database's size and file count, then runs ``deftly compact --json`` and prints them again.

Floor: before ``deftly compact``, disk is at most 1.5x the compacted size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchlib import deftly_command, server_env

from deftly.server.background.embedding import FastEmbedder
from deftly.server.background.worker import ExtractionWorker
from deftly.server.settings import Settings
from deftly.server.storage.db import CLEANUP_EVERY_SECONDS, Database, DiskUsage
from deftly.server.storage.store import LanceStore
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.rate_procedure import rate_procedure
from deftly.tools.record_trace import record_trace

FLOOR_RATIO = 1.5
TASKS = [
    ("Archive ticket T-{n} please", "archive_ticket", {"ticket_id": "T-{n}"}),
    ("Cancel order #W{n} for me", "cancel_order", {"order_id": "#W{n}"}),
    ("Reset the password of user u{n}", "reset_password", {"user_id": "u{n}"}),
    ("Refund invoice INV-{n}", "refund_invoice", {"invoice_id": "INV-{n}"}),
]


def small_trace(i: int) -> list[dict[str, Any]]:
    request, tool, arguments = TASKS[i % len(TASKS)]
    number = str(100000 + i)
    args = {k: v.replace("{n}", number) for k, v in arguments.items()}
    lookup = {"name": "get_record", "arguments": json.dumps(args)}
    write = {"name": tool, "arguments": json.dumps(args)}
    return [
        {"role": "user", "content": request.replace("{n}", number)},
        {"role": "assistant", "content": None, "tool_calls": [{"id": f"a{i}", "type": "function", "function": lookup}]},
        {"role": "tool", "tool_call_id": f"a{i}", "content": '{"status": "open"}'},
        {"role": "assistant", "content": None, "tool_calls": [{"id": f"b{i}", "type": "function", "function": write}]},
        {"role": "tool", "tool_call_id": f"b{i}", "content": '{"ok": true}'},
        {"role": "assistant", "content": "Done."},
    ]


def fill(home: Path, traces: int, ratings: int, wait: float) -> DiskUsage:
    settings = Settings(home=home)
    embedder = FastEmbedder()
    db = Database(
        settings.db_path,
        dimensions=embedder.dimensions,
        embedding_model=embedder.model_name,
        keep_versions=settings.keep_versions,
    )
    store = LanceStore(db, "default")
    worker = ExtractionWorker(db, embedder, HeuristicExtractor, lock_path=settings.lock_path, poll_seconds=0.5)
    worker.start()
    started = time.perf_counter()
    for i in range(traces):
        record_trace(store, small_trace(i), now=datetime.now(UTC), session_id=f"growth-{i}")
        worker.wake()
    while _unfinished(store):
        time.sleep(0.5)
    print(f"{traces} traces recorded and extracted in {time.perf_counter() - started:.0f} s: {_usage(db.disk_usage())}")
    ids = [p.id for p in store.list_procedures(100)]
    started = time.perf_counter()
    for i in range(ratings):
        rate_procedure(store, ids[i % len(ids)], i % 5 != 0, now=datetime.now(UTC))
    elapsed = time.perf_counter() - started
    print(f"{ratings} ratings of {len(ids)} procedures in {elapsed:.0f} s: {_usage(db.disk_usage())}")
    time.sleep(wait)
    worker.stop()
    return db.disk_usage()


def _unfinished(store: LanceStore) -> int:
    counts = store.trace_counts()
    return counts.get("pending", 0) + counts.get("processing", 0)


def _usage(usage: DiskUsage) -> str:
    return f"{usage.bytes / 1024 / 1024:.1f} MiB in {usage.files} files"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--traces", type=int, default=2000)
    parser.add_argument("--ratings", type=int, default=2000)
    parser.add_argument("--wait", type=float, help="seconds the worker runs after the last write")
    args = parser.parse_args()
    wait = args.wait if args.wait is not None else Settings().keep_versions.total_seconds() + 2 * CLEANUP_EVERY_SECONDS
    with tempfile.TemporaryDirectory(prefix="deftly-growth-") as home:
        before = fill(Path(home), args.traces, args.ratings, wait)
        print(f"after the worker ran {wait:.0f} s more: {_usage(before)}")
        out = subprocess.run(
            [*deftly_command(), "compact", "--json"], env=server_env(Path(home)), check=True, capture_output=True
        )
        after = json.loads(out.stdout)["after"]
    ratio = before.bytes / after["bytes"]
    print(f"after deftly compact: {after['bytes'] / 1024 / 1024:.1f} MiB in {after['files']} files")
    print(f"ratio before/after compact: {ratio:.2f} (floor <= {FLOOR_RATIO})")
    return 0 if ratio <= FLOOR_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
