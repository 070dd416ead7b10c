"""Forgetting for real: deleting a procedure (or a whole namespace) from every table, then from disk.

LanceDB deletes by writing deletion markers; the rows' bytes stay in the data files,
in older table versions and in the indexes until those are rewritten. So after
deleting, the touched tables are compacted with no version kept, and their
scalar and full-text indexes are rebuilt, so nothing forgotten stays under
``DEFTLY_HOME``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from lancedb.index import FTS, BTree

from deftly.server.storage.db import Database
from deftly.server.storage.schema import sql_str
from deftly.tools.errors import ProcedureNotFound

NO_VERSIONS_KEPT = timedelta(0)


@dataclass(frozen=True)
class Forgotten:
    procedures: int
    traces: int


def forget_procedure(db: Database, namespace: str, procedure_id: str) -> Forgotten:
    """Delete one procedure with its search phrases, stats, feedback and kept versions.

    The traces it was learned from stay (``forget_namespace`` removes those); they no longer list it.

    Raises:
        ProcedureNotFound: no such procedure in ``namespace``.
    """
    scope = f"namespace = {sql_str(namespace)}"
    own = f"{scope} AND id = {sql_str(procedure_id)}"
    if not db.procedures.count_rows(own):
        raise ProcedureNotFound(procedure_id, namespace)
    for table in (db.procedures, db.phrases, db.stats, db.versions):
        _delete(table, own)
    _delete(db.feedback, f"{scope} AND procedure_id = {sql_str(procedure_id)}")
    listed = f"{scope} AND array_has(procedure_ids, {sql_str(procedure_id)})"
    if db.traces.count_rows(listed):
        db.traces.update(
            where=listed, values_sql={"procedure_ids": f"array_remove(procedure_ids, {sql_str(procedure_id)})"}
        )
    purge(db)
    return Forgotten(procedures=1, traces=0)


def forget_namespace(db: Database, namespace: str) -> Forgotten:
    """Delete every procedure, rating, version and trace of ``namespace``."""
    scope = f"namespace = {sql_str(namespace)}"
    forgotten = Forgotten(procedures=int(db.procedures.count_rows(scope)), traces=int(db.traces.count_rows(scope)))
    for table in _tables(db):
        _delete(table, scope)
    purge(db)
    return forgotten


def _delete(table: Any, where: str) -> None:
    # A delete commits its predicate (the id) into the table's newest version; only delete what exists.
    if table.count_rows(where):
        table.delete(where)


def purge(db: Database) -> None:
    """Rewrite the tables without deleted rows, rebuild their indexes, and drop every older version.

    A reader in another process still on an older version fails its query once; the next one reads
    the new version. That is the price of the forgotten bytes really leaving the disk.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"optimize\(cleanup_older_than=0\)", category=UserWarning)
        for table in _tables(db):
            table.optimize(cleanup_older_than=NO_VERSIONS_KEPT)
        _rebuild_indexes(db)
        for table in _tables(db):
            table.optimize(cleanup_older_than=NO_VERSIONS_KEPT)


def _rebuild_indexes(db: Database) -> None:
    # Index files keep the values of deleted rows (ids, search words) until they are rebuilt.
    keyed = ((db.procedures, "id"), (db.phrases, "id"), (db.stats, "id"), (db.traces, "resource_id"))
    for table, column in keyed:
        _rebuild(table, column, BTree())
    _rebuild(db.feedback, "procedure_id", BTree())
    _rebuild(db.procedures, "search_text", FTS(with_position=False))


def _rebuild(table: Any, column: str, config: Any) -> None:
    table.create_index(column, config=config, replace=True)


def _tables(db: Database) -> list[Any]:
    return [db.traces, db.procedures, db.phrases, db.stats, db.feedback, db.versions]
