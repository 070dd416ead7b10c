"""Importing trace files from disk and extracting them before returning (``deftly import``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from deftly.server.background.worker import ExtractionWorker
from deftly.server.hosts.agent_homes import PLAIN_FILES, TraceFile, read_bounded, session_name
from deftly.server.runtime import Runtime
from deftly.server.storage.import_log import ImportLog
from deftly.tools.errors import DeftlyError
from deftly.tools.models import Outcome, TraceRecord
from deftly.tools.record_trace import RecordRequest, record_many

WAIT_FOR_OTHER_WORKER_SECONDS = 600.0
RECORD_BATCH = 32
UNCHANGED = "unchanged"
FINISHED = ("completed", "skipped")
T = TypeVar("T")


@dataclass
class FileOutcome:
    path: str
    source: str = PLAIN_FILES
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


@dataclass
class _Read:
    """A file read for recording: its request, and the key it is logged under once imported."""

    outcome: FileOutcome
    request: RecordRequest
    key: str


def import_files(
    runtime: Runtime,
    files: list[TraceFile],
    *,
    format: str | None = None,
    outcome: Outcome | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Record every file not imported before, then extract them all (here, or by the server that holds
    the worker lock); files whose extraction finished are remembered, so the next import skips them."""
    log = ImportLog(runtime.settings.home, runtime.settings.namespace)
    summary = ImportSummary()
    keys: dict[str, str] = {}
    for start in range(0, len(files), RECORD_BATCH):
        chunk = files[start : start + RECORD_BATCH]
        reads, outcomes = _read_chunk(chunk, log, runtime.settings.max_trace_bytes, format=format, outcome=outcome)
        if reads:  # there will be something to extract: the model's session builds while files are recorded
            runtime.embedder.start_loading()
        _record(runtime, reads)
        keys |= {read.outcome.path: read.key for read in reads}
        summary.files += outcomes
        if progress:
            for _ in chunk:
                progress("recorded")
    for item in summary.files:
        if item.status == UNCHANGED and progress:
            progress("extracted")

    def settled(item: FileOutcome, record: TraceRecord) -> None:
        item.status, item.reason, item.procedure_ids = record.status, record.reason, record.procedure_ids
        if progress:
            progress("extracted")

    recorded = [f for f in summary.files if f.resource_id and f.status != UNCHANGED]
    wait_for_extraction(runtime, {(runtime.settings.namespace, f.resource_id or ""): f for f in recorded}, settled)
    log.add(keys[f.path] for f in recorded if f.status in FINISHED)
    return summary


def _read_chunk(
    files: list[TraceFile], log: ImportLog, max_bytes: int, *, format: str | None, outcome: Outcome | None
) -> tuple[list[_Read], list[FileOutcome]]:
    reads: list[_Read] = []
    outcomes: list[FileOutcome] = []
    for file in files:
        item = FileOutcome(path=str(file.path), source=file.source, format=format or file.format)
        outcomes.append(item)
        try:
            content = read_bounded(file.path, max_bytes)
        except (OSError, DeftlyError) as exc:
            item.reason = _read_error(file.path, exc)
            continue
        key = ImportLog.key(content, format=item.format, outcome=outcome)
        if key in log:
            item.status, item.reason = UNCHANGED, "already imported with this content; skipped"
            continue
        text = content.decode("utf-8", errors="replace")
        # Agents name session files (or their folders) by session, so a session imported and later hooked is one trace.
        request = RecordRequest(text, format=item.format, session_id=session_name(file.path), outcome=outcome)
        reads.append(_Read(item, request, key))
    return reads, outcomes


def _read_error(path: Path, exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read {path}: {exc.strerror or exc}"
    return str(exc)


def _record(runtime: Runtime, reads: list[_Read]) -> None:
    if not reads:
        return
    results = record_many(
        runtime.store(),
        [r.request for r in reads],
        now=datetime.now(UTC),
        max_bytes=runtime.settings.max_trace_bytes,
        limits=runtime.settings.limits(),
    )
    for read, result in zip(reads, results, strict=True):
        item = read.outcome
        if isinstance(result, DeftlyError):
            item.reason = str(result)
            continue
        item.resource_id, item.session_id = result.resource_id, result.session_id
        item.format, item.status, item.reason = result.format, result.status, result.message


def wait_for_extraction(
    runtime: Runtime,
    pending: dict[tuple[str, str], T],
    settled: Callable[[T, TraceRecord], None],
    timeout: float = WAIT_FOR_OTHER_WORKER_SECONDS,
) -> None:
    """Extract pending traces here while holding the home's worker lock, else wait for its holder;
    ``settled`` is called once per trace (keyed by namespace and resource id) that is no longer pending."""
    worker = ExtractionWorker(runtime.db, runtime.embedder, runtime.make_extractor, lock=runtime.worker_lock())
    try:
        deadline = time.monotonic() + timeout
        waiting = dict(pending)
        while waiting and time.monotonic() < deadline:
            if worker.run_once() == 0 and not worker.is_leader:
                time.sleep(0.5)  # a running server holds the lock and extracts for us
            for namespace in {namespace for namespace, _ in waiting}:
                ids = [resource_id for ns, resource_id in waiting if ns == namespace]
                records = runtime.store(namespace).get_traces(ids)  # one query, not one per trace
                for resource_id in ids:
                    record = records.get(resource_id)
                    if record is not None and record.status not in ("pending", "processing"):
                        settled(waiting.pop((namespace, resource_id)), record)
    finally:
        worker.stop()
