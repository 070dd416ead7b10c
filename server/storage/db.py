"""The LanceDB database (under ``DEFTLY_HOME``, or ``DEFTLY_STORE`` on S3): opening it, its tables and indexes,
and keeping them compact.

Several ``deftly serve`` processes may share one database: on one machine through the home, on several
through an S3 store, whose commits are conditional writes (one writer wins each version; LanceDB retries the
others on the new version). Every handle reads the latest committed version (``read_consistency_interval=0``),
counters change only through SQL expressions, and the worker holding the learning role (the home's lock file,
or the store's lease) does the learning, so no process loses another's update. Two commands write procedures
outside it (``forget`` and ``import --skills``); an update never re-creates a procedure deleted meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import lancedb
import pyarrow as pa
from lancedb.index import FTS, Bitmap, BTree, HnswSq

from deftly.server.storage import schema
from deftly.server.storage.caches import LruCache, VersionedCache
from deftly.server.storage.concurrency import (
    LEASE_TABLE,
    RetryingTable,
    StoreLease,
    StoreUnreachable,
    create_index_once,
    initial_lease_row,
    is_object_store,
    unreachable,
)
from deftly.server.storage.rows import row_to_trace_record
from deftly.server.storage.search import AsyncReader
from deftly.tools.errors import DeftlyError
from deftly.tools.models import Procedure, Ratings, TraceRecord

log = logging.getLogger(__name__)


PROCEDURE_CACHE_SIZE = 20_000
# How often the worker deletes old table versions. Every write (a rating, a recorded trace) leaves a
# version and its files behind, whichever process made it; a round optimizes only the tables that
# changed since they were last left clean, so it costs a version check per table when nothing did.
CLEANUP_EVERY_SECONDS = 30.0
COMPACT_ROUNDS = 4
# How stale a table handle may be before it checks for other processes' commits: zero, so a
# procedure one client's server learned is found through another's at once (measured: the extra
# manifest reads cost a search no more than noise).
READ_CONSISTENCY = timedelta(0)
ANN_CHECK_SECONDS = 10.0


@dataclass
class _Cleanliness:
    """A table version as first seen by this process, and whether cleanup has left no older one."""

    version: int
    seen_at: float
    clean: bool = False


@dataclass(frozen=True)
class DiskUsage:
    bytes: int
    files: int


class StoreMismatch(DeftlyError, RuntimeError):
    """The database was built with another embedding model (or a newer deftly)."""


class Database:
    """One LanceDB connection and deftly's six tables."""

    def __init__(
        self,
        path: Path | str,
        *,
        dimensions: int,
        embedding_model: str,
        storage_options: Mapping[str, str] | None = None,
        search_consistency: timedelta = READ_CONSISTENCY,
        compact_every: int = 64,
        keep_versions: timedelta = timedelta(minutes=1),
        ann_min_rows: int = 20_000,
        ann_ef: int = 64,
    ) -> None:
        self.path = str(path)
        self.shared = is_object_store(self.path)
        self.storage_options = dict(storage_options or {})
        self.search_consistency = search_consistency
        if not self.shared:
            Path(self.path).mkdir(mode=0o700, parents=True, exist_ok=True)
        self.dimensions = dimensions
        self.embedding_model = embedding_model
        self.compact_every = compact_every
        self.keep_versions = keep_versions
        self.ann_min_rows = ann_min_rows
        self.ann_ef = ann_ef
        self._conn = self._connect()
        self.procedure_cache: LruCache[tuple[str, str], Procedure] = LruCache(PROCEDURE_CACHE_SIZE)
        self.ratings_cache: VersionedCache[tuple[str, str], Ratings] = VersionedCache(PROCEDURE_CACHE_SIZE)
        self._reader: AsyncReader | None = None
        self._ann_present = False
        self._ann_checked_at = -ANN_CHECK_SECONDS
        self._writes: dict[str, int] = {}
        self._writes_lock = threading.Lock()
        self._cleanliness: dict[str, _Cleanliness] = {}
        self._cleaned_at = time.monotonic()
        self._lease_table: Any = None
        try:
            self._open_tables()
        except (StoreMismatch, StoreUnreachable):
            raise
        except Exception as exc:
            if self.shared:
                raise unreachable(self.path, exc) from exc
            raise

    def _connect(self) -> Any:
        if not self.shared:
            return lancedb.connect(self.path, read_consistency_interval=READ_CONSISTENCY)
        try:
            conn = lancedb.connect(
                self.path, read_consistency_interval=READ_CONSISTENCY, storage_options=self.storage_options
            )
            # Listing reads the bucket: a wrong endpoint, key or bucket fails here, before anything is created.
            conn.list_tables()
        except Exception as exc:
            raise unreachable(self.path, exc) from exc
        return conn

    def _open_tables(self) -> None:
        self.traces = self._open("traces", schema.TRACES)
        self.procedures = self._open("procedures", schema.procedures_schema(self.dimensions))
        self.phrases = self._open("search_vectors", schema.search_vectors_schema(self.dimensions))
        self.stats = self._open("procedure_stats", schema.PROCEDURE_STATS)
        self.feedback = self._open("feedback", schema.FEEDBACK)
        self.versions = self._open("procedure_versions", schema.PROCEDURE_VERSIONS)
        self.meta = self._open("meta", schema.META)
        if self.shared:  # created with the other tables, not by the first server to want the lease
            self._lease_table = self._open(LEASE_TABLE, schema.META, [initial_lease_row()])
        self._add_review_columns()
        self._check_meta()
        ensure_indexes(self.procedures, self.phrases, self.stats, self.traces, self.feedback)

    def _open(self, name: str, table_schema: pa.Schema, data: list[dict[str, Any]] | None = None) -> Any:
        try:
            return RetryingTable(self._conn.open_table(name))
        except (FileNotFoundError, ValueError):
            try:
                return RetryingTable(self._conn.create_table(name, data=data, schema=table_schema))
            except (OSError, ValueError, RuntimeError):
                # Another process created it between our open and create (on S3 the loser of the two
                # creating commits gets lance's commit-conflict RuntimeError).
                return RetryingTable(self._conn.open_table(name))

    def _add_review_columns(self) -> None:
        """Stats tables written before procedures had a review state (or rating guards) get those nullable columns."""
        present = set(self.stats.schema.names)
        missing = [f for f in schema.STATS_ADDED_FIELDS if f.name not in present]
        if not missing:
            return
        try:
            self.stats.add_columns(missing)
        except Exception as exc:  # another process may have added them first
            if not set(self._conn.open_table("procedure_stats").schema.names) >= {f.name for f in missing}:
                raise StoreMismatch(f"could not add the review columns to procedure_stats: {exc}") from exc
            self.stats = RetryingTable(self._conn.open_table("procedure_stats"))

    def _check_meta(self) -> None:
        rows = {r["key"]: r["value"] for r in self.meta.search().limit(100).to_list()}
        wanted = {
            "schema_version": str(schema.SCHEMA_VERSION),
            "embedding_model": self.embedding_model,
            "dimensions": str(self.dimensions),
        }
        if not rows:
            self.meta.add([{"key": k, "value": v} for k, v in wanted.items()])
            return
        if int(rows.get("schema_version", "1")) > schema.SCHEMA_VERSION:
            raise StoreMismatch(
                f"The database at {self.path} was written by a newer deftly (schema "
                f"{rows['schema_version']}); upgrade deftly or point DEFTLY_HOME elsewhere."
            )
        stored_model = rows.get("embedding_model", self.embedding_model)
        if stored_model != self.embedding_model or rows.get("dimensions") != str(self.dimensions):
            raise StoreMismatch(
                f"The procedures at {self.path} were embedded with {stored_model!r} "
                f"({rows.get('dimensions')}-d), not {self.embedding_model!r} ({self.dimensions}-d). "
                "Set DEFTLY_EMBEDDING_MODEL back, or use a new DEFTLY_HOME for the new model."
            )

    def lease(self, seconds: float) -> StoreLease:
        """The learning role on this (shared) store, held ``seconds`` at a time."""
        if self._lease_table is None:  # the table is created with its one row, so no server ever sees it empty
            self._lease_table = self._open(LEASE_TABLE, schema.META, [initial_lease_row()])
        return StoreLease(self._lease_table, seconds)

    def wrote(self, table_name: str, count: int = 1) -> None:
        with self._writes_lock:
            self._writes[table_name] = self._writes.get(table_name, 0) + count
        if self._reader is not None:
            self._reader.forget_version(table_name)

    def maintain(self, *, force: bool = False, max_fragments: int = 8) -> list[str]:
        """Optimize tables (whichever process wrote them): compact their fragments, update their indexes and
        delete their versions older than ``keep_versions``; then build the ANN index when due.

        A table is optimized when it has more than ``max_fragments`` fragments, or when a cleanup round is due
        (every ``CLEANUP_EVERY_SECONDS``) and it changed since an optimization last left no old version behind.
        The grace period protects other processes: a version is deleted only once it is that old, so a read or
        update another process started on it has long finished (they all start from the latest version).
        Files no version refers to (a write killed before it committed) are kept; ``compact`` deletes them.

        Returns the names of the tables optimized.
        """
        now = time.monotonic()
        cleanup_due = force or now - self._cleaned_at >= CLEANUP_EVERY_SECONDS
        if cleanup_due:
            self._cleaned_at = now
        optimized = []
        for name, table in self._tables().items():
            with self._writes_lock:
                self._writes[name] = 0
            fragments = table.stats()["fragment_stats"]["num_fragments"]
            if force or fragments > max_fragments or (cleanup_due and not self._left_clean(name, table, now)):
                try:
                    table.optimize(cleanup_older_than=self.keep_versions)
                except RuntimeError as exc:  # a write by another process won the commit; it is kept
                    log.info("optimizing %s gave way to a concurrent write; the next round retries: %s", name, exc)
                    continue
                self._optimized(name, table, now)
                optimized.append(name)
        self._maybe_build_ann_index()
        return optimized

    def _left_clean(self, name: str, table: Any, now: float) -> bool:
        version = int(table.version)
        state = self._cleanliness.get(name)
        if state is None or state.version != version:
            self._cleanliness[name] = _Cleanliness(version, now)
            return False
        return state.clean

    def _optimized(self, name: str, table: Any, now: float) -> None:
        state = self._cleanliness.get(name)
        version = int(table.version)
        if state is None or state.version != version:  # optimizing committed a version of its own
            self._cleanliness[name] = _Cleanliness(version, now)
        else:  # every older version predates this one, which was current when first seen
            state.clean = now - state.seen_at >= self.keep_versions.total_seconds()

    def compact(self, *, exclusive: bool) -> None:
        """Compact every table and delete every old version now (``deftly compact``).

        ``exclusive``: no other deftly process is running (the caller holds the worker lock), so versions
        are deleted whatever their age, and so are files no version refers to. Otherwise versions younger
        than ``keep_versions`` are kept, as the background cleanup does.
        """
        older_than = timedelta(0) if exclusive else self.keep_versions
        with warnings.catch_warnings():  # LanceDB warns that 0 fails other readers: exclusive means there are none
            warnings.simplefilter("ignore", UserWarning)
            for table in self._tables().values():
                for _ in range(COMPACT_ROUNDS):  # updating the indexes commits after the cleanup: go again
                    version = table.version
                    table.optimize(cleanup_older_than=older_than, delete_unverified=exclusive)
                    if table.version == version:
                        break
        self._cleanliness.clear()
        self._maybe_build_ann_index()

    def disk_usage(self) -> DiskUsage | None:
        """Bytes and files under the database directory (None on an object store: listing it costs requests)."""
        if self.shared:
            return None
        sizes = []
        for path in Path(self.path).rglob("*"):
            try:
                if path.is_file():
                    sizes.append(path.stat().st_size)
            except FileNotFoundError:  # deleted meanwhile by another process's cleanup
                continue
        return DiskUsage(sum(sizes), len(sizes))

    def maintenance_due(self) -> bool:
        with self._writes_lock:
            return sum(self._writes.values()) >= self.compact_every

    def _maybe_build_ann_index(self) -> None:
        if self.has_ann_index or self.phrases.count_rows() < self.ann_min_rows:
            return
        log.info("building the ANN index over %d search phrases", self.phrases.count_rows())
        self.phrases.create_index("vector", config=HnswSq(distance_type="cosine"), replace=False)
        self._ann_checked_at = -ANN_CHECK_SECONDS

    @property
    def reader(self) -> AsyncReader:
        """The async connection searches read through (opened on first use)."""
        if self._reader is None:
            with self._writes_lock:
                if self._reader is None:
                    self._reader = AsyncReader(self.path, self.search_consistency, self.storage_options)
        return self._reader

    def claim_pending(self, limit: int = 32, exclude: Iterable[str] = ()) -> list[tuple[TraceRecord, str]]:
        """Mark up to ``limit`` of the oldest pending traces (any namespace) as processing.

        Returns each record with its stored content (canonical trace JSON). Call with the worker lock held.
        Only the chosen rows' content is read; a trace re-sent between choosing and claiming stays pending.
        The claim writes a token into ``reason`` and reads back only the rows bearing it: should two
        workers ever claim at once (a lease taken over from a stalled holder), each trace goes to one.
        """
        skip = set(exclude)
        candidates = (
            self.traces.search()
            .where("status = 'pending'")
            .select(["resource_id", "content_hash", "updated_at"])
            .limit(limit + len(skip) + 64)
            .to_list()
        )
        chosen = sorted((r for r in candidates if r["resource_id"] not in skip), key=lambda r: r["updated_at"])[:limit]
        if not chosen:
            return []
        unchanged = " OR ".join(
            f"(resource_id = {schema.sql_str(r['resource_id'])} AND content_hash = {schema.sql_str(r['content_hash'])})"
            for r in chosen
        )
        token = schema.sql_str(f"claimed {uuid.uuid4().hex}")
        claimed = self.traces.update(
            where=f"({unchanged}) AND status = 'pending'", values_sql={"status": "'processing'", "reason": token}
        )
        self.wrote("traces")
        if not int(claimed.rows_updated):
            return []
        rows = self.traces.search().where(f"status = 'processing' AND reason = {token}").limit(len(chosen) * 2)
        found = rows.to_list()
        found.sort(key=lambda r: r["updated_at"])
        return [(row_to_trace_record(row), row["content"]) for row in found]

    def requeue_processing(self) -> int:
        """Put traces a dead process left in ``processing`` back to ``pending`` (call with the lock held)."""
        stuck = self.traces.count_rows("status = 'processing'")
        if stuck:
            self.traces.update(where="status = 'processing'", values_sql={"status": "'pending'"})
            self.wrote("traces")
        return int(stuck)

    @property
    def has_ann_index(self) -> bool:
        """Whether the phrase vectors have an ANN index (checked at most every few seconds: searches ask)."""
        now = time.monotonic()
        if now - self._ann_checked_at > ANN_CHECK_SECONDS:
            self._ann_present = "vector_idx" in {i.name for i in self.phrases.list_indices()}
            self._ann_checked_at = now
        return self._ann_present

    def _tables(self) -> dict[str, Any]:
        return {
            "traces": self.traces,
            "procedures": self.procedures,
            "search_vectors": self.phrases,
            "procedure_stats": self.stats,
            "feedback": self.feedback,
            "procedure_versions": self.versions,
            **({"lease": self._lease_table} if self._lease_table is not None else {}),  # renewed every few seconds
        }


def ensure_indexes(procedures: Any, phrases: Any, stats: Any, traces: Any, feedback: Any) -> None:
    """The keyword index, a B-tree on each table's key, and a bitmap on the namespace every search filters on."""
    wanted = [
        (procedures, "search_text", FTS(with_position=False)),
        *((table, column, BTree()) for table, column in ((procedures, "id"), (phrases, "id"), (stats, "id"))),
        (traces, "resource_id", BTree()),
        (feedback, "procedure_id", BTree()),
        *((table, "namespace", Bitmap()) for table in (procedures, phrases)),
    ]
    for table, column, config in wanted:
        if f"{column}_idx" not in {i.name for i in table.list_indices()}:
            create_index_once(table, column, config)
