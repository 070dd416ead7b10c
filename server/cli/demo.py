"""``deftly demo``: a first run on built-in example sessions, in a temporary home, offline.

It imports the sessions shipped in ``server/cli/demo_traces/`` (four tasks, four formats), shows
the procedures deftly learned and what a search returns, then how to connect a client.
The user's own ``DEFTLY_HOME`` is never touched, and the extraction is always the
offline one, whatever the environment says.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from deftly.server.cli.output import EXIT_FAILURE, EXIT_OK, now
from deftly.server.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console

SAMPLE_QUERY = "cancel a customer's flight booking"


def demo(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from rich.console import Console

    console = Console(soft_wrap=True)
    logging.getLogger("deftly").setLevel(logging.WARNING)  # the demo's own output tells the story
    home = Path(tempfile.mkdtemp(prefix="deftly-demo-"))
    try:
        demo_settings = Settings(
            home=home, namespace="default", extractor="heuristic", embedding_model="builtin", log_level="WARNING"
        )
        console.print(f"[bold]deftly demo[/bold] — a temporary memory in {home}\n", highlight=False)
        if not _run(console, demo_settings):
            return EXIT_FAILURE
        _print_connect(console, settings)
    finally:
        if args.keep:
            console.print(f"\nKept the demo memory: DEFTLY_HOME={home}", markup=False, highlight=False)
        else:
            shutil.rmtree(home, ignore_errors=True)
    return EXIT_OK


def demo_traces(into: Path) -> list[Path]:
    """Copies of the example sessions shipped with deftly (readable from any install)."""
    into.mkdir(parents=True, exist_ok=True)
    copies = []
    for item in sorted(resources.files("deftly.server.cli").joinpath("demo_traces").iterdir(), key=lambda i: i.name):
        if item.name.endswith((".json", ".jsonl")):
            copy = into / item.name
            copy.write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
            copies.append(copy)
    return copies


def _run(console: Console, settings: Settings) -> bool:
    from deftly.server.hosts.agent_homes import TraceFile
    from deftly.server.hosts.ingest import import_files
    from deftly.server.runtime import Runtime
    from deftly.tools.find_procedure import find_procedures
    from deftly.tools.render import render_markdown

    files = demo_traces(settings.home / "examples")
    runtime = Runtime(settings, run_worker=False)
    runtime.start()
    try:
        runtime.ready()
        console.print(f"1. Recording {len(files)} example sessions and learning from them:", highlight=False)
        summary = import_files(runtime, [TraceFile(path) for path in files])
        for item in summary.files:
            console.print(f"   {Path(item.path).name} ({item.format}): {item.status}", markup=False, highlight=False)
        store = runtime.store()
        procedures = store.list_procedures(50)
        if not procedures:
            print("deftly demo: no procedure was learned from the examples; please report this.", file=sys.stderr)
            return False
        console.print(f"\n2. The {len(procedures)} procedures deftly learned:\n", highlight=False)
        for procedure in procedures:
            console.print(render_markdown(procedure), markup=False, highlight=False)
            console.print()
        found = find_procedures(store, runtime.embedder, SAMPLE_QUERY, now=now(), max_results=1)
        console.print(f'3. What an agent gets from find_procedure("{SAMPLE_QUERY}"):\n', highlight=False)
        for hit in found.procedures:
            console.print(f"   {hit.id} (score {hit.score:.2f}: {hit.why})", markup=False, highlight=False)
            console.print(hit.text, markup=False, highlight=False)
        if not found.procedures:
            console.print(found.message, markup=False, highlight=False)
    finally:
        runtime.stop()
    return True


def _print_connect(console: Console, settings: Settings) -> None:
    """How to connect clients to the user's own memory (``DEFTLY_HOME`` or the default)."""
    script = Path(sys.executable).with_name("deftly.exe" if sys.platform == "win32" else "deftly")
    program = str(script) if script.exists() else "deftly"
    home = settings.home
    init = "" if home.exists() or settings.home_is_default else " --init"  # a home named but not created yet
    lines = [
        "",
        "4. Use it for real (your memory lives in " + str(home) + "):",
        "",
        f"   Claude Code:    {claude_code_command(program, home)}",
        f"   and record every session automatically:  {program} install claude-code --user{init}",
        "   Claude Desktop: add to claude_desktop_config.json (Settings > Developer > Edit Config):",
        '     {"mcpServers": {"deftly": {"command": "' + program + '", "args": ["serve"],',
        '                                "env": {"DEFTLY_HOME": "' + str(home) + '"}}}}',
        f"   Any MCP client: {program} serve   (stdio; --transport streamable-http for HTTP)",
        f"   Import what your agents already did:  {program} import{init} ~/.claude/projects ~/.codex/sessions",
    ]
    for line in lines:
        console.print(line, markup=False, highlight=False)


def claude_code_command(program: str, home: Path) -> str:
    """``claude mcp add`` for deftly. The name comes first: ``--env`` takes several values and would take it."""
    return (
        f"claude mcp add deftly --scope user --env DEFTLY_HOME={shlex.quote(str(home))} -- {shlex.quote(program)} serve"
    )
