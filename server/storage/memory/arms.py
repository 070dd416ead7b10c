"""The vector arm's arithmetic in memory, shared by the server's phrase matrix and a start-up snapshot.

No LanceDB or pyarrow here: a server answers its first finds from a snapshot before LanceDB is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from deftly.tools.ports import SearchHit

PHRASES_PER_PROCEDURE = 2  # phrase rows fetched per procedure wanted (most have 3-5; the shortlist is 10)


@dataclass(frozen=True)
class PhraseVectors:
    """One namespace's search phrases: ``ids[i]`` and ``updated_at[i]`` name row ``i`` of ``unit_vectors``."""

    ids: list[str]
    updated_at: list[datetime]
    unit_vectors: np.ndarray[Any, Any]  # float32, one L2-normalised row per phrase

    def nearest(self, vector: Sequence[float], limit: int) -> list[dict[str, Any]]:
        """The ``limit`` nearest phrases as LanceDB rows (id, updated_at, _distance), nearest first."""
        query = np.asarray(vector, dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        # einsum, not BLAS: OpenBLAS's threads spin after each product, taking the cores the model's threads
        # and other processes need (measured under load: matmul p95 4-28 ms, einsum 0.9 ms).
        similarity = np.einsum("ij,j->i", self.unit_vectors, query)
        nearest = (
            np.argpartition(-similarity, limit - 1)[:limit] if len(similarity) > limit else np.arange(len(similarity))
        )
        order = nearest[np.lexsort((nearest, -similarity[nearest]))]  # best first; ties by row, as a stable sort
        return [
            {"id": self.ids[i], "updated_at": self.updated_at[i], "_distance": 1.0 - float(similarity[i])}
            for i in order
        ]


def unit_rows(matrix: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    matrix = matrix.astype(np.float32, copy=False)
    normalised: np.ndarray[Any, Any] = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return normalised


def best_per_procedure(rows: list[dict[str, Any]], limit: int) -> list[SearchHit]:
    best: dict[str, SearchHit] = {}
    for row in rows:  # nearest first: the first row of an id is its best phrase
        if row["id"] not in best:
            best[row["id"]] = SearchHit(row["id"], as_utc(row["updated_at"]), 1.0 - float(row["_distance"]))
    return list(best.values())[:limit]


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
