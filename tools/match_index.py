"""Finding the stored procedures nearest a new draft's goal: candidates for merging, or for a lesson.

Small namespaces are matched in memory (one read per batch); large ones query
the store, with the batch's own new and changed procedures laid over it.
"""

from __future__ import annotations

import numpy as np

from deftly.tools.models import Procedure
from deftly.tools.ports import ProcedureStore, SearchFilters, Vector

IN_MEMORY_LIMIT = 5_000
# Bounded: at most 2,000 procedures x 16 wordings x 384 float16 values, about 25 MB.
MAX_WORDINGS = 16
MAX_PROCEDURES_WORDED = 2_000
MERGED_INTO = "Merged into"  # how a retired procedure's reason starts when a later run made it one with another
_MERGED_LIMIT = 10_000
_WORDINGS: dict[str, dict[str, np.ndarray]] = {}  # namespace -> procedure id -> its goal vectors, one a row


def merged_away(store: ProcedureStore) -> set[str]:
    """Procedures a later run showed to be another's task: retired into it, kept for their ids."""
    retired = store.procedures_in_state(["retired"], _MERGED_LIMIT)
    return {p.id for p, ratings in retired if ratings.state_reason.startswith(MERGED_INTO)}


class MatchIndex:
    def __init__(
        self, store: ProcedureStore, loaded: list[tuple[Procedure, Vector]] | None, merged_away: set[str] | None = None
    ) -> None:
        self._store = store
        self._merged_away = merged_away or set()  # retired into another procedure: never a candidate again
        self._complete = loaded is not None  # True: every procedure of the namespace is in memory
        self._procedures: dict[str, Procedure] = {}
        self._vectors: dict[str, np.ndarray] = {}
        # Other runs' goals merged into a procedure, by this process: kept across batches (a cache of what
        # was embedded anyway; a procedure deleted since only leaves an entry nothing looks up).
        self._wordings = _WORDINGS.setdefault(getattr(store, "namespace", ""), {})
        for procedure, vector in loaded or []:
            if procedure.id not in self._merged_away:
                self.upsert(procedure, vector)

    @classmethod
    def load(cls, store: ProcedureStore) -> MatchIndex:
        return cls(store, store.merge_candidates(IN_MEMORY_LIMIT), merged_away(store))

    def upsert(self, procedure: Procedure, vector: Vector | None) -> None:
        """Add or replace; ``vector=None`` keeps the one known (a merge rarely moves it far)."""
        self._procedures[procedure.id] = procedure
        if vector is not None:
            array = np.asarray(vector, dtype=np.float32)
            self._vectors[procedure.id] = array / (np.linalg.norm(array) or 1.0)

    def remove(self, procedure_id: str, merged_into: str) -> None:
        """A procedure merged into another: its wordings become the other's."""
        self._merged_away.add(procedure_id)
        self._procedures.pop(procedure_id, None)
        vector = self._vectors.pop(procedure_id, None)
        wordings = self._wordings.pop(procedure_id, None)
        for row in [*([] if vector is None else [vector]), *([] if wordings is None else list(wordings))]:
            self.add_wording(merged_into, row)

    def add_wording(self, procedure_id: str, vector: Vector) -> None:
        """Another run's goal merged into the procedure: the next run may be worded like that one rather than
        like the first ("Set {name} as the line manager" / "update reporting line for {email}")."""
        if len(self._wordings) >= MAX_PROCEDURES_WORDED and procedure_id not in self._wordings:
            self._wordings.pop(next(iter(self._wordings)))
        array = np.asarray(vector, dtype=np.float32)
        row = (array / (np.linalg.norm(array) or 1.0)).astype(np.float16)[np.newaxis, :]
        known = self._wordings.get(procedure_id)
        if known is None or len(known) < MAX_WORDINGS:
            self._wordings[procedure_id] = row if known is None else np.vstack([known, row])

    def unworded(self, limit: int) -> list[Procedure]:
        """Procedures learned from several runs whose other wordings this process has not seen (it started
        after they were merged), most recently updated first."""
        found = [p for p in self._procedures.values() if len(p.asked or []) > 1 and p.id not in self._wordings]
        return sorted(found, key=lambda p: p.updated_at, reverse=True)[:limit]

    def nearest(self, vector: Vector, limit: int) -> list[tuple[Procedure, float]]:
        """Most similar procedures first, as (procedure, cosine similarity to the nearest of its wordings)."""
        query = np.asarray(vector, dtype=np.float32)
        query = query / (np.linalg.norm(query) or 1.0)
        scores = {pid: max(float(v @ query), self._nearest_wording(pid, query)) for pid, v in self._vectors.items()}
        if not self._complete:
            for candidate in self._store.vector_search(
                vector, limit + min(len(self._merged_away), 4 * limit), SearchFilters()
            ):
                if candidate.procedure.id in self._merged_away:
                    continue
                scores.setdefault(candidate.procedure.id, candidate.score)
                self._procedures.setdefault(candidate.procedure.id, candidate.procedure)
        best = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:limit]
        return [(self._procedures[pid], score) for pid, score in best]

    def _nearest_wording(self, procedure_id: str, query: np.ndarray) -> float:
        wordings = self._wordings.get(procedure_id)
        return float((wordings.astype(np.float32) @ query).max()) if wordings is not None else -1.0
