"""Writing a namespace's search snapshot (``snapshot.py``) from the store, consistent with one version of
each table: the tables' versions are read before and after the rows, and a write in between discards it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from deftly.server.storage.memory.arms import as_utc, unit_rows
from deftly.server.storage.memory.keywords import KeywordDocs
from deftly.server.storage.memory.snapshot import (
    SnapshotData,
    SnapshotKey,
    disk_versions,
    read_stamps,
    snapshot_path,
    write_snapshot,
)
from deftly.server.storage.rows import row_to_procedure, row_to_ratings
from deftly.server.storage.search import EXACT_IN_MEMORY_MAX_PHRASES, KEYWORDS_IN_MEMORY_MAX_DOCUMENTS
from deftly.server.storage.search_store import PROCEDURE_COLUMNS
from deftly.server.storage.store import LanceStore

log = logging.getLogger(__name__)


def snapshot_key(store: LanceStore) -> SnapshotKey:
    db = store.db
    return SnapshotKey(store.namespace, str(Path(db.path).resolve()), db.embedding_model, db.dimensions)


def keep_snapshot(store: LanceStore, home: Path) -> bool:
    """Write the namespace's snapshot unless the one in ``home`` is current; whether one was written. A store
    on an object store, or too large for the in-memory arms, gets none."""
    if store.db.shared:
        return False
    db_path = Path(store.db.path)
    path = snapshot_path(home, store.namespace)
    now = disk_versions(db_path)
    if now is None or read_stamps(path, snapshot_key(store)) == now:
        return False
    data = snapshot_data(store, db_path)
    if data is None:
        return False
    write_snapshot(path, snapshot_key(store), data)
    log.debug("search snapshot written for %s at %s", store.namespace, data.versions)
    return True


def snapshot_data(store: LanceStore, db_path: Path) -> SnapshotData | None:
    """The namespace's searchable state, or None when a table changed while it was read (or it is too large)."""
    before = disk_versions(db_path)
    if before is None:
        return None
    db, where = store.db, store._ns
    count = int(db.procedures.count_rows(where))
    phrases_count = int(db.phrases.count_rows(where))
    if count > KEYWORDS_IN_MEMORY_MAX_DOCUMENTS or phrases_count > EXACT_IN_MEMORY_MAX_PHRASES:
        return None
    procedures = _rows(db.procedures, where, [*PROCEDURE_COLUMNS, "search_text"], count)
    phrases = db.phrases.search().where(where).select(["id", "updated_at", "vector"]).limit(phrases_count + 1)
    phrase_table = phrases.to_arrow()
    stats = _rows(db.stats, where, None, count)
    failed = _rows(db.feedback, f"{where} AND failed_step IS NOT NULL", ["procedure_id", "failed_step"], None)
    if disk_versions(db_path) != before:
        return None
    return SnapshotData(
        versions=before,
        phrase_ids=phrase_table.column("id").to_pylist(),
        phrase_updated=[as_utc(t) for t in phrase_table.column("updated_at").to_pylist()],
        vectors=_unit_vectors(phrase_table, db.dimensions),
        doc_ids=[row["id"] for row in procedures],
        doc_updated=[as_utc(row["updated_at"]) for row in procedures],
        docs=KeywordDocs.of(row["search_text"] for row in procedures),
        procedures={row["id"]: row_to_procedure(row).model_dump_json() for row in procedures},
        ratings={row["id"]: row_to_ratings(row).model_dump_json() for row in stats},
        step_failures=_step_failures(failed),
    )


def _rows(table: Any, where: str, columns: list[str] | None, count: int | None) -> list[dict[str, Any]]:
    query = table.search().where(where)
    if columns is not None:
        query = query.select(columns)
    limit = count + 1 if count is not None else int(table.count_rows(where)) + 1
    rows: list[dict[str, Any]] = query.limit(limit).to_list()
    return rows


def _unit_vectors(table: Any, dimensions: int) -> np.ndarray[Any, Any]:
    flat = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    return unit_rows(flat.reshape(table.num_rows, dimensions))


def _step_failures(rows: list[dict[str, Any]]) -> dict[str, dict[int, int]]:
    counts: dict[str, dict[int, int]] = {}
    for row in rows:
        steps = counts.setdefault(row["procedure_id"], {})
        steps[int(row["failed_step"])] = steps.get(int(row["failed_step"]), 0) + 1
    return counts
