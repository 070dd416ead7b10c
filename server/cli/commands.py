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

from deftly.server.cli.output import (
    EXIT_FAILURE,
    EXIT_OK,
    confirm,
    exit_code_for,
    now,
    print_json,
    require,
    success_record,
)
from deftly.server.runtime import open_for_command
from deftly.server.settings import Settings

if TYPE_CHECKING:
    from deftly.server.hosts.agent_homes import TraceFile
    from deftly.server.hosts.ingest import FileOutcome, ImportSummary


def import_(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.server.hosts.agent_homes import trace_files

    if args.skills is not None:
        from deftly.server.cli.skill_commands import import_skills

        require(not args.paths, "give either trace paths or --skills DIR, not both.")
        return import_skills(args, settings)
    require(bool(args.paths), "give trace files or folders to import (or --skills DIR for Agent Skills).")
    missing = [str(p) for p in args.paths if not p.exists()]
    require(not missing, f"no such file or directory: {', '.join(missing)}")
    files = trace_files(args.paths)
    require(
        bool(files), "no trace files (*.json, *.jsonl, *.ndjson, or agents' session folders) under the given paths."
    )
    summary = _import(files, args, settings)
    counts = {status: summary.count(status) for status in IMPORT_STATUSES}
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
    return exit_code_for(len(summary.files), rejected=counts["error"], failed=counts["failed"])


IMPORT_STATUSES = ("completed", "skipped", "unchanged", "failed", "error")
MAX_LISTED_FILES = 25


def _import(files: list[TraceFile], args: argparse.Namespace, settings: Settings) -> ImportSummary:
    from deftly.server.hosts.ingest import import_files

    runtime = open_for_command(settings, bulk_embedding=True)
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
    return summary


def _report_rejected(files: list[FileOutcome]) -> None:
    # The table cuts reasons short; the full message (what to send instead) goes to stderr.
    for item in files:
        if item.status == "error":
            print(f"deftly: {item.path}: {item.reason}", file=sys.stderr)


def _print_import(files: list[FileOutcome], counts: dict[str, int], procedures: int) -> None:
    console = Console()
    listed = [f for f in files if f.status != "unchanged"]
    if 0 < len(listed) <= MAX_LISTED_FILES:
        table = Table("file", "status", "format", "result")
        for item in listed:
            table.add_row(Text(Path(item.path).name), item.status, item.format or "-", Text(item.reason[:100]))
        console.print(table)
    console.print(_summary_table(files))
    console.print(
        f"{len(files)} file(s): {counts['completed']} completed, {counts['skipped']} skipped, "
        f"{counts['unchanged']} unchanged since the last import, {counts['failed']} failed, "
        f"{counts['error']} rejected; {procedures} procedure(s) learned or confirmed."
    )


def _summary_table(files: list[FileOutcome]) -> Table:
    """Per source (Claude Code, Codex, OpenClaw, Copilot, plain files): what happened to its files."""
    table = Table(
        "source", "files", "imported", "unchanged", "rejected", "failed", "procedures", title="import summary"
    )
    for source in dict.fromkeys(f.source for f in files):
        mine = [f for f in files if f.source == source]
        imported = sum(f.status in ("completed", "skipped") for f in mine)
        row = [imported, *(sum(f.status == s for f in mine) for s in ("unchanged", "error", "failed"))]
        procedures = len({pid for f in mine for pid in f.procedure_ids})
        table.add_row(source, str(len(mine)), *(str(n) for n in row), str(procedures))
    return table


def search(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.tools.find_procedure import find_procedures

    require(1 <= args.limit <= 10, "--limit must be between 1 and 10.")
    runtime = open_for_command(settings)
    result = find_procedures(
        runtime.store(),
        runtime.embedder,
        args.query,
        now=now(),
        max_results=args.limit,
        policy=settings.ranking_policy(),
        review=settings.review,
    )
    runtime.stop()
    if args.json:
        print_json(result.model_dump(mode="json"))
        return EXIT_OK
    console = Console()
    if not result.procedures:
        console.print(result.message, markup=False, highlight=False)
    for hit in result.procedures:
        record = success_record(hit.successes, hit.failures)
        console.print(f"[bold]{escape(hit.id)}[/bold]  score {hit.score:.2f} · {record}", highlight=False)
        console.print(f"why: {hit.why}", markup=False, highlight=False, style="dim")
        console.print(hit.text, markup=False, highlight=False)
        console.print()
    return EXIT_OK


def show(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.tools.get_procedure import get_procedure

    runtime = open_for_command(settings)
    detail = get_procedure(runtime.store(), args.id, args.procedure_version)
    runtime.stop()
    if args.json:
        print_json(detail.model_dump(mode="json"))
    else:
        Console().print(detail.text, markup=False, highlight=False)
        print(
            f"\nid {detail.id} · version {detail.version} · learned from {len(detail.sources)} session(s) · "
            + _record(detail.stats.successes, detail.stats.failures, detail.stats.success_rate)
        )
    return EXIT_OK


def _record(successes: int, failures: int, success_rate: float) -> str:
    record = success_record(successes, failures)
    return f"{record} (success rate {success_rate:.0%})" if successes + failures else record


def stats(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_for_command(settings)
    store = runtime.store()
    data = {
        "version": _version(),
        "home": str(settings.home),
        "store": settings.store_uri,
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
    """Ingest each data set into a temporary home and print its figures, one column per data set."""
    from deftly.server.cli.bench import data as bench_data
    from deftly.server.cli.bench import report as bench_report
    from deftly.server.cli.bench import retrieval as bench_retrieval

    datasets = []
    if args.datasets:
        datasets += bench_data.find(args.datasets)
    if args.airline:
        datasets.append(bench_data.airline(args.airline))
    if args.retail:
        datasets.append(bench_data.retail(args.retail))
    if args.jsonl:
        datasets.append(bench_data.jsonl(args.jsonl))
    require(bool(datasets), "name a data set: --datasets DIR, --airline DIR, --retail DIR or --jsonl FILE")
    from deftly.server.background.embedding import FastEmbedder

    embedder = FastEmbedder()
    reports = [bench_retrieval.run(dataset, embedder=embedder) for dataset in datasets]
    if args.json:
        print_json(bench_report.as_json(reports))
    else:
        print(bench_report.format_reports(reports, verbose=args.verbose))
    return EXIT_OK


def _version() -> str:
    from deftly.server.version import __version__

    return __version__


def forget(args: argparse.Namespace, settings: Settings) -> int:
    """Delete a procedure (or, with --all, everything of a namespace) for good, after confirmation."""
    from deftly.server.background import inbox
    from deftly.server.storage.forget import forget_namespace, forget_procedure
    from deftly.server.storage.import_log import ImportLog
    from deftly.tools.errors import ProcedureNotFound

    require(bool(args.id) != bool(args.all), "give a procedure ID, or --all --namespace N to forget a namespace.")
    require(
        not args.all or args.namespace is not None,
        "--all needs --namespace N naming the namespace to erase (e.g. --namespace default).",
    )
    runtime = open_for_command(settings)
    try:
        store = runtime.store()
        if args.id:
            procedure = store.get_procedure(args.id)
            if procedure is None:
                raise ProcedureNotFound(args.id, settings.namespace)
            question = f"Forget {procedure.id} ({procedure.title!r}), its search phrases, ratings and versions?"
        else:
            counts = f"{store.count_procedures()} procedure(s), {sum(store.trace_counts().values())} trace(s)"
            question = f"Forget everything in namespace {settings.namespace!r}: {counts}, their ratings and versions?"
        if not args.yes and not confirm(f"{question} [y/N] "):
            print("Nothing was forgotten.", file=sys.stderr)
            return EXIT_FAILURE
        if args.id:
            forget_procedure(runtime.db, settings.namespace, args.id)
            print(f"Forgot {args.id}.")
        else:
            done = forget_namespace(runtime.db, settings.namespace)
            ImportLog(settings.home, settings.namespace).clear()
            inbox.discard_namespace(settings.home, settings.namespace)
            print(f"Forgot namespace {settings.namespace!r}: {done.procedures} procedure(s), {done.traces} trace(s).")
    finally:
        runtime.stop()
    return EXIT_OK
