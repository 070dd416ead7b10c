"""``deftly hook``, ``deftly drain`` and ``deftly install``: deftly inside Claude Code."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from deftly.server.cli.output import EXIT_FAILURE, EXIT_OK, confirm, now
from deftly.server.settings import Settings
from deftly.tools.errors import DeftlyError

log = logging.getLogger(__name__)


def hook(args: argparse.Namespace, settings: Settings) -> int:
    """Queue the session a Claude Code hook payload names and start storing it; quiet on stdout."""
    from deftly.server.hosts.hook import read_payload, record_from_hook, start_drain

    try:
        payload = read_payload(sys.stdin.read())
        if record_from_hook(payload, settings) is not None:
            start_drain(settings)
    except (DeftlyError, OSError) as exc:
        # Exit 1 is a non-blocking error for Claude Code; 2 would block compaction on PreCompact.
        print(f"deftly hook: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def drain(args: argparse.Namespace, settings: Settings) -> int:
    """Store the traces hooks queued, then extract them (or wait while the worker-lock holder does)."""
    from deftly.server.background.inbox import store_queued
    from deftly.server.hosts.ingest import wait_for_extraction
    from deftly.server.runtime import Runtime
    from deftly.tools.models import TraceRecord

    runtime = Runtime(settings, run_worker=False)
    runtime.start()
    try:
        runtime.ready()
        records = store_queued(runtime.db, settings.home)

        def settled(record: TraceRecord, final: TraceRecord) -> None:
            log.info("session %s: %s %s", record.session_id, final.status, final.reason)

        wait_for_extraction(runtime, {(r.namespace, r.resource_id): r for r in records}, settled)
    finally:
        runtime.stop()
    return EXIT_OK


def install(args: argparse.Namespace, settings: Settings) -> int:
    from deftly.server.hosts.install import (
        hook_command,
        read_settings,
        settings_path,
        with_deftly_hooks,
        write_settings,
    )

    path = settings_path(project=args.project, user=args.user)
    current = read_settings(path)
    updated = with_deftly_hooks(current, hook_command(_program(), settings.home, settings.namespace))
    if updated == current:
        print(f"{path} already runs deftly on SessionEnd and PreCompact; nothing to change.")
        return EXIT_OK
    print(f"deftly will write these hooks into {path}:\n")
    print(json.dumps({"hooks": {event: updated["hooks"][event] for event in ("SessionEnd", "PreCompact")}}, indent=2))
    if not args.yes and not confirm(f"\nWrite {path}? [y/N] "):
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_FAILURE
    backup = write_settings(path, updated, now=now())
    print(f"Wrote {path}" + (f" (the previous file is kept as {backup.name})." if backup else "."))
    print("Claude Code records each session into deftly when it ends or compacts; restart Claude Code to load it.")
    return EXIT_OK


def _program() -> list[str]:
    """The ``deftly`` console script next to this interpreter (the one the user installed)."""
    script = Path(sys.executable).with_name("deftly.exe" if sys.platform == "win32" else "deftly")
    return [str(script)] if script.exists() else [sys.executable, "-P", "-m", "deftly.server"]
