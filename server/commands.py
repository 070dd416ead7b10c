"""What each ``deftly`` subcommand does."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from deftly.server.cli import EXIT_BAD_INPUT, EXIT_OK, now, print_json, require
from deftly.server.runtime import Runtime
from deftly.server.settings import Settings

if TYPE_CHECKING:
    from deftly.server.ingest import FileOutcome


def serve(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.server.app import build_server

    server = build_server(settings)
    if settings.transport == "stdio":
        server.run("stdio")
    else:
        from deftly.server.http import check_bind, serve_http

        check_bind(settings)
        serve_http(server, settings)
    return EXIT_OK


def import_(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.server.ingest import import_files, trace_files

    missing = [str(p) for p in args.paths if not p.exists()]
    require(not missing, f"no such file or directory: {', '.join(missing)}")
    files = list(trace_files(args.paths))
    require(bool(files), "no trace files (*.json, *.jsonl, *.ndjson) under the given paths.")
    runtime = _open(settings)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        disable=args.json or not console.is_terminal,
    ) as progress:
        recorded = progress.add_task("recording ", total=len(files))
        extracted = progress.add_task("extracting", total=len(files))

        def advance(stage: str) -> None:
            progress.advance(recorded if stage == "recorded" else extracted)

        summary = import_files(runtime, files, format=args.format, outcome=args.outcome, progress=advance)
    runtime.stop()
    counts = {status: summary.count(status) for status in ("completed", "skipped", "failed", "error")}
    _report_rejected(summary.files)
    if args.json:
        print_json(
            {
                "files": len(summary.files),
                **counts,
                "procedures": summary.procedures,
                "results": [vars(f) for f in summary.files],
            }
        )
    else:
        _print_import(summary.files, counts, summary.procedures)
    return EXIT_BAD_INPUT if counts["error"] == len(summary.files) else EXIT_OK


def _report_rejected(files: list[FileOutcome]) -> None:
    # The table cuts reasons short; the full message (what to send instead) goes to stderr.
    for item in files:
        if item.status == "error":
            print(f"deftly: {item.path}: {item.reason}", file=sys.stderr)


def _print_import(files: list[FileOutcome], counts: dict[str, int], procedures: int) -> None:
    table = Table("file", "status", "format", "result")
    for item in files:
        table.add_row(Text(Path(item.path).name), item.status, item.format or "-", Text(item.reason[:100]))
    console = Console()
    console.print(table)
    console.print(
        f"{len(files)} file(s): {counts['completed']} completed, {counts['skipped']} skipped, "
        f"{counts['failed']} failed, {counts['error']} rejected; {procedures} procedure(s) learned or confirmed."
    )


def search(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.tools.find_procedure import find_procedures

    require(1 <= args.limit <= 10, "--limit must be between 1 and 10.")
    runtime = _open(settings)
    result = find_procedures(
        runtime.store(),
        runtime.embedder,
        args.query,
        now=now(),
        max_results=args.limit,
        policy=settings.ranking_policy(),
    )
    runtime.stop()
    if args.json:
        print_json(result.model_dump(mode="json"))
        return EXIT_OK
    console = Console()
    if not result.procedures:
        console.print(result.message, markup=False, highlight=False)
    for hit in result.procedures:
        console.print(f"[bold]{escape(hit.id)}[/bold]  score {hit.score:.2f}  ({escape(hit.why)})", highlight=False)
        console.print(hit.text, markup=False, highlight=False)
        console.print()
    return EXIT_OK


def show(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.tools.get_procedure import get_procedure

    runtime = _open(settings)
    detail = get_procedure(runtime.store(), args.id, args.procedure_version)
    runtime.stop()
    if args.json:
        print_json(detail.model_dump(mode="json"))
    else:
        Console().print(detail.text, markup=False, highlight=False)
        print(
            f"\nid {detail.id} · version {detail.version} · learned from {len(detail.sources)} session(s) · "
            f"success rate {detail.stats.success_rate:.0%}"
        )
    return EXIT_OK


def stats(args: argparse.Namespace, settings: Settings) -> int:
    runtime = _open(settings)
    store = runtime.store()
    data = {
        "version": _version(),
        "home": str(settings.home),
        "namespace": settings.namespace,
        "embedding_model": runtime.embedder.model_name,
        "procedures": store.count_procedures(),
        "traces": store.trace_counts(),
        "ratings": store.count_ratings(),
        "ann_index": runtime.db.has_ann_index,
    }
    runtime.stop()
    if args.json:
        print_json(data)
        return EXIT_OK
    table = Table("", "")
    for key, value in data.items():
        table.add_row(key, ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict) else str(value))
    Console().print(table)
    return EXIT_OK


def bench(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from deftly.server import bench_data, bench_retrieval

    path = args.tau_bench or args.jsonl
    require(path.exists(), f"no such path: {path}")
    dataset = bench_data.tau_bench(path) if args.tau_bench else bench_data.jsonl(path)
    report = bench_retrieval.run(dataset)
    if args.json:
        summary = {
            arm.name: {
                "hit@1": arm.hit_at(1),
                "hit@3": arm.hit_at(3),
                "mrr": arm.mrr,
                "p50_ms": arm.latency(0.5),
                "p95_ms": arm.latency(0.95),
            }
            for arm in report.arms
        }
        print_json({**{k: v for k, v in asdict(report).items() if k != "arms"}, "arms": summary})
    else:
        print(bench_retrieval.format_report(report, verbose=args.verbose))
    return EXIT_OK


def _open(settings: Settings) -> Runtime:
    runtime = Runtime(settings, run_worker=False)
    runtime.start()
    runtime.ready()
    return runtime


def _version() -> str:
    from deftly.server.version import __version__

    return __version__
