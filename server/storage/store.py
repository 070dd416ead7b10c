"""The namespace-scoped LanceDB store behind ``deftly.tools.ports.Store``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from deftly.server.storage.rows import (
    as_utc,
    metadata_tokens,
    procedure_to_row,
    row_to_procedure,
    row_to_ratings,
    utcnow,
)
from deftly.server.storage.schema import sql_in, sql_str, sql_timestamp
from deftly.server.storage.search_store import PROCEDURE_COLUMNS, LanceSearch
from deftly.server.storage.traces_store import LanceTraceStore
from deftly.tools.models import FeedbackEvent, Procedure, ProcedureState, Ratings
from deftly.tools.ports import Embedding, Vector

RECENT_DECAY = 0.7
RATED_EVENTS_KEPT = 64
_STATE_SQL = "COALESCE(state, 'candidate')"


class LanceStore(LanceSearch, LanceTraceStore):
    """Traces, procedures, ratings and versions of one namespace."""

    # --- procedures ---------------------------------------------------------------------------

    def get_procedure(self, procedure_id: str) -> Procedure | None:
        rows = self._procedure_rows(f"id = {sql_str(procedure_id)}", limit=1)
        return self._with_states([row_to_procedure(rows[0])])[0] if rows else None

    def list_procedures(self, limit: int, offset: int = 0) -> list[Procedure]:
        rows = self._procedure_rows("TRUE", limit=limit, offset=offset)
        return self._with_states([row_to_procedure(row) for row in rows])

    def _with_states(self, procedures: list[Procedure]) -> list[Procedure]:
        """The procedures with their review state (kept in the stats table)."""
        if not procedures:
            return procedures
        ratings = self._stats_rows([p.id for p in procedures])
        return [p.model_copy(update={"state": ratings[p.id].state}) if p.id in ratings else p for p in procedures]

    def _stats_rows(self, procedure_ids: Sequence[str]) -> dict[str, Ratings]:
        where = f"{self._ns} AND {sql_in('id', procedure_ids)}"
        rows = self.db.stats.search().where(where).limit(len(procedure_ids) * 2).to_list()
        return {row["id"]: row_to_ratings(row) for row in rows}

    # --- review -------------------------------------------------------------------------------

    def set_state(
        self,
        procedure_id: str,
        state: ProcedureState,
        reason: str,
        *,
        now: datetime,
        only_from: Sequence[ProcedureState] = ("candidate", "approved", "retired"),
        min_rated_since_change: int = 0,
    ) -> bool:
        """Move a procedure to ``state`` if it is in one of ``only_from`` (and, for an automatic change, has
        been rated ``min_rated_since_change`` times since its state last changed); one SQL update, so a
        concurrent change is never overwritten by a stale read. Returns whether it changed."""
        where = (
            f"{self._ns} AND id = {sql_str(procedure_id)} AND {sql_in(_STATE_SQL, only_from)}"
            f" AND successes + failures - COALESCE(rated_at_state_change, 0) >= {int(min_rated_since_change)}"
        )
        result = self.db.stats.update(
            where=where,
            values_sql={
                "state": sql_str(state),
                "state_reason": sql_str(reason),
                "state_changed_at": sql_timestamp(now),
                "rated_at_state_change": "successes + failures",
            },
        )
        self.db.wrote("procedure_stats")
        return int(result.rows_updated) > 0

    def procedures_in_state(self, states: Sequence[ProcedureState], limit: int) -> list[tuple[Procedure, Ratings]]:
        """Procedures in any of ``states`` with their stats row (reason, when), newest change first."""
        where = f"{self._ns} AND {sql_in(_STATE_SQL, states)}"
        ratings = {row["id"]: row_to_ratings(row) for row in self.db.stats.search().where(where).limit(limit).to_list()}
        if not ratings:
            return []
        rows = self._procedure_rows(sql_in("id", list(ratings)), limit=len(ratings) * 2)
        found = [row_to_procedure(row) for row in rows]
        pairs = [(p.model_copy(update={"state": ratings[p.id].state}), ratings[p.id]) for p in found]
        oldest = datetime.min.replace(tzinfo=UTC)
        pairs.sort(key=lambda pair: pair[1].state_changed_at or pair[0].created_at or oldest, reverse=True)
        return pairs

    def procedure_stamps(self) -> list[tuple[str, datetime, ProcedureState]]:
        """Every procedure's id, last update and review state, from three narrow columns: enough to tell
        whether anything served changed without reading (or rendering) each procedure."""
        count = self.count_procedures() + 1
        table = self.db.procedures.search().where(self._ns).select(["id", "updated_at"]).limit(count).to_arrow()
        states = self.db.stats.search().where(self._ns).select(["id", "state"]).limit(count).to_arrow()
        state_of = dict(zip(states.column("id").to_pylist(), states.column("state").to_pylist(), strict=True))
        return [
            (pid, as_utc(updated_at), state_of.get(pid) or "candidate")
            for pid, updated_at in zip(
                table.column("id").to_pylist(), table.column("updated_at").to_pylist(), strict=True
            )
        ]

    def count_procedures(self) -> int:
        return int(self.db.procedures.count_rows(self._ns))

    def _procedure_rows(
        self, where: str, *, limit: int, offset: int = 0, columns: list[str] | None = None
    ) -> list[dict[str, Any]]:
        query = self.db.procedures.search().where(f"{self._ns} AND ({where})").select(columns or PROCEDURE_COLUMNS)
        rows: list[dict[str, Any]] = query.offset(offset).limit(limit).to_list()
        return rows

    def add_procedures(self, items: Sequence[tuple[Procedure, Embedding]]) -> None:
        if not items:
            return
        self.db.procedures.add([procedure_to_row(p, e.vector) for p, e in items])
        self._add_phrases(items)
        self._cache([p for p, _ in items])
        self.db.stats.add([_empty_ratings_row(p.id, self.namespace) for p, _ in items])
        for table in ("procedures", "search_vectors", "procedure_stats"):
            self.db.wrote(table)

    def update_procedures(self, items: Sequence[tuple[Procedure, Embedding, Procedure | None]]) -> None:
        if not items:
            return
        now = utcnow()
        snapshots = [
            {
                "id": previous.id,
                "namespace": self.namespace,
                "version": previous.version,
                "snapshot": previous.model_dump_json(exclude={"text"}),
                "created_at": now,
            }
            for _, _, previous in items
            if previous is not None
        ]
        if snapshots:
            self.db.versions.add(snapshots)
            self.db.wrote("procedure_versions")
        ids = [p.id for p, _, _ in items]
        # Update only: a procedure forgotten meanwhile (deftly forget runs outside the worker) stays forgotten.
        result = (
            self.db.procedures.merge_insert(["id", "namespace"])
            .when_matched_update_all()
            .execute([procedure_to_row(p, e.vector) for p, e, _ in items])
        )
        if result.num_updated_rows < len(items):
            kept = self._existing_ids(ids)
            items = [item for item in items if item[0].id in kept]
        self.db.phrases.delete(f"{self._ns} AND {sql_in('id', ids)}")
        self._add_phrases([(p, e) for p, e, _ in items])
        self._cache([p for p, _, _ in items])
        self.db.wrote("procedures")
        self.db.wrote("search_vectors", 2)

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        where = f"{self._ns} AND {sql_in('id', ids)}"
        return {row["id"] for row in self.db.procedures.search().where(where).select(["id"]).limit(len(ids)).to_list()}

    def _cache(self, procedures: Sequence[Procedure]) -> None:
        for procedure in procedures:
            self.db.procedure_cache.put((self.namespace, procedure.id), procedure)

    def _add_phrases(self, items: Sequence[tuple[Procedure, Embedding]]) -> None:
        rows = [
            {
                "id": procedure.id,
                "namespace": self.namespace,
                "kind": phrase.kind,
                "text": phrase.text,
                "updated_at": procedure.updated_at,
                "tags": list(procedure.tags),
                "tools": list(procedure.tools),
                "metadata_kv": metadata_tokens(procedure.metadata),
                "vector": phrase.vector,
            }
            for procedure, embedding in items
            for phrase in embedding.phrases
        ]
        if rows:
            self.db.phrases.add(rows)

    def merge_candidates(self, limit: int) -> list[tuple[Procedure, Vector]] | None:
        if self.count_procedures() > limit:
            return None
        rows = self._procedure_rows("TRUE", limit=limit, columns=[*PROCEDURE_COLUMNS, "vector"])
        return [(row_to_procedure(row), list(row["vector"])) for row in rows]

    def get_version(self, procedure_id: str, version: int) -> Procedure | None:
        where = f"{self._ns} AND id = {sql_str(procedure_id)} AND version = {int(version)}"
        rows = self.db.versions.search().where(where).limit(1).to_list()
        return Procedure.model_validate_json(rows[0]["snapshot"]) if rows else None

    def list_versions(self, procedure_id: str) -> list[int]:
        where = f"{self._ns} AND id = {sql_str(procedure_id)}"
        rows = self.db.versions.search().where(where).select(["version"]).limit(10_000).to_list()
        return sorted(int(row["version"]) for row in rows)

    # --- ratings ------------------------------------------------------------------------------

    def step_failures(self, procedure_id: str) -> dict[int, int]:
        where = f"{self._ns} AND procedure_id = {sql_str(procedure_id)} AND failed_step IS NOT NULL"
        rows = self.db.feedback.search().where(where).select(["failed_step"]).limit(1_000_000).to_list()
        counts: dict[int, int] = {}
        for row in rows:
            counts[int(row["failed_step"])] = counts.get(int(row["failed_step"]), 0) + 1
        return counts

    def feedback(self, procedure_id: str, limit: int) -> list[FeedbackEvent]:
        """The rating events that carry notes, newest first, one per distinct note."""
        where = f"{self._ns} AND procedure_id = {sql_str(procedure_id)} AND notes IS NOT NULL"
        rows = self.db.feedback.search().where(where).limit(10_000).to_list()
        rows.sort(key=lambda row: row["created_at"], reverse=True)
        events: dict[str, FeedbackEvent] = {}
        for row in rows:
            if row["notes"] not in events:
                events[row["notes"]] = FeedbackEvent.model_validate({**row, "created_at": as_utc(row["created_at"])})
        return list(events.values())[:limit]

    def record_feedback(self, event: FeedbackEvent) -> None:
        row = event.model_dump()
        row["event_id"] = uuid.uuid4().hex
        self.db.feedback.add([row])
        event_id = sql_str(row["event_id"])
        won, lost = (
            ("recent_successes", "recent_failures") if event.success else ("recent_failures", "recent_successes")
        )
        counter = "successes" if event.success else "failures"
        counted = f"(rated_events IS NULL OR NOT array_has(rated_events, {event_id}))"
        events = f"array_append(COALESCE(rated_events, arrow_cast(make_array(), 'List(Utf8)')), {event_id})"
        self.db.stats.update(
            where=f"{self._ns} AND id = {sql_str(event.procedure_id)} AND {counted}",
            values_sql={
                counter: f"{counter} + 1",
                won: f"{won} * {RECENT_DECAY} + 1.0",
                lost: f"{lost} * {RECENT_DECAY}",
                "last_rated_at": sql_timestamp(event.created_at),
                "rated_events": f"array_slice({events}, -{RATED_EVENTS_KEPT}, -1)",
            },
        )
        self.db.wrote("feedback")
        self.db.wrote("procedure_stats")


def _empty_ratings_row(procedure_id: str, namespace: str) -> dict[str, Any]:
    return {
        "id": procedure_id,
        "namespace": namespace,
        "successes": 0,
        "failures": 0,
        "recent_successes": 0.0,
        "recent_failures": 0.0,
        "last_rated_at": None,
        "state": "candidate",
        "state_reason": "",
        "state_changed_at": None,
        "rated_at_state_change": 0,
        "rated_events": None,
    }
