"""Extraction time and peak RSS against trace length (issue 13): must grow linearly.

    python bench/long_trace.py [--turns 5000 10000 20000] [--profile]

Each size runs in a fresh subprocess (so peak RSS is that size's own) and builds an OpenAI-chat trace of
many small tasks — a user request, a lookup, a write, a confirmation — with distinct ids per task, then
times ``parse_history`` and then ``learn_batch`` on that one trace, as the worker runs it: the offline
extractor, embedding (the real model, loaded beforehand), merging and storing in a temporary LanceDB.
Floor: a 20,000-turn trace parses and extracts in at most 10 s.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FLOOR_SECONDS_20K = 10.0
TURNS_PER_TASK = 6  # user, two calls (a call and its result are one turn), assistant, user thanks, assistant


def build_history(turns: int) -> list[dict[str, Any]]:
    """An OpenAI-chat history that parses into ``turns`` canonical turns."""
    messages: list[dict[str, Any]] = []
    for task in range(1, turns // TURNS_PER_TASK + 1):
        order, user_id = f"#W{1000000 + task}", f"user_{task:05d}"
        messages.append({"role": "user", "content": f"Please cancel order {order} for {user_id}, it arrived broken."})
        messages += _call(task, "get_order_details", {"order_id": order}, {"order_id": order, "status": "pending"})
        messages += _call(task, "cancel_pending_order", {"order_id": order, "reason": "broken"}, {"status": "ok"})
        messages.append({"role": "assistant", "content": f"Order {order} is cancelled."})
        messages.append({"role": "user", "content": "Thanks, that is all."})
        messages.append({"role": "assistant", "content": "You're welcome."})
    return messages


def _call(task: int, tool: str, arguments: dict[str, Any], result: dict[str, Any]) -> list[dict[str, Any]]:
    call_id = f"call_{task}_{tool}"
    function = {"name": tool, "arguments": json.dumps(arguments)}
    return [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": call_id, "type": "function", "function": function}],
        },
        {"role": "tool", "tool_call_id": call_id, "name": tool, "content": json.dumps(result)},
    ]


def measure(turns: int, profile: bool) -> dict[str, Any]:
    """Parse, then run ``learn_batch`` on the one trace as the worker does (real store and embedder)."""
    from deftly.server.background.embedding import FastEmbedder
    from deftly.server.storage.db import Database
    from deftly.server.storage.store import LanceStore
    from deftly.tools.extract.heuristic import HeuristicExtractor
    from deftly.tools.formats import parse_history
    from deftly.tools.learn import LearnItem, learn_batch
    from deftly.tools.models import TraceRecord

    embedder = FastEmbedder()
    embedder.embed_query("warm up")
    history = build_history(turns)
    with tempfile.TemporaryDirectory(prefix="deftly-long-") as home:
        store = LanceStore(
            Database(Path(home), dimensions=embedder.dimensions, embedding_model=embedder.model_name), "default"
        )
        started, cpu_started = time.perf_counter(), _cpu()
        trace = parse_history(history)
        parsed = time.perf_counter()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        now = datetime.now(UTC)
        record = TraceRecord(
            resource_id="tr_bench",
            session_id="bench",
            format=trace.format,
            content_hash="x",
            created_at=now,
            updated_at=now,
        )
        [result] = learn_batch(
            [LearnItem(record, trace)], extractor=HeuristicExtractor(), store=store, embedder=embedder, now=now
        )
        done, cpu_done = time.perf_counter(), _cpu()
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    return {
        "turns": len(trace.turns),
        "created": result.created,
        "merged": result.merged,
        "parse_s": round(parsed - started, 2),
        "learn_s": round(done - parsed, 2),
        "cpu_s": round(cpu_done - cpu_started, 2),  # parse and learn; on a loaded machine, steadier than wall time
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, nargs="+", default=[5000, 10000, 20000])
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the extraction to stderr")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a single size, in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.profile)))
        return 0
    ok = True
    for turns in args.turns:
        command = [sys.executable, __file__, "--one", str(turns), *(["--profile"] if args.profile else [])]
        out = subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps(row))
        if turns >= 20_000 and row["learn_s"] + row["parse_s"] > FLOOR_SECONDS_20K:
            ok = False
    print("floor (20,000 turns <= 10 s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
