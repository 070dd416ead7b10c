"""The traces half of the namespace-scoped LanceDB store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deftly.server.storage.db import Database
from deftly.server.storage.rows import row_to_trace_record, trace_to_row, utcnow
from deftly.server.storage.schema import sql_str
from deftly.tools.errors import TraceNotFound
from deftly.tools.models import TraceRecord
from deftly.tools.ports import TraceChange, TraceUpdate
from deftly.tools.trace import Trace


class LanceTraceStore:
    """Recorded traces of one namespace and the state of their extraction."""

    def __init__(self, db: Database, namespace: str) -> None:
        self.db = db
        self.namespace = namespace
        self._ns = f"namespace = {sql_str(namespace)}"

    def get_trace(self, resource_id: str) -> TraceRecord | None:
        rows = self._trace_rows(resource_id, with_content=False)
        return row_to_trace_record(rows[0]) if rows else None

    def get_traces(self, resource_ids: Sequence[str]) -> dict[str, TraceRecord]:
        """The records of several traces (without content) by resource id, in one query per 500 ids;
        ids not stored are left out."""
        columns = [f.name for f in self.db.traces.schema if f.name != "content"]
        found: dict[str, TraceRecord] = {}
        for start in range(0, len(resource_ids), 500):
            chunk = resource_ids[start : start + 500]
            where = f"{self._ns} AND resource_id IN ({', '.join(sql_str(r) for r in chunk)})"
            for row in self.db.traces.search().where(where).select(columns).limit(len(chunk) * 2).to_list():
                found[row["resource_id"]] = row_to_trace_record(row)
        return found

    def load_trace(self, resource_id: str) -> Trace:
        rows = self._trace_rows(resource_id, with_content=True)
        if not rows:
            raise TraceNotFound(resource_id, self.namespace)
        return Trace.model_validate_json(rows[0]["content"])

    def _trace_rows(self, resource_id: str, *, with_content: bool) -> list[dict[str, Any]]:
        columns = [f.name for f in self.db.traces.schema if with_content or f.name != "content"]
        where = f"{self._ns} AND resource_id = {sql_str(resource_id)}"
        result: list[dict[str, Any]] = self.db.traces.search().where(where).select(columns).limit(1).to_list()
        return result

    def put_traces(self, items: Sequence[tuple[TraceRecord, Trace]]) -> list[TraceChange]:
        if not items:
            return []
        ids = ", ".join(sql_str(record.resource_id) for record, _ in items)
        where = f"{self._ns} AND resource_id IN ({ids})"
        known = {
            row["resource_id"]: row
            for row in self.db.traces.search()
            .where(where)
            .select(["resource_id", "content_hash", "status"])
            .limit(len(items) * 2)
            .to_list()
        }
        changes: list[TraceChange] = []
        rows: dict[str, dict[str, Any]] = {}  # by resource id: a session sent twice in one batch keeps the last
        for record, trace in items:
            old = known.get(record.resource_id)
            if old is not None and old["content_hash"] == record.content_hash and old["status"] != "failed":
                changes.append("unchanged")
                continue
            changes.append("updated" if old is not None or record.resource_id in rows else "inserted")
            rows[record.resource_id] = trace_to_row(record, trace.model_dump_json(exclude_none=True))
        if rows:
            (
                self.db.traces.merge_insert(["resource_id", "namespace"])
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute(list(rows.values()))
            )
            self.db.wrote("traces")
        return changes

    def put_trace(self, record: TraceRecord, trace: Trace) -> TraceChange:
        row = trace_to_row(record, trace.model_dump_json(exclude_none=True))
        result = (
            self.db.traces.merge_insert(["resource_id", "namespace"])
            .when_matched_update_all(where="target.content_hash != source.content_hash OR target.status = 'failed'")
            .when_not_matched_insert_all()
            .execute([row])
        )
        self.db.wrote("traces")
        if result.num_inserted_rows:
            return "inserted"
        return "updated" if result.num_updated_rows else "unchanged"

    def set_trace_statuses(self, updates: Sequence[TraceUpdate]) -> None:
        """Record the outcome of extraction for several traces in one write.

        Only where the stored content is still the one extracted: a session re-sent meanwhile stays
        ``pending`` (its new content is extracted next) instead of being marked done with the old one's result.
        """
        if not updates:
            return
        now = utcnow()
        rows = [
            {
                "resource_id": u.resource_id,
                "namespace": self.namespace,
                "content_hash": u.content_hash,
                "status": u.status,
                "reason": u.reason,
                "procedure_ids": list(u.procedure_ids),
                "updated_at": now,
            }
            for u in updates
        ]
        (
            self.db.traces.merge_insert(["resource_id", "namespace"])
            .when_matched_update_all(where="target.content_hash = source.content_hash")
            .execute(_status_table(rows))
        )
        self.db.wrote("traces")

    def trace_counts(self) -> dict[str, int]:
        statuses = ("pending", "processing", "completed", "skipped", "failed")
        return {s: int(self.db.traces.count_rows(f"{self._ns} AND status = {sql_str(s)}")) for s in statuses}

    def count_ratings(self) -> int:
        return int(self.db.feedback.count_rows(self._ns))

    def list_traces(self, limit: int = 100) -> list[TraceRecord]:
        columns = [f.name for f in self.db.traces.schema if f.name != "content"]
        rows = self.db.traces.search().where(self._ns).select(columns).limit(limit).to_list()
        return [row_to_trace_record(row) for row in rows]


def _status_table(rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    from deftly.server.storage.schema import TRACES

    fields = [TRACES.field(name) for name in rows[0]]
    return pa.Table.from_pylist(rows, schema=pa.schema(fields))
