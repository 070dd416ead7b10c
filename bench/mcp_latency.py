"""What an agent waits for, measured through the official ``mcp`` client over stdio (issue 15).

    python bench/mcp_latency.py find --sizes 1000 10000 100000 [--queries 200] [--rounds 3] [--compare DEFTLY]
    python bench/mcp_latency.py find --home DIR [--home DIR ...] [--rounds 3] [--compare DEFTLY]
    python bench/mcp_latency.py startup --home DIR [--rounds 5] [--compare DEFTLY]

``find``: for each size, fills a fresh home with that many synthetic procedures (``find_latency.fill``:
real-model phrase vectors plus noise), builds the indexes the server would, measures the ANN index's
recall@10 against exact search in-process, then spawns ``deftly serve`` and times ``find_procedure``
round trips as the client sees them (JSON-RPC framing, validation, embedding, search, rendering).
Two figures per round: ``steady``, the calls made from ``STEADY_AFTER_SECONDS`` after the server's
first answer on (a serving process, its start-up work -- cache warming, the worker's first cycle --
done; the start itself is what ``startup`` measures), and ``early``, the 200 calls after the first 20
(the figure recorded before, which includes that start-up work). It also reads the server's peak RSS
(VmHWM) after the calls.

``startup``: on an existing home (e.g. one filled by ``bench/import_rate.py --home``), spawn ->
``tools/list`` answered and spawn -> first ``find_procedure`` answered, each from a fresh process,
then, in a third process, find_procedure served as in ``find`` and the peak RSS (VmHWM) of that server.

``find --home`` times existing homes instead (e.g. ones kept from earlier fills), recall measured on them.
``--compare`` names another ``deftly`` executable (e.g. another checkout's venv): every round then runs
this checkout's server and that one back to back, so both meet the same load.

Every figure is the median of ``--rounds`` rounds; the 1-minute load average is printed with each.

The timing process never imports LanceDB, pyarrow, ONNX Runtime or the model: filling, recall and the
query list come from a child process (``prepare``). Pages of a library mapped by two processes cannot be
paged out of either, so a client holding this venv's libraries inflated the RSS of this checkout's server
(by 20-30 MB) and not that of a ``--compare`` server from another venv.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
from benchlib import deftly_command, git_commit, machine, server_env, summary, write_result
from mcp import Client, StdioServerParameters

WARMUP = 20
STEADY_AFTER_SECONDS = 5.0
STARTUP_QUERY = "cancel a reservation for a customer"
FLOORS = {1_000: (10.0, 20.0), 10_000: (15.0, 30.0), 100_000: (35.0, 60.0)}


SERVER: list[str] = deftly_command()  # what params() spawns; --compare switches it round by round


def params(home: Path) -> StdioServerParameters:
    command, *args = SERVER
    return StdioServerParameters(command=command, args=[*args, "serve"], env=server_env(home))


def servers(compare: str | None) -> dict[str, list[str]]:
    """The servers each round runs, by label: this checkout's, and ``--compare``'s (another ``deftly``)."""
    return {"this": deftly_command(), **({"compare": [compare]} if compare else {})}


def server_pid() -> int:
    """The ``deftly serve`` child of this process (the stdio client spawns exactly one)."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == me:
            return int(entry.name)
    raise RuntimeError("no server process found")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


async def time_finds(home: Path, asked: list[str]) -> tuple[list[float], list[float], float]:
    """Round trips (ms) of ``early`` and ``steady`` calls (see the module doc), and the server's peak RSS."""
    early: list[float] = []
    steady: list[float] = []
    queries = itertools.cycle(asked)
    async with Client(params(home), mode="legacy") as client:
        first_answer: float | None = None
        for n in itertools.count():
            started = time.perf_counter()
            result = await client.call_tool("find_procedure", {"query": next(queries)})
            elapsed = (time.perf_counter() - started) * 1000
            assert not result.is_error, result.content
            first_answer = first_answer or time.perf_counter()
            if WARMUP <= n < WARMUP + len(asked):
                early.append(elapsed)
            if started - first_answer >= STEADY_AFTER_SECONDS:
                steady.append(elapsed)
            if len(steady) == len(asked):
                break
        peak = peak_rss_mb(server_pid())
    return early, steady, peak


def prepare(home: Path, *, fill: int | None = None, recall: bool = True, n_queries: int = 200) -> dict[str, Any]:
    """In a child process: fill ``home`` with ``fill`` procedures (if given), and the procedure count, the ANN
    recall@10 (if ``recall``) and the queries to time."""
    command = [sys.executable, __file__, "prepare", "--home", str(home), "--queries", str(n_queries)]
    command += ["--sizes", str(fill)] if fill is not None else []
    command += [] if recall else ["--no-recall"]
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def prepared(home: Path, fill: int | None, recall: bool, n_queries: int) -> dict[str, Any]:
    """What ``prepare`` prints (run in the child)."""
    from find_latency import queries

    if fill is not None:
        fill_home(home, fill)
    return {
        "count": procedure_count(home),
        "recall": ann_recall(home) if recall else None,
        "queries": queries(n_queries),
    }


def fill_home(home: Path, size: int) -> None:
    """A home holding ``size`` synthetic procedures, indexed as the server would; returns ANN recall@10."""
    from find_latency import fill, phrase_pool, pool_vectors

    from deftly.server.background.embedding import FastEmbedder
    from deftly.server.settings import Settings
    from deftly.server.storage.db import Database
    from deftly.server.storage.store import LanceStore

    settings = Settings(home=home)
    embedder = FastEmbedder()
    pool = phrase_pool()
    db = Database(
        settings.db_path,
        dimensions=embedder.dimensions,
        embedding_model=embedder.model_name,
        ann_min_rows=settings.ann_min_rows,
    )
    store = LanceStore(db, settings.namespace)
    fill(store, size, pool, pool_vectors(embedder, pool), datetime.now(UTC))
    db.maintain(force=True)


def ann_recall(home: Path) -> float:
    """recall@10 of the vector search a server runs (the ANN index, if any) against exact search, 100 queries."""
    from find_latency import queries

    from deftly.server.background.embedding import FastEmbedder
    from deftly.server.runtime import open_for_command
    from deftly.server.settings import Settings
    from deftly.tools.ports import SearchFilters

    runtime = open_for_command(Settings(home=home))
    embedder = FastEmbedder()
    store = runtime.store()
    found = total = 0
    for query in queries(100):
        vector = embedder.embed_query(query)
        approx = {h.procedure_id for h in store.vector_hits(vector, 10, SearchFilters())}
        exact = {h.procedure_id for h in store.vector_hits(vector, 10, SearchFilters(), exact=True)}
        found += len(approx & exact)
        total += len(exact)
    runtime.stop()
    return found / total


def find_bench(sizes: list[int], homes: list[Path], n_queries: int, rounds: int, compare: str | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="deftly-mcp-") as tmp:
            home = Path(tmp) / "home"
            started = time.perf_counter()
            found = prepare(home, fill=size, n_queries=n_queries)
            print(
                f"\n{size} procedures: filled and indexed in {time.perf_counter() - started:.0f} s; "
                f"ANN recall@10 vs exact {found['recall']:.3f}",
                flush=True,
            )
            results[str(size)] = time_home(home, size, found["recall"], found["queries"], rounds, compare)
    for home in homes:
        found = prepare(home, n_queries=n_queries)
        print(f"\n{home}: {found['count']} procedures; ANN recall@10 vs exact {found['recall']:.3f}", flush=True)
        results[str(home)] = time_home(home, found["count"], found["recall"], found["queries"], rounds, compare)
    return results


def procedure_count(home: Path) -> int:
    from deftly.server.runtime import open_for_command
    from deftly.server.settings import Settings

    runtime = open_for_command(Settings(home=home))
    count = runtime.store().count_procedures()
    runtime.stop()
    return count


def time_home(
    home: Path, size: int, recall: float, asked: list[str], rounds: int, compare: str | None
) -> dict[str, Any]:
    """``rounds`` rounds of find_procedure over stdio on ``home``, each server of ``servers`` in turn."""
    global SERVER
    figures: dict[str, dict[str, list[float]]] = {}
    for r in range(rounds):
        for label, command in servers(compare).items():
            SERVER = command
            load = os.getloadavg()[0]
            early, steady, peak = anyio.run(time_finds, home, asked)
            s, e = summary(steady), summary(early)
            row = {
                "median_ms": s["median"],
                "p95_ms": s["p95"],
                "early_median_ms": e["median"],
                "early_p95_ms": e["p95"],
            }
            for key, value in {**row, "peak_rss_mb": peak, "load": load}.items():
                figures.setdefault(label, {}).setdefault(key, []).append(value)
            print(
                f"  round {r + 1} ({label}): find_procedure over stdio, steady median {s['median']:.1f} ms, p95 "
                f"{s['p95']:.1f} ms (n={s['n']}); early median {e['median']:.1f} ms, p95 {e['p95']:.1f} ms; "
                f"server peak RSS {peak:.0f} MB, load {load:.2f}-{os.getloadavg()[0]:.2f}",
                flush=True,
            )
    SERVER = deftly_command()
    floor = FLOORS.get(size)
    for label, got in figures.items():
        median, p95 = statistics.median(got["median_ms"]), statistics.median(got["p95_ms"])
        verdict = ""
        if floor and label == "this":
            meets = median <= floor[0] and p95 <= floor[1]
            verdict = f" floor {floor[0]:.0f}/{floor[1]:.0f} ms: {'meets' if meets else 'MISSES'}"
        print(
            f"  {size} ({label}): steady median of rounds {median:.1f} ms, p95 {p95:.1f} ms (early "
            f"{statistics.median(got['early_median_ms']):.1f} / {statistics.median(got['early_p95_ms']):.1f} ms), "
            f"peak RSS {statistics.median(got['peak_rss_mb']):.0f} MB, recall@10 {recall:.3f}{verdict}"
        )
    return {"recall_at_10": recall, **figures}


@contextlib.contextmanager
def own_record(home: Path, label: str) -> Iterator[None]:
    """Each server's own handshake record in ``home`` while it runs: a server answers the handshake from
    the record an earlier start of the same build left (``serve-replies.json``, keyed by its code), so
    two builds taking turns on one home would each find the other's and never answer early."""
    record, kept = home / "serve-replies.json", home / f"serve-replies.{label}.json"
    record.unlink(missing_ok=True)
    if kept.exists():
        shutil.copyfile(kept, record)
    try:
        yield
    finally:
        if record.exists():
            shutil.copyfile(record, kept)


async def startup_once(home: Path) -> tuple[float, float]:
    """Seconds from spawn to the tools/list reply, in one process, and to the first find answer in another."""
    started = time.perf_counter()
    async with Client(params(home), mode="legacy") as client:
        await client.list_tools()
        listed = time.perf_counter() - started
    started = time.perf_counter()
    async with Client(params(home), mode="legacy") as client:
        result = await client.call_tool("find_procedure", {"query": STARTUP_QUERY})
        answered = time.perf_counter() - started
        assert not result.is_error, result.content
    return listed, answered


def startup_bench(home: Path, rounds: int, compare: str | None) -> dict[str, Any]:
    global SERVER
    asked = prepare(home, recall=False)["queries"]
    for label, command in servers(compare).items():  # warm the OS file cache, as any second launch is
        SERVER = command
        with own_record(home, label):  # and record each server's handshake, as its first start does
            anyio.run(startup_once, home)
    results: dict[str, Any] = {}
    for label in servers(compare):
        results[label] = {"tools_list_ms": [], "first_find_ms": [], "loads": [], "peak_rss_mb": []}
    for _ in range(rounds):
        for label, command in servers(compare).items():
            SERVER = command
            results[label]["loads"].append(os.getloadavg()[0])
            with own_record(home, label):
                a, b = anyio.run(startup_once, home)
            results[label]["tools_list_ms"].append(a * 1000)
            results[label]["first_find_ms"].append(b * 1000)
    for label, got in results.items():
        listed, answered = got["tools_list_ms"], got["first_find_ms"]
        print(f"({label}) spawn -> tools/list: median {statistics.median(listed):.0f} ms {[round(x) for x in listed]}")
        print(
            f"({label}) spawn -> first find_procedure answer: median {statistics.median(answered):.0f} ms "
            f"{[round(x) for x in answered]}  (load {[round(x, 2) for x in got['loads']]})"
        )
    for _ in range(rounds):
        for label, command in servers(compare).items():
            SERVER = command
            load = os.getloadavg()[0]
            early, steady, peak = anyio.run(time_finds, home, asked)
            results[label]["peak_rss_mb"].append(peak)
            print(
                f"  ({label}) serving: steady median {statistics.median(steady):.1f} ms, p95 "
                f"{summary(steady)['p95']:.1f} ms; early {statistics.median(early):.1f} / {summary(early)['p95']:.1f} "
                f"ms; peak RSS {peak:.0f} MB (load {load:.2f}-{os.getloadavg()[0]:.2f})"
            )
    SERVER = deftly_command()
    for label, got in results.items():
        print(f"({label}) peak RSS while serving: median {statistics.median(got['peak_rss_mb']):.0f} MB")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["find", "startup", "prepare"], help="prepare: the child's part (see above)")
    parser.add_argument("--sizes", type=int, nargs="*", default=None, help="find: fill homes of these sizes")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--home", type=Path, action="append", default=[], help="an existing DEFTLY_HOME (repeatable)")
    parser.add_argument("--compare", help="another deftly executable: each round runs it after this one (A/B)")
    parser.add_argument("--no-recall", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.what == "prepare":
        fill = args.sizes[0] if args.sizes else None
        print(json.dumps(prepared(args.home[0], fill, not args.no_recall, args.queries)))
        return 0
    print(f"machine: {machine()}; commit {git_commit()}; load average {os.getloadavg()}")
    if args.what == "find":
        sizes = args.sizes if args.sizes is not None else ([] if args.home else [1_000, 10_000, 100_000])
        write_result("mcp_find", find_bench(sizes, args.home, args.queries, args.rounds, args.compare))
    else:
        if len(args.home) != 1:
            parser.error("startup needs one --home (a filled DEFTLY_HOME)")
        write_result("mcp_startup", startup_bench(args.home[0], args.rounds, args.compare))
    return 0


if __name__ == "__main__":
    sys.exit(main())
