"""find_procedure of two builds side by side, call by call, through the official ``mcp`` client over stdio (issue 15).

    python bench/mcp_paired.py --home DIR --compare OTHER/.venv/bin/deftly [--rounds 3] [--calls 300]

``mcp_latency.py --compare`` runs one build's round after the other's; on a shared machine the load moves
between the two (with the same code on both sides, round medians differed by up to 1.5 ms). Here both
servers run at once, each on its own copy of the home, and the client asks them in turn with the same query
(this build first, then the other first, alternately), so the two calls of a pair meet the same load. Printed
per round: each build's median and p95, and the median of the pairs' differences (this minus the other).
Calls count from ``mcp_latency.STEADY_AFTER_SECONDS`` after both have answered (a serving process, its
start-up work done). The queries come from ``mcp_latency.prepare`` (a child process, as there).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from benchlib import deftly_command, git_commit, machine, server_env, summary, write_result
from mcp import Client, StdioServerParameters
from mcp_latency import STEADY_AFTER_SECONDS, prepare


def params(command: list[str], home: Path) -> StdioServerParameters:
    executable, *args = command
    return StdioServerParameters(command=executable, args=[*args, "serve"], env=server_env(home))


async def paired_round(homes: dict[str, Path], commands: dict[str, list[str]], asked: list[str], calls: int) -> Any:
    """Round trips (ms) of each build, pair by pair."""
    got: dict[str, list[float]] = {label: [] for label in commands}
    async with (
        Client(params(commands["this"], homes["this"]), mode="legacy") as this,
        Client(params(commands["compare"], homes["compare"]), mode="legacy") as other,
    ):
        clients = {"this": this, "compare": other}
        steady_from: float | None = None
        for n, query in enumerate(itertools.cycle(asked)):
            order = ["this", "compare"] if n % 2 == 0 else ["compare", "this"]
            for label in order:
                started = time.perf_counter()
                result = await clients[label].call_tool("find_procedure", {"query": query})
                elapsed = (time.perf_counter() - started) * 1000
                assert not result.is_error, result.content
                if steady_from is not None and started >= steady_from:
                    got[label].append(elapsed)
            steady_from = steady_from or time.perf_counter() + STEADY_AFTER_SECONDS
            if len(got["this"]) >= calls:
                return got


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True, help="a filled DEFTLY_HOME (copied for each build)")
    parser.add_argument("--compare", required=True, help="the other build's deftly executable")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=300, help="steady calls per build and round")
    args = parser.parse_args()
    print(f"machine: {machine()}; commit {git_commit()}; load average {os.getloadavg()}")
    commands = {"this": deftly_command(), "compare": [args.compare]}
    asked = prepare(args.home, recall=False)["queries"]
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="deftly-paired-") as tmp:
        homes = {label: Path(tmp) / label for label in commands}
        for home in homes.values():
            shutil.copytree(args.home, home, symlinks=True)
        for r in range(args.rounds):
            load = os.getloadavg()[0]
            got = anyio.run(paired_round, homes, commands, asked, args.calls)
            differences = [a - b for a, b in zip(got["this"], got["compare"], strict=False)]
            row = {label: summary(values) for label, values in got.items()}
            row |= {"difference_median_ms": statistics.median(differences), "load": [load, os.getloadavg()[0]]}
            rounds.append(row)
            this, other = row["this"], row["compare"]
            print(
                f"  round {r + 1}: this {this['median']:.1f} / {this['p95']:.1f} ms, other {other['median']:.1f} / "
                f"{other['p95']:.1f} ms (median / p95, n={this['n']}); pairs' median difference "
                f"{row['difference_median_ms']:+.2f} ms; load {load:.2f}-{os.getloadavg()[0]:.2f}",
                flush=True,
            )
    for label in commands:
        medians = [row[label]["median"] for row in rounds]
        p95s = [row[label]["p95"] for row in rounds]
        print(f"  ({label}) median of rounds {statistics.median(medians):.1f} ms, p95 {statistics.median(p95s):.1f} ms")
    print(
        f"  pairs' difference, median of rounds {statistics.median(r['difference_median_ms'] for r in rounds):+.2f} ms"
    )
    write_result("mcp_paired", {"home": str(args.home), "compare": args.compare, "rounds": rounds})
    return 0


if __name__ == "__main__":
    sys.exit(main())
