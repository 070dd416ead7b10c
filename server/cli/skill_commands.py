"""``deftly export --skills DIR`` and ``deftly import --skills DIR``: procedures as Agent Skills."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from deftly.server.cli.output import EXIT_OK, exit_code_for, now, print_json, require
from deftly.server.runtime import open_for_command
from deftly.server.settings import Settings
from deftly.tools.review import servable

if TYPE_CHECKING:
    # Imported lazily: it loads LanceDB, and `deftly hook` builds this parser within a hook's time budget.
    from deftly.server.hosts.skills_io import SkillOutcome


def export(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.server.hosts.skills_io import export_skills

    require(not args.skills.is_file(), f"{args.skills} is a file; give a folder to write the skills into.")
    runtime = open_for_command(settings)
    try:
        everything = bool(args.all)
        outcomes = export_skills(runtime.store(), args.skills, lambda p: everything or servable(p, settings))
    finally:
        runtime.stop()
    written = sum(o.status == "exported" for o in outcomes)
    left_out = len(outcomes) - written
    summary = f"{written} skill(s) written under {args.skills}."
    if left_out:
        summary += f" {left_out} procedure(s) not served (candidates or retired) left out; --all exports them too."
    _report(outcomes, args.json, summary)
    return EXIT_OK


def import_skills(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.server.hosts.skills_io import import_skills as import_folder
    from deftly.server.hosts.skills_io import skill_files

    folder = args.skills
    require(folder.is_dir(), f"no such folder: {folder}; give a skill folder or a folder of skill folders.")
    require(bool(skill_files(folder)), f"no SKILL.md in {folder} or its sub-folders.")
    runtime = open_for_command(settings)
    try:
        outcomes = import_folder(runtime.store(), runtime.embedder, folder, now=now())
    finally:
        runtime.stop()
    counts = {s: sum(o.status == s for o in outcomes) for s in ("created", "updated", "unchanged", "error")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items()) + f" of {len(outcomes)} skill(s)."
    _report(outcomes, args.json, summary.replace(" error", " rejected"))
    return exit_code_for(len(outcomes), rejected=counts["error"], failed=0)


def _report(outcomes: list[SkillOutcome], as_json: bool, summary: str) -> None:
    if as_json:
        print_json({"skills": [asdict(o) for o in outcomes]})
        return
    console = Console()
    table = Table("skill", "status", "procedure", "note")
    for item in outcomes:
        table.add_row(Text(item.name or item.path), item.status, Text(item.id), Text(item.reason[:120]))
    console.print(table)
    console.print(summary, markup=False, highlight=False)
    for item in outcomes:
        if item.status == "error":
            Console(stderr=True).print(f"deftly: {item.path}: {item.reason}", markup=False, highlight=False)
