"""``deftly list``: every stored procedure of a namespace, most recently updated first."""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from deftly.server.cli.output import EXIT_OK, print_json, require, success_record
from deftly.server.runtime import open_for_command
from deftly.server.settings import Settings

if TYPE_CHECKING:
    from deftly.tools.models import Procedure, Ratings

MAX_LIMIT = 10_000
PIPED_WIDTH = 200


@dataclass(frozen=True)
class Listed:
    id: str
    title: str
    version: int
    steps: int
    evidence: int
    successes: int
    failures: int
    success: str
    success_rate: float | None
    updated_at: str
    tags: list[str]
    tools: list[str]


def list_procedures(args: argparse.Namespace, settings: Settings) -> int:
    require(1 <= args.limit <= MAX_LIMIT, f"--limit must be between 1 and {MAX_LIMIT}.")
    runtime = open_for_command(settings)
    try:
        store = runtime.store()
        procedures = [p for p in store.list_procedures(store.count_procedures()) if _kept(p, args)]
        procedures.sort(key=lambda p: (p.updated_at, p.id), reverse=True)
        total, procedures = len(procedures), procedures[: args.limit]
        ratings = store.get_ratings([p.id for p in procedures]) if procedures else {}
    finally:
        runtime.stop()
    rows = [_listed(p, ratings.get(p.id)) for p in procedures]
    if args.json:
        print_json({"namespace": settings.namespace, "total": total, "procedures": [asdict(r) for r in rows]})
    else:
        _print(rows, total, settings.namespace)
    return EXIT_OK


def _kept(procedure: Procedure, args: argparse.Namespace) -> bool:
    return set(args.tag or ()) <= set(procedure.tags) and set(args.tool or ()) <= set(procedure.tools)


def _listed(procedure: Procedure, ratings: Ratings | None) -> Listed:
    from deftly.tools.ranking import stats_for

    stats = stats_for(procedure, ratings)
    rated = stats.successes + stats.failures
    return Listed(
        id=procedure.id,
        title=procedure.title,
        version=procedure.version,
        steps=len(procedure.steps),
        evidence=stats.evidence,
        successes=stats.successes,
        failures=stats.failures,
        success=success_record(stats.successes, stats.failures),
        success_rate=stats.success_rate if rated else None,
        updated_at=procedure.updated_at.isoformat(),
        tags=list(procedure.tags),
        tools=list(procedure.tools),
    )


def _print(rows: list[Listed], total: int, namespace: str) -> None:
    console = Console()
    if not rows:
        console.print(
            f"No procedures in namespace {namespace!r} (that match). `deftly import PATH` learns some from sessions.",
            markup=False,
            highlight=False,
        )
        return
    if not console.is_terminal:  # piped: a reader (or grep) wants whole ids and titles, not 80 columns
        console = Console(width=PIPED_WIDTH)
    table = Table()
    table.add_column("id", no_wrap=True)  # copied into `deftly show ID`: never broken across lines
    table.add_column("title", min_width=12)
    for column in ("steps", "sources"):
        table.add_column(column, justify="right")
    table.add_column("success", no_wrap=True)
    table.add_column("updated")
    for row in rows:
        table.add_row(
            Text(row.id), Text(row.title), str(row.steps), str(row.evidence), row.success, row.updated_at[:10]
        )
    console.print(table)
    more = f" (the {len(rows)} most recently updated; --limit N shows more)" if total > len(rows) else ""
    console.print(f"{total} procedure(s) in namespace {namespace!r}{more}.", markup=False, highlight=False)
