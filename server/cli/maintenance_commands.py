"""``deftly compact``: compact every table of the home and delete its old versions and orphaned files."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.console import Console

from deftly.server.cli.output import EXIT_OK, print_json
from deftly.server.runtime import open_for_command
from deftly.server.settings import Settings

if TYPE_CHECKING:  # LanceDB takes seconds to import: `deftly serve` must not wait for it here
    from deftly.server.storage.db import DiskUsage


def compact(args: argparse.Namespace, settings: Settings) -> int:
    """Holding the worker lock (no server is running) everything old goes; otherwise a running server's
    recent versions are kept for ``keep_versions_minutes``, as its own background cleanup does. A shared (S3)
    store is never compacted exclusively: servers on other machines may be using it."""
    from deftly.server.storage.filelock import FileLock

    lock = FileLock(settings.lock_path)
    exclusive = not settings.shared_store and lock.acquire()
    runtime = open_for_command(settings)
    try:
        db = runtime.db
        before = db.disk_usage()
        db.compact(exclusive=exclusive)
        after = db.disk_usage()
    finally:
        runtime.stop()
        lock.release()
    if args.json:
        print_json({"before": vars_of(before), "after": vars_of(after), "exclusive": exclusive})
    else:
        _print(before, after, exclusive, settings)
    return EXIT_OK


def vars_of(usage: DiskUsage | None) -> dict[str, int] | None:
    return None if usage is None else {"bytes": usage.bytes, "files": usage.files}


def _print(before: DiskUsage | None, after: DiskUsage | None, exclusive: bool, settings: Settings) -> None:
    console = Console()
    if before is None or after is None:
        console.print(f"compacted {settings.store_uri} (sizes on an object store are not measured)")
    else:
        console.print(f"before: {_mib(before.bytes)} in {before.files} files")
        console.print(f"after:  {_mib(after.bytes)} in {after.files} files")
    if settings.shared_store:
        console.print(
            f"The store is shared: versions younger than {settings.keep_versions_minutes:g} minute(s) were kept "
            "for the servers that may be reading them."
        )
    elif not exclusive:
        console.print(
            f"A deftly server is running on this home: versions younger than {settings.keep_versions_minutes:g} "
            "minute(s) and files of unfinished writes were kept. Stop the servers to compact fully."
        )


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"
