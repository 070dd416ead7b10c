"""Importing trace files from disk and extracting them before returning (``deftly import``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from deftly.server.runtime import Runtime
from deftly.server.worker import ExtractionWorker
from deftly.tools.errors import DeftlyError
from deftly.tools.models import Outcome
from deftly.tools.record_trace import RecordResult, record_trace

TRACE_SUFFIXES = (".json", ".jsonl", ".ndjson")
WAIT_FOR_OTHER_WORKER_SECONDS = 600.0


@dataclass
class FileOutcome:
    path: str
    resource_id: str | None = None
    session_id: str | None = None
    format: str | None = None
    status: str = "error"
    reason: str = ""
    procedure_ids: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    files: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def procedures(self) -> int:
        return len({pid for f in self.files for pid in f.procedure_ids})


def trace_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Each file given, and every trace file under each directory given (sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TRACE_SUFFIXES)
        else:
            yield path


def record_file(
    runtime: Runtime, path: Path, *, format: str | None = None, outcome: Outcome | None = None
) -> RecordResult:
    history = path.read_text(encoding="utf-8", errors="replace")
    return record_trace(
        runtime.store(),
        history,
        now=datetime.now(UTC),
        format=format,
        session_id=path.stem,
        outcome=outcome,
        max_bytes=runtime.settings.max_trace_bytes,
    )


def import_files(
    runtime: Runtime,
    files: list[Path],
    *,
    format: str | None = None,
    outcome: Outcome | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Record every file, then extract them all (here, or by the server that holds the worker lock)."""
    summary = ImportSummary()
    for path in files:
        item = FileOutcome(path=str(path))
        try:
            recorded = record_file(runtime, path, format=format, outcome=outcome)
        except (DeftlyError, OSError) as exc:
            item.reason = str(exc)
        else:
            item.resource_id, item.session_id = recorded.resource_id, recorded.session_id
            item.format, item.status, item.reason = recorded.format, recorded.status, recorded.message
        summary.files.append(item)
        if progress:
            progress("recorded")
    _extract(runtime, [f for f in summary.files if f.resource_id], progress)
    return summary


def _extract(runtime: Runtime, items: list[FileOutcome], progress: Callable[[str], None] | None) -> None:
    worker = ExtractionWorker(
        runtime.db, runtime.embedder, runtime.make_extractor, lock_path=runtime.settings.lock_path
    )
    try:
        deadline = time.monotonic() + WAIT_FOR_OTHER_WORKER_SECONDS
        pending = list(items)
        while pending and time.monotonic() < deadline:
            if worker.run_once() == 0 and not worker.is_leader:
                time.sleep(0.5)  # a running server holds the lock and extracts for us
            pending = [item for item in pending if not _settled(runtime, item, progress)]
    finally:
        worker.stop()


def _settled(runtime: Runtime, item: FileOutcome, progress: Callable[[str], None] | None) -> bool:
    assert item.resource_id is not None
    record = runtime.store().get_trace(item.resource_id)
    if record is None or record.status in ("pending", "processing"):
        return False
    item.status, item.reason, item.procedure_ids = record.status, record.reason, record.procedure_ids
    if progress:
        progress("extracted")
    return True
