"""``deftly import`` throughput, end to end, on the two development data sets (issue 15).

    python bench/import_rate.py [--runs 3] [--home DIR] [--compare OTHER/.venv/bin/deftly]

Writes each run of ``../shared/datasets/tau_bench_airline/gpt-4o-airline.json`` (200 OpenAI-chat runs in one
list) and ``../shared/datasets/tau2_retail/tau2_retail_traces.json`` (194 records with ``messages``) as one
file per run into a temporary folder, then times ``deftly import <folder>`` as a user runs it -- process
start, recording, extraction, embedding and LanceDB writes included -- on a fresh home, and reports runs/s.
``--home`` keeps the last filled home (a real memory for ``bench/mcp_latency.py``). ``--compare`` runs another
build's ``deftly`` after this one's in every round, so both meet the same load on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import deftly_command, git_commit, machine, server_env, write_result


def _datasets() -> Path:
    """``shared/datasets`` next to the checkout (or next to a parent of it, for a git worktree)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "datasets").is_dir():
            return parent / "shared" / "datasets"
    raise SystemExit("no shared/datasets folder above this checkout")


DATASETS = _datasets()
FLOOR_RUNS_PER_SECOND = 100.0


def dataset_runs() -> list[tuple[str, list[dict[str, Any]]]]:
    """(name, OpenAI-chat messages) for every run of both data sets."""
    runs: list[tuple[str, list[dict[str, Any]]]] = []
    airline = json.loads((DATASETS / "tau_bench_airline" / "gpt-4o-airline.json").read_text())
    for n, record in enumerate(airline):
        runs.append((f"airline-{n}", record["traj"]))
    retail = json.loads((DATASETS / "tau2_retail" / "tau2_retail_traces.json").read_text())
    for n, record in enumerate(retail):
        runs.append((f"retail-{n}", record["messages"]))
    return runs


def write_runs(folder: Path) -> int:
    runs = dataset_runs()
    for name, messages in runs:
        (folder / f"{name}.json").write_text(json.dumps(messages))
    return len(runs)


def one_import(folder: Path, home: Path, deftly: list[str] | None = None) -> tuple[float, float, dict[str, Any]]:
    """Wall seconds, CPU seconds of the import process (all threads; load-independent) and its summary."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*(deftly or deftly_command()), "import", str(folder), "--init", "--json", "--extractor", "heuristic"],
        env=server_env(home),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"deftly import failed ({done.returncode}): {done.stderr[-2000:]}")
    summary: dict[str, Any] = json.loads(done.stdout)
    summary.pop("results", None)
    return elapsed, cpu, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--home", type=Path, help="keep the last filled home here")
    parser.add_argument("--compare", type=Path, help="another build's deftly script, run after this one each round")
    args = parser.parse_args()
    print(f"machine: {machine()}; commit {git_commit()}; load average {os.getloadavg()[0]:.2f}")
    builds = {"this": deftly_command(), **({"compare": [str(args.compare)]} if args.compare else {})}
    rates: dict[str, list[float]] = {name: [] for name in builds}
    cpus: dict[str, list[float]] = {name: [] for name in builds}
    with tempfile.TemporaryDirectory(prefix="deftly-import-") as tmp:
        folder = Path(tmp) / "runs"
        folder.mkdir()
        count = write_runs(folder)
        for n in range(args.runs):
            for name, deftly in builds.items():
                home = Path(tmp) / f"home-{name}-{n}"
                load = os.getloadavg()[0]
                elapsed, cpu, summary = one_import(folder, home, deftly)
                rates[name].append(count / elapsed)
                cpus[name].append(cpu)
                print(
                    f"run {n + 1} ({name}): {count} runs in {elapsed:.2f} s = {count / elapsed:.1f} runs/s, "
                    f"{cpu:.1f} CPU-s (load {load:.2f})",
                    summary,
                )
                if args.home is not None and name == "this" and n == args.runs - 1:
                    shutil.rmtree(args.home, ignore_errors=True)
                    shutil.copytree(home, args.home)
                shutil.rmtree(home)
    for name in builds:
        median = statistics.median(rates[name])
        verdict = "meets" if median >= FLOOR_RUNS_PER_SECOND else "MISSES"
        print(
            f"{name}: median {median:.1f} runs/s, {statistics.median(cpus[name]):.1f} CPU-s over {args.runs} fresh "
            f"imports; floor {FLOOR_RUNS_PER_SECOND:.0f}: {verdict}"
        )
    write_result(
        "import_rate",
        {"runs": count, "runs_per_second": rates, "cpu_seconds": cpus, "load": os.getloadavg()[0]},
    )


if __name__ == "__main__":
    main()
