"""The phrase table's small columns by row id, for LanceDB's vector arm (the ANN index, or a filtered scan).

At 10,000 procedures (40,000 phrases) the ANN query cost 2.2-3.1 ms when it returned each phrase's id,
namespace and update time, and 1.4-1.7 ms when it returned only the distance and the row id: the rest is
LanceDB taking those columns from the data files for the ~40 rows found. So the query is made on a table
handle checked out at one version, asking for distances and row ids, and the columns come from here,
read once per version of the table (~8-17 ms for 40,000 rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

COLUMNS = ["id", "namespace", "updated_at"]


@dataclass(frozen=True)
class _Column:
    """One column, dictionary-encoded: a procedure's phrases share its id and update time."""

    codes: np.ndarray[Any, Any]  # int32, one per row
    values: list[Any]  # as LanceDB returns them

    @classmethod
    def of(cls, column: pa.ChunkedArray) -> _Column:
        encoded = column.combine_chunks().dictionary_encode()
        return cls(encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist())

    def at(self, rows: np.ndarray[Any, Any]) -> list[Any]:
        values = self.values
        return [values[code] for code in self.codes[rows].tolist()]


@dataclass(frozen=True)
class PhraseRows:
    """``COLUMNS`` of every row of one version of the phrase table, by row id; ``table``: a handle checked
    out at that version (what the row ids refer to)."""

    version: int
    table: Any
    row_ids: np.ndarray[Any, Any]  # uint64, ascending
    columns: dict[str, _Column]  # COLUMNS, in the order of row_ids

    @classmethod
    def of(cls, version: int, table: Any, read: pa.Table) -> PhraseRows:
        """``read``: ``COLUMNS`` and ``_rowid`` of every row of ``table`` at ``version``."""
        row_ids = read.column("_rowid").to_numpy()
        order = np.argsort(row_ids, kind="stable")
        in_order = read.select(COLUMNS).take(pa.array(order))
        return cls(version, table, row_ids[order], {name: _Column.of(in_order.column(name)) for name in COLUMNS})

    def rows(self, found: pa.Table, namespace: str) -> list[dict[str, Any]] | None:
        """LanceDB's rows (id, updated_at, _distance) for ``found`` (``_distance`` and ``_rowid``, nearest
        first), keeping those of ``namespace`` if given; None if a row id is not one of this version's."""
        wanted = found.column("_rowid").to_numpy()
        at = np.searchsorted(self.row_ids, wanted)
        if len(wanted) and (at.max() >= len(self.row_ids) or not np.array_equal(self.row_ids[at], wanted)):
            return None
        distances = found.column("_distance").to_numpy()
        if namespace:
            namespaces = self.columns["namespace"]
            if namespace not in namespaces.values:
                return []
            mine = namespaces.codes[at] == namespaces.values.index(namespace)
            at, distances = at[mine], distances[mine]
        ids, updated_at = self.columns["id"].at(at), self.columns["updated_at"].at(at)
        return [
            {"id": pid, "updated_at": when, "_distance": distance}
            for pid, when, distance in zip(ids, updated_at, distances.tolist(), strict=True)
        ]
