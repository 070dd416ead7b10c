"""The scalar and full-text indexes every store has, created once even when several servers open it at once."""

from __future__ import annotations

from typing import Any

from lancedb.index import FTS, Bitmap, BTree

from deftly.server.storage.concurrency import retry_commit


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


def create_index_once(table: Any, column: str, config: Any) -> None:
    """Create the index unless another process has: two servers opening one shared store at once both try,
    the loser's commit is preempted, and its retry finds the index there ("already exists")."""

    def create() -> None:
        try:
            table.create_index(column, config=config, replace=False)
        except Exception as exc:
            if "already exists" not in str(exc).lower():
                raise

    retry_commit(create, f"index on {column}")
