"""What find_procedure reads of one namespace, in one file of the home, for a server's first finds.

A fresh ``deftly serve`` could answer its first find_procedure only after importing LanceDB (~0.8 s of
mostly GIL-bound Python) and opening the tables (issue 15). A snapshot -- the namespace's procedures, their
ratings and failed steps, the phrases' vectors and the keyword postings -- lets it answer from the model and
this file while LanceDB is still to be imported. It is keyed by the latest version of each table it was
read from, as the table's directory shows it (``disk_versions``: a directory listing and a ``stat``, no
LanceDB), and is served only while those are still the latest: any write by any process (a procedure
learned, forgotten or rated, another namespace's row, a compaction) makes it stale, and the find waits for
LanceDB as before. A table re-created with the same version number is told apart by its manifest's
modification time and size. Object-store homes have no snapshot.

Written by a server (``snapshot_write.py``) when it has loaded the store and finds the file stale, and again
whenever the tables change; atomically (a new file renamed over the old), so a reader sees a whole one.
This module imports neither LanceDB nor pyarrow.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from deftly.server.storage.memory.arms import PHRASES_PER_PROCEDURE, PhraseVectors, best_per_procedure
from deftly.server.storage.memory.keywords import KeywordDocs, KeywordIndex
from deftly.tools.models import Procedure, Ratings
from deftly.tools.ports import SearchFilters, SearchHit, Vector

FORMAT = 1
# The tables a find reads: their latest versions key the snapshot.
TABLES = ("procedures", "search_vectors", "procedure_stats", "feedback")
TableStamp = tuple[int, int, int]  # version, manifest mtime (ns), manifest size
_V2_NAMING_BASE = 2**64 - 1  # lance's V2 manifest names count down from u64::MAX, so the latest sorts first


def snapshot_path(home: Path, namespace: str) -> Path:
    return home / f"search-snapshot-{hashlib.sha256(namespace.encode()).hexdigest()[:16]}.npz"


def disk_versions(db_path: Path) -> dict[str, TableStamp] | None:
    """Each table's latest committed version (with its manifest's mtime and size), from its directory; None
    when a table has none (not created yet, or not a local store)."""
    stamps = {}
    for name in TABLES:
        stamp = latest_manifest(db_path / f"{name}.lance" / "_versions")
        if stamp is None:
            return None
        stamps[name] = stamp
    return stamps


def latest_manifest(folder: Path) -> TableStamp | None:
    """The latest committed version in a table's ``_versions`` folder, with its manifest's mtime and size."""
    latest: tuple[int, str] | None = None
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    for name in names:
        stem, _, extension = name.partition(".")
        if extension != "manifest" or not stem.isdigit():
            continue
        number = int(stem)
        version = _V2_NAMING_BASE - number if number > 2**63 else number
        if latest is None or version > latest[0]:
            latest = (version, name)
    if latest is None:
        return None
    try:
        stat = os.stat(folder / latest[1])
    except OSError:  # cleaned up meanwhile: a newer one exists, and the caller's next look finds it
        return None
    return latest[0], stat.st_mtime_ns, stat.st_size


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot must match besides the tables' versions."""

    namespace: str
    store: str
    model: str
    dimensions: int

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **self.__dict__}


@dataclass
class SnapshotData:
    """One namespace's searchable state, as read at ``versions``."""

    versions: dict[str, TableStamp]
    phrase_ids: list[str]
    phrase_updated: list[datetime]
    vectors: np.ndarray[Any, Any]  # float32, L2-normalised rows
    doc_ids: list[str]
    doc_updated: list[datetime]
    docs: KeywordDocs
    procedures: dict[str, str]  # id -> Procedure JSON
    ratings: dict[str, str]  # id -> Ratings JSON
    step_failures: dict[str, dict[int, int]]


def write_snapshot(path: Path, key: SnapshotKey, data: SnapshotData) -> None:
    stamp = {**key.as_json(), "versions": data.versions}
    meta = {
        "phrase_ids": data.phrase_ids,
        "phrase_updated": [t.isoformat() for t in data.phrase_updated],
        "doc_ids": data.doc_ids,
        "doc_updated": [t.isoformat() for t in data.doc_updated],
        "vocabulary": data.docs.vocabulary,
        "procedures": data.procedures,
        "ratings": data.ratings,
        "step_failures": {pid: {str(k): v for k, v in steps.items()} for pid, steps in data.step_failures.items()},
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(temporary, "wb") as out:
            np.savez(
                out,
                stamp=_json_array(stamp),
                meta=_json_array(meta),
                vectors=data.vectors.astype(np.float32, copy=False),
                doc_terms=data.docs.doc_terms,
                doc_counts=data.docs.doc_counts,
                offsets=data.docs.offsets,
            )
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _json_array(value: Any) -> np.ndarray[Any, Any]:
    return np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)


def read_stamps(path: Path, key: SnapshotKey) -> dict[str, TableStamp] | None:
    """The table versions of the snapshot at ``path``, if it was made for ``key``."""
    try:
        with open(path, "rb") as stream, np.load(stream, allow_pickle=False) as files:
            return _stamps(json.loads(files["stamp"].tobytes()), key)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # absent, cut short or damaged
        return None


def _stamps(stamp: dict[str, Any], key: SnapshotKey) -> dict[str, TableStamp] | None:
    if {k: stamp.get(k) for k in key.as_json()} != key.as_json():
        return None
    return {name: (int(v[0]), int(v[1]), int(v[2])) for name, v in stamp["versions"].items()}


def read_snapshot(path: Path, key: SnapshotKey) -> Snapshot | None:
    """The snapshot at ``path`` if it is whole and made for ``key`` (whether it is current is asked per find)."""
    try:
        with open(path, "rb") as stream, np.load(stream, allow_pickle=False) as files:
            versions = _stamps(json.loads(files["stamp"].tobytes()), key)
            if versions is None:
                return None
            meta = json.loads(files["meta"].tobytes())
            vectors = files["vectors"]
            docs = KeywordDocs(meta["vocabulary"], files["doc_terms"], files["doc_counts"], files["offsets"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # absent, cut short or damaged
        return None
    if vectors.shape != (len(meta["phrase_ids"]), key.dimensions):
        return None
    phrases = PhraseVectors(meta["phrase_ids"], [datetime.fromisoformat(t) for t in meta["phrase_updated"]], vectors)
    keywords = KeywordIndex(docs, meta["doc_ids"], [datetime.fromisoformat(t) for t in meta["doc_updated"]])
    failures = {pid: {int(k): int(v) for k, v in steps.items()} for pid, steps in meta["step_failures"].items()}
    return Snapshot(key.namespace, versions, phrases, keywords, meta["procedures"], meta["ratings"], failures)


class Snapshot:
    """A namespace's search state as of ``versions``; serves find_procedure's reads (``SnapshotSearch``)."""

    def __init__(
        self,
        namespace: str,
        versions: dict[str, TableStamp],
        phrases: PhraseVectors,
        keywords: KeywordIndex,
        procedures: dict[str, str],
        ratings: dict[str, str],
        step_failures: dict[str, dict[int, int]],
    ) -> None:
        self.namespace = namespace
        self.versions = versions
        self.phrases = phrases
        self.keywords = keywords
        self._procedures = procedures
        self._ratings = ratings
        self._step_failures = step_failures

    def current(self, db_path: Path) -> bool:
        """Whether every table is still at the version the snapshot was read at."""
        return disk_versions(db_path) == self.versions

    def procedure(self, procedure_id: str) -> Procedure | None:
        text = self._procedures.get(procedure_id)
        return Procedure.model_validate_json(text) if text is not None else None

    def ratings(self, procedure_id: str) -> Ratings | None:
        text = self._ratings.get(procedure_id)
        return Ratings.model_validate_json(text) if text is not None else None

    def step_failures(self, procedure_id: str) -> dict[int, int]:
        return self._step_failures.get(procedure_id, {})


class SnapshotSearch:
    """find_procedure's reads (``deftly.tools.find_procedure.FindStore``) served from a snapshot; searches
    with column filters are not (the server waits for LanceDB for those)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.namespace = snapshot.namespace

    def search(
        self, embed: Callable[[], Vector], terms: Sequence[str], limit: int, filters: SearchFilters
    ) -> tuple[list[SearchHit], list[SearchHit]]:
        if filters.metadata or filters.tags or filters.tools:
            raise ValueError("a snapshot serves searches without column filters only")
        rows = self.snapshot.phrases.nearest(embed(), limit * PHRASES_PER_PROCEDURE)
        by_text = [SearchHit(pid, at, score) for pid, at, score in self.snapshot.keywords.search(terms, limit)]
        return best_per_procedure(rows, limit), by_text

    def get_ratings(self, procedure_ids: Sequence[str]) -> dict[str, Ratings]:
        found = {pid: self.snapshot.ratings(pid) for pid in procedure_ids}
        return {pid: ratings for pid, ratings in found.items() if ratings is not None}

    def procedures_at(self, versions: dict[str, datetime]) -> dict[str, Procedure]:
        found = {pid: self.snapshot.procedure(pid) for pid in versions}
        return {pid: p for pid, p in found.items() if p is not None and p.updated_at >= versions[pid]}

    def step_failures_of(self, procedure_ids: Sequence[str]) -> dict[str, dict[int, int]]:
        return {pid: steps for pid in procedure_ids if (steps := self.snapshot.step_failures(pid))}
