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
from deftly.tools.record_trace import RecordRequest, record_many

TRACE_SUFFIXES = (".json", ".jsonl", ".ndjson")
WAIT_FOR_OTHER_WORKER_SECONDS = 600.0
RECORD_BATCH = 32


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


def read_request(path: Path, *, format: str | None, outcome: Outcome | None) -> RecordRequest:
    """A trace file as a record request; its session id is the file name without extension."""
    return RecordRequest(
        path.read_text(encoding="utf-8", errors="replace"), format=format, session_id=path.stem, outcome=outcome
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
    for start in range(0, len(files), RECORD_BATCH):
        chunk = files[start : start + RECORD_BATCH]
        summary.files += _record_chunk(runtime, chunk, format=format, outcome=outcome)
        if progress:
            for _ in chunk:
                progress("recorded")
    _extract(runtime, [f for f in summary.files if f.resource_id], progress)
    return summary


def _record_chunk(
    runtime: Runtime, paths: list[Path], *, format: str | None, outcome: Outcome | None
) -> list[FileOutcome]:
    items = [FileOutcome(path=str(path)) for path in paths]
    requests: list[RecordRequest] = []
    readable: list[FileOutcome] = []
    for item, path in zip(items, paths, strict=True):
        try:
            requests.append(read_request(path, format=format, outcome=outcome))
        except OSError as exc:
            item.reason = f"cannot read {path}: {exc.strerror or exc}"
        else:
            readable.append(item)
    results = record_many(runtime.store(), requests, now=datetime.now(UTC), max_bytes=runtime.settings.max_trace_bytes)
    for item, result in zip(readable, results, strict=True):
        if isinstance(result, DeftlyError):
            item.reason = str(result)
            continue
        item.resource_id, item.session_id = result.resource_id, result.session_id
        item.format, item.status, item.reason = result.format, result.status, result.message
    return items


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
