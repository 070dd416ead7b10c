"""``deftly review``: list candidates (or retired procedures), approve, reject and restore procedures."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Column, Table

from deftly.server.cli.output import EXIT_OK, now, print_json, require
from deftly.server.runtime import open_for_command
from deftly.server.settings import Settings

if TYPE_CHECKING:
    from deftly.tools.models import Procedure, Ratings

MAX_LISTED = 1_000


def review(args: argparse.Namespace, settings: Settings) -> int:
    """Without an action: the candidates (``--retired``: the retired procedures, with why)."""
    if args.action is None:
        require(args.id is None, "give an action before the id: deftly review approve|reject|restore ID.")
        return _list(args, settings)
    require(bool(args.id), f"deftly review {args.action} needs a procedure ID (deftly review lists candidates).")
    return _change(args, settings)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_for_command(settings)
    try:
        listed = runtime.store().procedures_in_state(["retired"] if args.retired else ["candidate"], MAX_LISTED)
    finally:
        runtime.stop()
    if args.json:
        print_json([_row(p, r) for p, r in listed])
        return EXIT_OK
    if not listed:
        print("No retired procedures." if args.retired else "No procedures waiting for review.")
        return EXIT_OK
    table = Table("title", "sessions", "rated", "success", "reason" if args.retired else "learned")
    table.columns.insert(0, Column("id", no_wrap=True))
    for procedure, ratings in listed:
        row = {key: str(value) for key, value in _row(procedure, ratings).items()}
        last = row["reason"] if args.retired else procedure.created_at.date().isoformat()
        table.add_row(procedure.id, procedure.title, row["sessions"], row["rated"], row["success"], last)
    Console().print(table)
    return EXIT_OK


def _row(procedure: Procedure, ratings: Ratings) -> dict[str, object]:
    from deftly.tools.ranking import stats_for

    stats = stats_for(procedure, ratings)
    return {
        "id": procedure.id,
        "title": procedure.title,
        "state": ratings.state,
        "reason": ratings.state_reason,
        "state_changed_at": ratings.state_changed_at,
        "sessions": len(procedure.sources),
        "rated": ratings.successes + ratings.failures,
        "success": f"{stats.success_rate:.0%}",
        "created_at": procedure.created_at,
    }


def _change(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.tools.review import review_procedure

    runtime = open_for_command(settings)
    try:
        result = review_procedure(runtime.store(), args.id, args.action, now=now(), reason=args.reason or "")
    finally:
        runtime.stop()
    if args.json:
        print_json(result.model_dump(mode="json"))
    else:
        print(result.message)
    return EXIT_OK
