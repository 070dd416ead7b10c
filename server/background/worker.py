"""The background extraction worker: picks up pending traces (from any process) and learns from them.

Only one process per database extracts at a time: the one holding the learning
role, the home's lock file (a local store) or the store's lease (a shared S3
store, any machine). That makes procedure merges single-writer (no lost updates
or duplicate procedures) and lets the holder re-queue traces a crashed process
left in ``processing``. The others keep trying, so extraction continues when
the holder exits.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deftly.server.storage.concurrency import WorkerLock
from deftly.server.storage.filelock import FileLock
from deftly.server.storage.store import LanceStore
from deftly.tools.embedding_cache import CachedEmbedder
from deftly.tools.extract.base import ExtractionDeferred, Extractor
from deftly.tools.learn import LearnItem, learn_batch
from deftly.tools.ports import Embedder, TraceUpdate
from deftly.tools.trace import Trace

log = logging.getLogger(__name__)

# Fragment counts are cheap to read (~0.3 ms a table), so the lock holder looks often: ratings and
# recordings from every process add fragments, and searches slow down with each one.
MAINTENANCE_EVERY_SECONDS = 5.0
BATCH_SIZE = 32  # for extractors that do not say (their batch_size attribute)
MAX_SETTLE_SECONDS = 5.0
DEFER_SECONDS = 120.0


@dataclass
class WorkerStats:
    processed: int = 0
    failed: int = 0
    last_error: str = ""


class ExtractionWorker:
    def __init__(
        self,
        db: Any,
        embedder: Embedder,
        extractor: Callable[[], Extractor],
        *,
        lock_path: Path | None = None,
        lock: WorkerLock | None = None,
        poll_seconds: float = 1.0,
        clock: Callable[[], Any] | None = None,
    ) -> None:
        from deftly.server.storage.rows import utcnow

        self._db = db
        self._embedder = CachedEmbedder(embedder)
        self._make_extractor = extractor
        self._extractor: Extractor | None = None
        if lock is None:
            if lock_path is None:
                raise TypeError("ExtractionWorker needs lock_path (a local store) or lock (the store's lease)")
            lock = FileLock(lock_path)
        self._lock: WorkerLock = lock
        self._poll = poll_seconds
        self._now = clock or utcnow
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_maintenance = time.monotonic()
        self._deferred: dict[str, float] = {}
        self._settle_lock = threading.Lock()
        self._quiet_until = 0.0
        self._first_wake = 0.0
        self.stats = WorkerStats()

    @property
    def is_leader(self) -> bool:
        return self._lock.held

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="deftly-worker", daemon=True)
            self._thread.start()

    def wake(self, settle: float = 0.0) -> None:
        """Run soon. ``settle`` delays the run until no wake came for that long (at most MAX_SETTLE
        after the first): a burst of record_trace calls is answered first, then extracted together."""
        with self._settle_lock:
            now = time.monotonic()
            if self._quiet_until <= now:
                self._first_wake = now
            self._quiet_until = max(self._quiet_until, now + settle)
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._lock.release()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.run_once()
            except Exception:  # the worker must outlive any one failure
                log.exception("extraction worker cycle failed")
            self._wake.wait(self._poll)
            self._wake.clear()
            self._settle()

    def _settle(self) -> None:
        while not self._stopping.is_set():
            with self._settle_lock:
                now = time.monotonic()
                remaining = min(self._quiet_until, self._first_wake + MAX_SETTLE_SECONDS) - now
            if remaining <= 0:
                return
            self._stopping.wait(remaining)

    def run_once(self) -> int:
        """Take the lock if free, process every pending trace, maintain tables when due."""
        if not self._lock.held:
            if not self._lock.acquire():
                return 0
            requeued = self._db.requeue_processing()
            if requeued:
                log.info("re-queued %d trace(s) left in processing by an earlier run", requeued)
        processed = self.drain()
        if self._db.maintenance_due() or time.monotonic() - self._last_maintenance > MAINTENANCE_EVERY_SECONDS:
            self._last_maintenance = time.monotonic()
            self._db.maintain()
        return processed

    def drain(self) -> int:
        """Process every pending trace, in batches; returns how many were processed."""
        count = 0
        while not self._stopping.is_set() and self._lock.held:  # a lease can be lost to a store outage
            batch_size = int(getattr(self.extractor, "batch_size", BATCH_SIZE))
            claimed = self._db.claim_pending(batch_size, exclude=self._deferred_ids())
            if not claimed:
                return count
            by_namespace: dict[str, list[LearnItem]] = defaultdict(list)
            for record, content in claimed:
                by_namespace[record.namespace].append(LearnItem(record, Trace.model_validate_json(content)))
            for namespace, items in by_namespace.items():
                self._learn(LanceStore(self._db, namespace), items)
            count += len(claimed)
            if self._db.maintenance_due():
                self._db.maintain()
        return count

    def _learn(self, store: LanceStore, items: list[LearnItem]) -> None:
        try:
            results = learn_batch(
                items, extractor=self.extractor, store=store, embedder=self._embedder, now=self._now()
            )
        except Exception:
            if len(items) > 1:  # isolate the trace that breaks the batch
                for item in items:
                    self._learn(store, [item])
                return
            self._fail_or_defer(store, items[0])
            return
        store.set_trace_statuses([r.update() for r in results])
        self.stats.processed += len(results)

    def _fail_or_defer(self, store: LanceStore, item: LearnItem) -> None:
        exc = sys.exc_info()[1]
        resource_id, content_hash = item.record.resource_id, item.record.content_hash
        if isinstance(exc, ExtractionDeferred):
            self._deferred[resource_id] = time.monotonic() + DEFER_SECONDS
            store.set_trace_statuses([TraceUpdate(resource_id, content_hash, "pending", f"deferred: {exc}")])
            return
        log.exception("extraction failed for %s", resource_id)
        self.stats.failed += 1
        self.stats.last_error = f"{type(exc).__name__}: {exc}"
        reason = f"extraction failed: {self.stats.last_error}"
        store.set_trace_statuses([TraceUpdate(resource_id, content_hash, "failed", reason)])

    def _deferred_ids(self) -> set[str]:
        now = time.monotonic()
        self._deferred = {rid: until for rid, until in self._deferred.items() if until > now}
        return set(self._deferred)

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            self._extractor = self._make_extractor()
        return self._extractor
