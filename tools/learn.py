"""The extraction pipeline for one stored trace: extract, merge or create, embed, store.

Idempotent: re-running it for a trace already learned (after a crash, or a
re-sent session) merges into the same procedures and adds no evidence twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from deftly.tools.extract.base import Draft, Extraction, Extractor, Skipped
from deftly.tools.extract.titles import mentioned_actions, tool_actions
from deftly.tools.merge import MergePolicy, add_pitfall, find_match, merge, new_procedure
from deftly.tools.models import Procedure, TraceRecord, TraceStatus
from deftly.tools.ports import Embedder, SearchFilters, Store
from deftly.tools.render import embedding_text
from deftly.tools.trace import Trace


@dataclass
class LearnResult:
    status: TraceStatus
    reason: str
    procedure_ids: list[str] = field(default_factory=list)
    created: int = 0
    merged: int = 0
    lessons: int = 0


def learn(
    record: TraceRecord,
    trace: Trace,
    *,
    extractor: Extractor,
    store: Store,
    embedder: Embedder,
    now: datetime,
    policy: MergePolicy | None = None,
) -> LearnResult:
    policy = policy or MergePolicy()
    extraction = extractor.extract(trace, record.outcome)
    result = LearnResult(status="completed", reason="")
    for draft in extraction.drafts:
        procedure, created = _store_draft(draft, record.session_id, store, embedder, now, policy)
        result.procedure_ids.append(procedure.id)
        result.created += created
        result.merged += not created
    for skipped in extraction.skipped:
        if skipped.lesson and _attach_lesson(skipped, store, embedder, now, policy):
            result.lessons += 1
    result.procedure_ids = list(dict.fromkeys(result.procedure_ids))
    result.status, result.reason = _summary(extraction, result)
    return result


def _store_draft(
    draft: Draft, session_id: str, store: Store, embedder: Embedder, now: datetime, policy: MergePolicy
) -> tuple[Procedure, bool]:
    provisional = new_procedure(draft, session_id, store.namespace, now)
    vector = embedder.embed_documents([embedding_text(provisional)])[0]
    existing = find_match(draft, vector, store, policy)
    if existing is None:
        store.add_procedure(provisional, vector)
        return provisional, True
    merged, changed = merge(existing, draft, session_id, now)
    if merged.model_dump(exclude={"updated_at"}) != existing.model_dump(exclude={"updated_at"}):
        merged_vector = embedder.embed_documents([embedding_text(merged)])[0]
        store.update_procedure(merged, merged_vector, existing if changed else None)
    return merged, False


def _attach_lesson(skipped: Skipped, store: Store, embedder: Embedder, now: datetime, policy: MergePolicy) -> bool:
    """Keep a failed task's lesson as a pitfall on the procedure for that kind of request, if one exists."""
    assert skipped.lesson is not None
    wanted = mentioned_actions(skipped.request)
    vector = embedder.embed_query(skipped.request)
    for candidate in store.vector_search(vector, policy.candidates, SearchFilters()):
        if candidate.score < policy.lesson_similarity:
            return False
        actions = {a for tool in candidate.procedure.tools for a in tool_actions(tool)}
        if wanted and not wanted & actions:
            continue
        updated = add_pitfall(candidate.procedure, skipped.lesson, now)
        if updated is None:
            return False
        store.update_procedure(updated, embedder.embed_documents([embedding_text(updated)])[0], None)
        return True
    return False


def _summary(extraction: Extraction, result: LearnResult) -> tuple[TraceStatus, str]:
    parts = []
    if result.created:
        parts.append(f"{result.created} new procedure(s)")
    if result.merged:
        parts.append(f"merged into {result.merged} known procedure(s)")
    if result.lessons:
        parts.append(f"{result.lessons} pitfall(s) added")
    skipped = [f"task {s.task_index + 1} skipped: {s.reason}" for s in extraction.skipped]
    if not extraction.drafts and not extraction.skipped:
        return "skipped", "no task found: the trace has no user request followed by tool calls"
    status: TraceStatus = "completed" if extraction.drafts else "skipped"
    return status, "; ".join(parts + skipped) + f" [{extraction.extractor}]"
