"""The in-memory exact vector arm (issue 15): LanceDB's flat scan's phrases, in its order, for the current version."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deftly.server.storage.db import Database
from deftly.server.storage.search import PhraseMatrix
from deftly.server.storage.store import LanceStore
from deftly.tools.models import Procedure, Step
from deftly.tools.ports import Embedding, Phrase, SearchFilters

DIMENSIONS = 8
NOW = datetime(2026, 11, 21, tzinfo=UTC)


def _vector(rng: random.Random) -> list[float]:
    return [rng.uniform(-1, 1) for _ in range(DIMENSIONS)]  # not normalised: the distance is cosine anyway


def _add(store: LanceStore, rng: random.Random, pid: str, phrases: int = 3) -> None:
    procedure = Procedure(id=pid, title=pid, created_at=NOW, updated_at=NOW, steps=[Step(action="a", tool="a")])
    vectors = [_vector(rng) for _ in range(phrases)]
    store.add_procedures([(procedure, Embedding(vectors[0], tuple(Phrase("title", pid, v) for v in vectors)))])


def _store(tmp_path: Path, namespace: str = "default") -> LanceStore:
    return LanceStore(Database(tmp_path / "db", dimensions=DIMENSIONS, embedding_model="test"), namespace)


def _ids(hits: list[Any]) -> list[str]:
    return [h.procedure_id for h in hits]


def test_the_matrix_finds_what_lancedbs_flat_scan_finds_in_its_order(tmp_path: Path) -> None:
    rng = random.Random(7)
    store = _store(tmp_path)
    for n in range(60):
        _add(store, rng, f"p{n}")
    for _ in range(20):
        query = _vector(rng)
        exact = store.vector_hits(query, 10, SearchFilters(), exact=True)
        matrix = store._nearest(query, 10, SearchFilters())
        assert _ids(matrix) == _ids(exact)
        assert all(abs(a.score - b.score) < 1e-5 for a, b in zip(matrix, exact, strict=True))


def test_the_matrix_sees_every_write_and_keeps_to_its_namespace(tmp_path: Path) -> None:
    rng = random.Random(8)
    store, other = _store(tmp_path), _store(tmp_path, "other")
    _add(store, rng, "mine")
    query = _vector(rng)
    assert _ids(store._nearest(query, 5, SearchFilters())) == ["mine"]
    _add(other, rng, "theirs")
    procedure = Procedure(id="new", title="new", created_at=NOW, updated_at=NOW, steps=[Step(action="a", tool="a")])
    store.add_procedures([(procedure, Embedding(query, (Phrase("title", "new", query),)))])
    assert _ids(store._nearest(query, 5, SearchFilters())) == ["new", "mine"]
    assert _ids(other._nearest(query, 5, SearchFilters())) == ["theirs"]


def test_a_table_over_the_limit_is_left_to_lancedb(tmp_path: Path) -> None:
    rng = random.Random(9)
    store = _store(tmp_path)
    _add(store, rng, "p", phrases=4)
    reader = store.db.reader
    assert PhraseMatrix(max_rows=3).nearest(reader, _vector(rng), "default", 5) is None
    assert PhraseMatrix(max_rows=4).nearest(reader, _vector(rng), "default", 5) is not None
