"""Sessions queued by hooks, waiting to be stored: ``DEFTLY_HOME/inbox/<resource_id>.json``.

A hook must return within its host's budget (Claude Code gives ``SessionEnd`` hooks
1.5 s), and opening LanceDB alone takes longer. So the hook parses and scrubs the
transcript, leaves the result here, and a background ``deftly drain`` stores it.
A later send of the same session replaces its queued file, so the newest
transcript wins; files are stored one process at a time, oldest first.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from deftly.server.storage.filelock import FileLock
from deftly.tools.models import TraceRecord
from deftly.tools.trace import Trace

if TYPE_CHECKING:
    from deftly.server.storage.db import Database

log = logging.getLogger(__name__)

QUEUED = "*.json"
CLAIMED = "*.claimed"
REJECTED_SUFFIX = ".rejected"


def inbox_dir(home: Path) -> Path:
    return home / "inbox"


def enqueue(home: Path, record: TraceRecord, trace: Trace) -> Path:
    """Queue a parsed, scrubbed trace; atomically replaces an earlier queued send of the same session."""
    folder = inbox_dir(home)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    content = json.dumps(
        {"record": record.model_dump(mode="json"), "trace": trace.model_dump(mode="json", exclude_none=True)},
        ensure_ascii=False,
    )
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        target = folder / f"{record.resource_id}.json"
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def queued(home: Path) -> list[Path]:
    folder = inbox_dir(home)
    return sorted(folder.glob(QUEUED), key=_mtime) if folder.is_dir() else []


def store_queued(db: Database, home: Path) -> list[TraceRecord]:
    """Store every queued trace in its namespace (status ``pending``); returns the records stored."""
    folder = inbox_dir(home)
    if not folder.is_dir():
        return []
    lock = FileLock(folder / ".lock")
    lock.acquire(blocking=True)
    try:
        # Claimed files are left by a process that died while storing them: older than anything queued.
        claimed = sorted(folder.glob(CLAIMED), key=_mtime) + [_claim(p) for p in queued(home)]
        return [record for path in claimed if path is not None and (record := _store(db, path)) is not None]
    finally:
        lock.release()


def discard_namespace(home: Path, namespace: str) -> int:
    """Drop queued traces of ``namespace`` (forgetting it); returns how many."""
    dropped = 0
    for path in queued(home):
        try:
            record = TraceRecord.model_validate(json.loads(path.read_text(encoding="utf-8"))["record"])
        except (OSError, ValueError, KeyError):
            continue
        if record.namespace == namespace:
            path.unlink(missing_ok=True)
            dropped += 1
    return dropped


def _claim(path: Path) -> Path | None:
    # Renaming takes this send; a newer send of the same session then lands as a new queued file.
    target = path.with_name(f"{path.stem}.{os.getpid()}.claimed")
    try:
        os.replace(path, target)
    except FileNotFoundError:
        return None
    return target


def _store(db: Database, path: Path) -> TraceRecord | None:
    from deftly.server.storage.store import LanceStore

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        record = TraceRecord.model_validate(data["record"])
        trace = Trace.model_validate(data["trace"])
    except (OSError, ValueError, KeyError) as exc:
        log.error("cannot read queued trace %s (%s); kept as %s", path.name, exc, REJECTED_SUFFIX)
        path.rename(path.with_suffix(REJECTED_SUFFIX))
        return None
    LanceStore(db, record.namespace).put_traces([(record, trace)])
    path.unlink()
    return record


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
