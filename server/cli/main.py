"""The ``deftly`` command line: serve, import, search, show, stats, export, compact, forget, hook, install, demo.

Exit codes: 0 success, 1 unexpected failure, 2 bad input (a message says what to send instead).
``deftly hook`` never exits 2: Claude Code reads 2 as "block" (it would stop a compaction).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from deftly.server.cli.output import EXIT_BAD_INPUT, EXIT_FAILURE
from deftly.server.settings import Settings
from deftly.server.version import __version__
from deftly.tools.errors import DeftlyError, InvalidInput, NotFound

_FLAGS = ("home", "namespace", "log_level", "transport", "host", "port", "extractor")  # settings with a flag

Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    bad_input: int = getattr(args, "bad_input_exit", EXIT_BAD_INPUT)
    try:
        settings = settings_from(args)
    except ValidationError as exc:
        print(f"deftly: invalid setting{'s' if exc.error_count() > 1 else ''}:", file=sys.stderr)
        for line in invalid_settings(exc):
            print(f"  {line}", file=sys.stderr)
        return bad_input
    setup_logging(settings.log_level)
    command: Command = args.handler
    try:
        return command(args, settings)
    except (InvalidInput, NotFound) as exc:
        print(f"deftly: {exc}", file=sys.stderr)
        return bad_input
    except DeftlyError as exc:
        print(f"deftly: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE


def build_parser() -> argparse.ArgumentParser:
    from deftly.server.cli import commands, hook_commands, maintenance_commands, skill_commands
    from deftly.server.cli.demo import demo

    parser = argparse.ArgumentParser(prog="deftly", description="Procedural memory for AI agents, served over MCP.")
    parser.add_argument("--version", action="version", version=f"deftly {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", type=Path, help="state directory (env DEFTLY_HOME)")
    common.add_argument("--namespace", help="namespace to use (env DEFTLY_NAMESPACE, default 'default')")
    common.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="stderr log level")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", parents=[common], help="run the MCP server (stdio by default)")
    serve.add_argument("--transport", choices=["stdio", "streamable-http", "sse"])
    serve.add_argument("--host", help="HTTP bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="HTTP port (default 8765)")
    serve.add_argument("--extractor", choices=["auto", "heuristic", "claude"])
    serve.set_defaults(handler=commands.serve)

    imp = sub.add_parser("import", parents=[common], help="record trace files and extract procedures")
    imp.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="trace files or folders (incl. ~/.claude, ~/.codex, ~/.openclaw, ~/.copilot)",
    )
    imp.add_argument("--skills", type=Path, metavar="DIR", help="import Agent Skills (SKILL.md folders) instead")
    imp.add_argument("--format", help="trace format (default: auto-detect)")
    imp.add_argument("--outcome", choices=["success", "failure"])
    imp.add_argument("--extractor", choices=["auto", "heuristic", "claude"])
    imp.add_argument("--json", action="store_true", help="print a JSON summary")
    imp.set_defaults(handler=commands.import_)

    search = sub.add_parser("search", parents=[common], help="find procedures for a task")
    search.add_argument("query", help="the task, in words")
    search.add_argument("--limit", type=int, default=3, help="results at most (1-10)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=commands.search)

    show = sub.add_parser("show", parents=[common], help="show one procedure in full")
    show.add_argument("id")
    show.add_argument("--version", dest="procedure_version", type=int, help="an earlier version")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=commands.show)

    bench = sub.add_parser(
        "bench", parents=[common], help="measure what deftly learns and finds on labelled data sets (leave-runs-out)"
    )
    bench.add_argument("--datasets", type=Path, metavar="DIR", help="a folder holding both dev data sets' folders")
    bench.add_argument("--airline", "--tau-bench", type=Path, metavar="DIR", help="the tau-bench airline folder")
    bench.add_argument("--retail", type=Path, metavar="DIR", help="the tau2 retail folder")
    bench.add_argument("--jsonl", type=Path, metavar="FILE", help="lines of {trace_file, query, task, success}")
    bench.add_argument("--json", action="store_true")
    bench.add_argument(
        "--verbose", action="store_true", help="also list misses, mixed and leaking procedures, failed runs learned"
    )
    bench.set_defaults(handler=commands.bench)

    stats = sub.add_parser("stats", parents=[common], help="counts of traces and procedures")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=commands.stats)

    export = sub.add_parser("export", parents=[common], help="write every procedure as an Agent Skill")
    export.add_argument(
        "--skills", type=Path, metavar="DIR", required=True, help="folder to write <name>/SKILL.md into"
    )
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=skill_commands.export)

    compact = sub.add_parser(
        "compact", parents=[common], help="compact the database and delete old table versions (every namespace)"
    )
    compact.add_argument("--json", action="store_true")
    compact.set_defaults(handler=maintenance_commands.compact)

    forget = sub.add_parser("forget", parents=[common], help="delete a procedure, or a whole namespace, for good")
    forget.add_argument("id", nargs="?", help="the procedure to forget")
    forget.add_argument("--all", action="store_true", help="forget every procedure and trace of --namespace")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget.set_defaults(handler=commands.forget)

    demo_parser = sub.add_parser("demo", help="try deftly on built-in example sessions (a temporary home, offline)")
    demo_parser.add_argument("--keep", action="store_true", help="keep the temporary home to explore it")
    demo_parser.set_defaults(handler=demo)

    hook = sub.add_parser("hook", parents=[common], help="record the session of an agent's hook (stdin payload)")
    hook.add_argument("agent", choices=["claude-code"], help="the agent running the hook")
    hook.set_defaults(handler=hook_commands.hook, bad_input_exit=EXIT_FAILURE)

    install = sub.add_parser("install", parents=[common], help="add deftly's hooks to an agent's settings")
    install.add_argument("agent", choices=["claude-code"])
    where = install.add_mutually_exclusive_group(required=True)
    where.add_argument("--project", type=Path, metavar="DIR", help="DIR/.claude/settings.json (that project only)")
    where.add_argument("--user", action="store_true", help="~/.claude/settings.json (every project)")
    install.add_argument("--yes", action="store_true", help="write without asking")
    install.set_defaults(handler=hook_commands.install)

    # Started by `deftly hook` in the background; not for people.
    drain = sub.add_parser("drain", parents=[common])
    drain.set_defaults(handler=hook_commands.drain)
    return parser


def invalid_settings(error: ValidationError) -> list[str]:
    """One line per bad setting, naming its environment variable and flag: "DEFTLY_PORT (--port) = 'abc': ..."."""
    lines = []
    for problem in error.errors(include_url=False):
        name = str(problem["loc"][0]) if problem["loc"] else "?"
        flag = f" (--{name.replace('_', '-')})" if name in _FLAGS else ""
        lines.append(f"DEFTLY_{name.upper()}{flag} = {problem['input']!r}: {problem['msg']}")
    return lines


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with any CLI flag given overriding it."""
    overrides: dict[str, Any] = {}
    for flag in _FLAGS:
        value = getattr(args, flag, None)
        if value is not None:
            overrides[flag] = value
    return Settings(**overrides)


def setup_logging(level: str) -> None:
    # Always stderr: in stdio mode stdout carries the MCP protocol.
    logging.basicConfig(stream=sys.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpx2", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
