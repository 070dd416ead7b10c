"""The ``deftly`` command line: serve, import, list, search, show, stats, export, compact, forget, review, hook,
install, demo.

Exit codes (``output.EXIT_CODES_HELP``, printed by ``deftly --help``): 0 success, 1 unexpected failure,
2 bad input (a message says what to send instead), 3 partial (some files rejected or failed), 130
interrupted. ``deftly hook`` never exits 2: Claude Code reads 2 as "block" (it would stop a compaction).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsError

from deftly.server.cli.logs import FILE_ONLY, command_logging, log_path
from deftly.server.cli.output import EXIT_BAD_INPUT, EXIT_CODES_HELP, EXIT_FAILURE, EXIT_INTERRUPTED
from deftly.server.settings import Settings
from deftly.server.version import __version__
from deftly.tools.errors import DeftlyError, InvalidInput, NotFound, ProcedureNotFound

log = logging.getLogger(__name__)

_FLAGS = ("home", "namespace", "log_level", "transport", "host", "port", "extractor")  # settings with a flag
_INIT_COMMANDS = ("serve", "import", "install")  # may create a missing home, with --init
_NO_HOME = ("demo", "bench")  # work in a temporary home; never read or create the user's
_STDERR_IS_A_LOG = ("drain",)  # started by the hook with stderr on DEFTLY_HOME/logs/drain.log

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
    except SettingsError as exc:
        print(f"deftly: {unreadable_setting(exc)}", file=sys.stderr)
        return bad_input
    problem = check_home(args, settings)
    if problem:
        print(f"deftly: {problem}", file=sys.stderr)
        return bad_input
    home = None if args.command in _NO_HOME else settings.home
    verbose = getattr(args, "log_verbose", False) or args.command in _STDERR_IS_A_LOG
    with command_logging(home, settings.log_level, verbose=verbose):
        return _run(args, settings, bad_input)


def _run(args: argparse.Namespace, settings: Settings, bad_input: int) -> int:
    command: Command = args.handler
    try:
        return command(args, settings)
    except ProcedureNotFound as exc:
        print(
            f"deftly: No procedure with id {exc.procedure_id!r} in namespace {settings.namespace!r}; "
            "`deftly list` shows the ids (`deftly search QUERY` finds one for a task).",
            file=sys.stderr,
        )
        return bad_input
    except (InvalidInput, NotFound) as exc:
        print(f"deftly: {exc}", file=sys.stderr)
        return bad_input
    except DeftlyError as exc:
        print(f"deftly: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except ValidationError as exc:
        print(f"deftly: invalid input: {'; '.join(validation_problems(exc))}", file=sys.stderr)
        return bad_input
    except KeyboardInterrupt:
        print("deftly: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.exception("deftly %s failed", args.command, extra=FILE_ONLY)
        where = "" if args.command in _NO_HOME else f"; the traceback is in {log_path(settings.home)}"
        print(f"deftly: unexpected error: {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        return EXIT_FAILURE


def check_home(args: argparse.Namespace, settings: Settings) -> str | None:
    """Why the command must not run on this home (None: it may), so a misspelled home is never created.

    The platform's default home is created silently, and so is any home with ``--init``, or with a shared
    store (``DEFTLY_STORE``), where the home holds only this machine's logs and queue. ``serve`` creates a
    missing home and warns: an MCP client's config names a home that does not exist yet on its first start.
    """
    home = settings.home
    if args.command in _NO_HOME or home.exists() or settings.home_is_default or getattr(args, "init", False):
        return None
    if settings.shared_store:
        return None
    named = f"{'--home' if getattr(args, 'home', None) is not None else 'DEFTLY_HOME'} {home}"
    if args.command == "serve":
        print(
            f"deftly: warning: {named} does not exist; creating an empty memory there "
            "(pass --init to do this without a warning; if you meant an existing memory, fix the path).",
            file=sys.stderr,
        )
        return None
    if args.command in _INIT_COMMANDS:
        return f"{named} does not exist; pass --init to create it, or fix the path if it is misspelled."
    return (
        f"{named} does not exist, so nothing is stored there; fix the path if it is misspelled, "
        "or create it with `deftly import --init PATH...` or `deftly serve --init`."
    )


def _later(module: str, name: str) -> Command:
    """A command whose module is imported when it runs: these print with rich (~40 ms to import), which
    ``deftly serve`` does not need before its first answer (issue 15)."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        import importlib

        command: Command = getattr(importlib.import_module(f"deftly.server.cli.{module}"), name)
        return command(args, settings)

    return run


def build_parser() -> argparse.ArgumentParser:
    from deftly.server.cli import hook_commands, serving
    from deftly.server.cli.demo import demo

    parser = argparse.ArgumentParser(
        prog="deftly",
        description="Procedural memory for AI agents, served over MCP.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"deftly {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", type=Path, help="state directory (env DEFTLY_HOME)")
    common.add_argument("--namespace", help="namespace to use (env DEFTLY_NAMESPACE, default 'default')")
    common.add_argument(
        "--log-level",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="level of DEFTLY_HOME/logs/deftly.log (and of stderr with -v); default INFO",
    )
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument(
        "-v",
        "--verbose",
        dest="log_verbose",
        action="store_true",
        help="log to stderr too (otherwise it gets only warnings and errors; the log file gets everything)",
    )
    init = argparse.ArgumentParser(add_help=False)
    init.add_argument("--init", action="store_true", help="create the home (DEFTLY_HOME or --home) if it is missing")
    logged = [common, verbose]
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", parents=[*logged, init], help="run the MCP server (stdio by default)")
    serve.add_argument("--transport", choices=["stdio", "streamable-http", "sse"])
    serve.add_argument("--host", help="HTTP bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="HTTP port (default 8765)")
    serve.add_argument("--extractor", choices=["auto", "heuristic", "claude"])
    serve.set_defaults(handler=serving.serve)

    imp = sub.add_parser("import", parents=[*logged, init], help="record trace files and extract procedures")
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
    imp.set_defaults(handler=_later("commands", "import_"))

    lst = sub.add_parser("list", parents=logged, help="list the stored procedures, most recently updated first")
    lst.add_argument("--limit", type=int, default=50, help="at most N procedures (default 50)")
    lst.add_argument("--tag", action="append", metavar="TAG", help="only procedures with this tag (repeatable)")
    lst.add_argument("--tool", action="append", metavar="TOOL", help="only procedures calling this tool (repeatable)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_later("listing", "list_procedures"))

    search = sub.add_parser("search", parents=logged, help="find procedures for a task")
    search.add_argument("query", help="the task, in words")
    search.add_argument("--limit", type=int, default=3, help="results at most (1-10)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=_later("commands", "search"))

    show = sub.add_parser("show", parents=logged, help="show one procedure in full")
    show.add_argument("id")
    show.add_argument("--version", dest="procedure_version", type=int, help="an earlier version")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_later("commands", "show"))

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
    bench.set_defaults(handler=_later("commands", "bench"))

    stats = sub.add_parser("stats", parents=logged, help="counts of traces and procedures")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=_later("commands", "stats"))

    export = sub.add_parser("export", parents=logged, help="write every served procedure as an Agent Skill")
    export.add_argument(
        "--skills", type=Path, metavar="DIR", required=True, help="folder to write <name>/SKILL.md into"
    )
    export.add_argument("--all", action="store_true", help="also export candidates and retired procedures")
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=_later("skill_commands", "export"))

    compact = sub.add_parser(
        "compact", parents=logged, help="compact the database and delete old table versions (every namespace)"
    )
    compact.add_argument("--json", action="store_true")
    compact.set_defaults(handler=_later("maintenance_commands", "compact"))

    forget = sub.add_parser("forget", parents=logged, help="delete a procedure, or a whole namespace, for good")
    forget.add_argument("id", nargs="?", help="the procedure to forget")
    forget.add_argument("--all", action="store_true", help="forget every procedure and trace of --namespace")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget.set_defaults(handler=_later("commands", "forget"))

    review = sub.add_parser(
        "review", parents=logged, help="list procedures waiting for review; approve, reject or restore one"
    )
    review.add_argument("action", nargs="?", choices=["approve", "reject", "restore"], help="omit to list")
    review.add_argument("id", nargs="?", help="the procedure")
    review.add_argument("--retired", action="store_true", help="list retired procedures (and why) instead")
    review.add_argument("--reason", help="why (recorded with a rejection)")
    review.add_argument("--json", action="store_true")
    review.set_defaults(handler=_later("review_commands", "review"))

    demo_parser = sub.add_parser(
        "demo", parents=[verbose], help="try deftly on built-in example sessions (a temporary home, offline)"
    )
    demo_parser.add_argument("--keep", action="store_true", help="keep the temporary home to explore it")
    demo_parser.set_defaults(handler=demo)

    hook = sub.add_parser("hook", parents=logged, help="record the session of an agent's hook (stdin payload)")
    hook.add_argument("agent", choices=["claude-code"], help="the agent running the hook")
    hook.set_defaults(handler=hook_commands.hook, bad_input_exit=EXIT_FAILURE)

    install = sub.add_parser("install", parents=[*logged, init], help="add deftly's hooks to an agent's settings")
    install.add_argument("agent", choices=["claude-code"])
    where = install.add_mutually_exclusive_group(required=True)
    where.add_argument("--project", type=Path, metavar="DIR", help="DIR/.claude/settings.json (that project only)")
    where.add_argument("--user", action="store_true", help="~/.claude/settings.json (every project)")
    install.add_argument("--yes", action="store_true", help="write without asking")
    install.set_defaults(handler=hook_commands.install)

    # Started by `deftly hook` in the background; not for people.
    drain = sub.add_parser("drain", parents=logged)
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


def unreadable_setting(error: SettingsError) -> str:
    """pydantic-settings' "error parsing value for field ..." as what to set instead."""
    found = re.search(r'field "(\w+)"', str(error))
    if found is None:
        return f"a DEFTLY_ setting could not be read: {error}"
    name = f"DEFTLY_{found.group(1).upper()}"
    return f'{name} is not valid JSON; give a JSON list, e.g. {name}=\'["first", "second"]\'.'


def validation_problems(error: ValidationError) -> list[str]:
    """One short phrase per problem ("session_id: String should have at most 200 characters"), values left out."""
    return [
        f"{'.'.join(str(part) for part in problem['loc']) or 'value'}: {problem['msg']}"
        for problem in error.errors(include_url=False)
    ]
