"""The long-lived parts of a deftly process — database, embedder, worker — opened once, in the background.

``deftly serve`` must answer ``initialize`` at once, but importing LanceDB and
loading the model take seconds; so ``start()`` returns immediately and the
first tool call waits for ``ready()``. A find_procedure does not when the home holds
a current search snapshot (``storage/memory/snapshot.py``): it is answered from the model
and the snapshot while LanceDB is still to be imported (``searcher()``).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from deftly.server.settings import Settings, secure_home
from deftly.tools.errors import DeftlyError
from deftly.tools.ports import SearchFilters

if TYPE_CHECKING:
    from deftly.server.background.embedding import FastEmbedder
    from deftly.server.background.worker import ExtractionWorker
    from deftly.server.storage.concurrency import WorkerLock
    from deftly.server.storage.db import Database
    from deftly.server.storage.memory.snapshot import Snapshot
    from deftly.server.storage.store import LanceStore
    from deftly.tools.extract.base import Extractor
    from deftly.tools.find_procedure import FindStore

log = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 60.0
RECORD_SETTLE_SECONDS = 0.3
# When a request waited for the store to open (a client's first find_procedure), filling the procedure cache
# (~0.25 s of Python at 1,000 procedures) waits this long, not to take the GIL from it: spawn -> first find
# 2.9 -> 2.7 s median of 3 at load 2.
FIRST_REQUESTS_AHEAD_SECONDS = 0.5
# With a current snapshot, LanceDB's import (~0.8 s, mostly holding the GIL) waits until a request needs the
# store, a find was answered from the snapshot, or this long: importing it alongside the MCP SDK's import
# (also GIL-bound) would delay the first find by as much.
STORE_DEFERRED_AT_MOST_SECONDS = 2.0
SNAPSHOT_CHECK_SECONDS = 10.0


class NotReady(DeftlyError, RuntimeError):
    """The store could not be opened (the message says why)."""


class Runtime:
    def __init__(self, settings: Settings, *, run_worker: bool = True, bulk_embedding: bool = False) -> None:
        self.settings = settings
        self.run_worker = run_worker
        self.bulk_embedding = bulk_embedding
        self._ready = threading.Event()
        self._waited = threading.Event()  # a request waited for the store to open
        self._early = threading.Event()  # the model loaded and the snapshot read (or not)
        self._store_wanted = threading.Event()
        self._snapshot: Snapshot | None = None
        self._early_embedder: FastEmbedder | None = None
        self._stopping = threading.Event()
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._users = 0
        self._thread: threading.Thread | None = None
        self._db: Database | None = None
        self._embedder: FastEmbedder | None = None
        self._worker: ExtractionWorker | None = None

    def start(self) -> None:
        """Begin opening everything in a background thread (idempotent, reference-counted)."""
        with self._lock:
            self._users += 1
            if self._thread is None:
                self._stopping.clear()
                self._early.clear()
                self._store_wanted.clear()
                self._thread = threading.Thread(target=self._open, name="deftly-open", daemon=True)
                self._thread.start()

    def stop(self, *, every_user: bool = False) -> None:
        """Stop once the last user has (or now, for ``every_user``: the process is exiting)."""
        with self._lock:
            self._users = 0 if every_user else max(0, self._users - 1)
            if self._users > 0:
                return
            thread, self._thread = self._thread, None
            self._stopping.set()
            self._store_wanted.set()
        if thread is not None:
            thread.join(READY_TIMEOUT_SECONDS)
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        if self._embedder is not None:
            self._embedder.finish_loading(READY_TIMEOUT_SECONDS)
        self._ready.clear()

    @property
    def is_open(self) -> bool:
        """Whether the store is open, so a request would not wait for it."""
        return self._ready.is_set() and self._error is None

    def ready(self, timeout: float = READY_TIMEOUT_SECONDS, *, wanted: bool = True) -> None:
        """Wait for the store to open; ``wanted`` False: a background watcher waits, which should not make
        LanceDB's import start before a snapshot answers the first find (``STORE_DEFERRED_AT_MOST_SECONDS``)."""
        if not self._ready.is_set():
            self._waited.set()
            if wanted:
                self._store_wanted.set()
        if not self._ready.wait(timeout):
            raise NotReady("deftly is still opening its store; retry in a few seconds.")
        if self._error is not None:
            from deftly.server.storage.concurrency import StoreUnreachable

            if isinstance(self._error, StoreUnreachable):  # its message already names the store
                raise NotReady(str(self._error))
            raise NotReady(f"deftly could not open its store at {self.settings.store_uri}: {self._error}")

    def _open(self) -> None:
        try:
            from deftly.server.background.embedding import FastEmbedder

            settings = self.settings
            secure_home(settings.home)
            embedder = FastEmbedder(
                settings.embedding_model,
                threads=settings.embedding_threads,
                cache_dir=settings.home / "models",
                bulk=self.bulk_embedding,
            )
            if self.run_worker:  # a server will embed; a one-shot command loads the model only if it needs it
                self._load_model_first(embedder)
                self._read_snapshot(embedder)
                # Not before: a first find answered from the snapshot would read ~14 MB of the runtime's code
                # back (its first query 6 -> ~45 ms, and ~20 ms for the page-out itself).
                page_out_native_code()
            # Imported only now: importing storage imports LanceDB (~95 MB resident), which must not be
            # resident while the model's session is built.
            from deftly.server.storage.db import Database

            self._db = Database(
                settings.store_uri,
                dimensions=embedder.dimensions,
                embedding_model=embedder.model_name,
                storage_options=settings.storage_options(),
                search_consistency=settings.read_consistency,
                compact_every=settings.compact_every,
                keep_versions=settings.keep_versions,
                ann_min_rows=settings.ann_min_rows,
            )
            self._embedder = embedder
            if self.run_worker:  # LanceDB's import left most of its library resident; a server lives long
                page_out_native_code()
        except BaseException as exc:
            self._error = exc
            log.error("could not open deftly's store at %s: %s", self.settings.store_uri, exc)
        finally:
            self._early.set()
            self._ready.set()
        if self._error is None and self.run_worker:
            self._prepare_to_serve(self._embedder)

    def _read_snapshot(self, embedder: FastEmbedder) -> None:
        """Read the home's search snapshot; while it is current, finds are answered from it, and LanceDB's
        import waits (``STORE_DEFERRED_AT_MOST_SECONDS``)."""
        try:
            if not self.settings.shared_store:
                from deftly.server.storage.memory.snapshot import SnapshotKey, read_snapshot, snapshot_path

                store = Path(self.settings.store_uri).resolve()
                key = SnapshotKey(self.settings.namespace, str(store), embedder.model_name, embedder.dimensions)
                self._snapshot = read_snapshot(snapshot_path(self.settings.home, self.settings.namespace), key)
        except Exception:  # without a snapshot the first find waits for the store, as before
            log.exception("could not read the search snapshot")
        self._early_embedder = embedder
        self._early.set()
        snapshot = self._snapshot
        if snapshot is not None and snapshot.current(Path(self.settings.store_uri)):
            log.debug("a current search snapshot: finds are answered from it until the store opens")
            self._store_wanted.wait(STORE_DEFERRED_AT_MOST_SECONDS)
            log.debug("opening the store")

    def searcher(self, filters: SearchFilters) -> tuple[FindStore, FastEmbedder]:
        """What find_procedure reads: the store, or before it is open a current snapshot of it (not for
        searches with column filters)."""
        if not self._ready.is_set() and not (filters.metadata or filters.tags or filters.tools):
            self._early.wait(READY_TIMEOUT_SECONDS)
            snapshot, embedder = self._snapshot, self._early_embedder
            if snapshot is not None and embedder is not None and not self._ready.is_set():
                from deftly.server.storage.memory.snapshot import SnapshotSearch

                if snapshot.current(Path(self.settings.store_uri)):
                    return SnapshotSearch(snapshot), embedder
        return self.store(), self.embedder

    def opened_early_parts(self) -> bool:
        """Whether what a find answered before the store opens needs is there: the model loaded and the search
        snapshot read (or found missing), or the store open."""
        return self._early.is_set()

    def answered_early(self) -> None:
        """A find was answered from the snapshot: open the store now."""
        self._store_wanted.set()

    def _load_model_first(self, embedder: FastEmbedder) -> None:
        """Load the model before LanceDB is imported and opened, then return what loading freed.

        Building the ONNX session briefly needs about 220 MB more than the loaded model keeps; overlapping
        it with LanceDB's import and tables put a serving process's peak at ~510 MB (issue 15), one after
        the other keeps it near the larger of the two. Errors surface on the first embed call.
        """
        embedder.start_loading()
        embedder.finish_loading(READY_TIMEOUT_SECONDS)
        release_freed_memory(page_out=False)

    def _prepare_to_serve(self, embedder: FastEmbedder | None) -> None:
        """What a server needs before its first find; then the rest.

        The worker starts last: its first cycle (re-queueing, draining, compacting) would compete with the
        first find_procedure for the two cores, and anything recorded meanwhile waits in the table.
        """
        self._warm_search()
        if self._waited.is_set():  # let the requests that waited for the store go first (see FIRST_REQUESTS_AHEAD)
            self._stopping.wait(FIRST_REQUESTS_AHEAD_SECONDS)
        self._warm_cache()
        self._snapshot = None  # the store serves now
        self._keep_snapshot()
        release_freed_memory()
        if self._thread is None:  # stopped meanwhile
            return
        self._worker = self._new_worker()
        self._worker.start()
        self._warm_secret_scanner()
        while not self._stopping.wait(SNAPSHOT_CHECK_SECONDS):
            self._keep_snapshot()

    def _keep_snapshot(self) -> None:
        """Write the home's search snapshot if the tables changed since it was written (any process's write)."""
        try:
            from deftly.server.storage.memory.snapshot_write import keep_snapshot

            keep_snapshot(self.store(), self.settings.home)
        except Exception:  # the next start only waits for the store
            log.exception("could not write the search snapshot")

    def _warm_search(self) -> None:
        """Open the search connection, its tables and indexes, so the first find does not."""
        try:
            self.store().warm_search()
        except Exception:  # a cold search is only slower
            log.exception("could not warm the search indexes")

    def _warm_secret_scanner(self) -> None:
        from deftly.tools import secrets

        secrets.warm()

    def _warm_cache(self) -> None:
        """A serving process loads its namespace's procedures once, so searches rarely fetch rows."""
        try:
            loaded = self.store().warm_cache()
        except Exception:  # a cold cache is only slower
            log.exception("could not warm the procedure cache")
        else:
            log.debug("procedure cache warmed with %d procedures", loaded)

    def _new_worker(self) -> ExtractionWorker:
        from deftly.server.background.worker import ExtractionWorker

        assert self._db is not None and self._embedder is not None
        return ExtractionWorker(
            self._db,
            self._embedder,
            self.make_extractor,
            lock=self.worker_lock(),
            poll_seconds=self.settings.worker_poll_seconds,
        )

    def worker_lock(self) -> WorkerLock:
        """The learning role: the home's lock file, or on a shared store a lease any machine may hold."""
        from deftly.server.storage.filelock import FileLock

        if self.db.shared:
            return self.db.lease(self.settings.lease_seconds)
        return FileLock(self.settings.lock_path)

    def make_extractor(self) -> Extractor:
        from deftly.server.background.extractors import build_extractor

        return build_extractor(self.settings)

    @property
    def db(self) -> Database:
        self.ready()
        assert self._db is not None
        return self._db

    @property
    def embedder(self) -> FastEmbedder:
        self.ready()
        assert self._embedder is not None
        return self._embedder

    @property
    def worker(self) -> ExtractionWorker | None:
        self.ready()
        return self._worker

    def store(self, namespace: str | None = None) -> LanceStore:
        # Ready first: the opening thread imports storage after the model; a request importing it meanwhile
        # imported numpy's C modules while that thread did, which fails ("cannot load module more than once
        # per process") and took the store down with it.
        db = self.db
        from deftly.server.storage.store import LanceStore

        return LanceStore(db, namespace or self.settings.namespace)

    def wake_worker(self) -> None:
        """A trace was recorded: extract it once recordings pause for a moment."""
        if self._worker is not None:
            self._worker.wake(settle=RECORD_SETTLE_SECONDS)


def release_freed_memory(*, page_out: bool = True) -> None:
    """Hand the heap pages freed while loading (the model's unoptimised graph, index reads) back to the OS.

    glibc keeps freed memory for reuse; loading the ONNX model frees about 65 MB that a server would
    otherwise hold for its whole life (measured: resident 165 MB -> 99 MB for the model after a trim).
    ``page_out``: and the native code read meanwhile (``page_out_native_code``).
    """
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):  # musl and others: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    if page_out:
        page_out_native_code()


MADV_PAGEOUT = 21  # Linux 5.4+


def page_out_native_code() -> None:
    """Let the kernel reclaim the pages of native code this process read while loading and may not run
    again: importing LanceDB alone leaves ~75 MB of its 180 MB library resident (issue 15). Only read-only,
    executable file mappings are touched, whose pages are clean copies of the file: a page needed later is
    read back on its first use. A kernel without MADV_PAGEOUT refuses it, and nothing changes."""
    import os

    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    try:
        with open(f"/proc/{os.getpid()}/maps", encoding="utf-8") as maps:
            lines = maps.readlines()
    except OSError:
        return
    for line in lines:
        fields = line.split()
        if len(fields) < 6 or fields[1] not in ("r-xp", "r--p") or not fields[5].startswith("/"):
            continue
        start, end = (int(part, 16) for part in fields[0].split("-"))
        if libc.madvise(start, end - start, MADV_PAGEOUT) != 0:
            return


def open_for_command(settings: Settings, *, bulk_embedding: bool = False) -> Runtime:
    """A runtime for one CLI command: the store open and ready, no background worker. ``bulk_embedding``:
    the command embeds many documents and no queries (``FastEmbedder``'s ``bulk``)."""
    runtime = Runtime(settings, run_worker=False, bulk_embedding=bulk_embedding)
    runtime.start()
    runtime.ready()
    return runtime
