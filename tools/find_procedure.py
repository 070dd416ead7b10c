"""``find_procedure``: hybrid search (meaning + keywords) re-ranked by how well each procedure has worked."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from deftly.tools.errors import InvalidInput
from deftly.tools.extract.opposites import asked_operations, asked_words, call_words, opposite_of_asked
from deftly.tools.models import Procedure, ProcedureState, Ratings
from deftly.tools.ports import Embedder, SearchFilters, SearchHit, Vector
from deftly.tools.query_text import embedding_query
from deftly.tools.ranking import RankingPolicy, Scored, matched_terms, query_terms, relevant, score, stats_for
from deftly.tools.render import render_compact, search_document
from deftly.tools.review import ReviewMode, servable_state

MAX_QUERY_CHARS = 2000
_DOCUMENT_CACHE_SIZE = 20_000
_DOCUMENTS: dict[tuple[str, str, datetime], str] = {}
_DOCUMENTS_LOCK = threading.Lock()


class ProcedureHit(BaseModel):
    id: str
    title: str
    text: str = Field(description="Title and numbered steps, ready to follow; get_procedure has the rest.")
    score: float = Field(description="Relevance x track record, 0-1.")
    similarity: float = Field(description="Meaning: cosine similarity of the request and the closest phrase, 0-1.")
    keywords: float = Field(description="Keyword match, relative to the best keyword match of this search, 0-1.")
    confidence: Literal["high", "low"] = Field(
        description="high: a request it was learned from says the same thing; low: related, check it fits first."
    )
    why: str = Field(description="Why it matched, and its success record.")
    success_rate: float | None = Field(
        description="Posterior mean success probability from agents' ratings; null while it was never rated."
    )
    successes: int = Field(description="Rated runs that succeeded.")
    failures: int = Field(description="Rated runs that failed.")
    evidence: int = Field(description="Sessions it was learned from.")
    needs_review: bool
    state: ProcedureState = Field(default="candidate", description="candidate (not reviewed yet) or approved.")
    version: int


class FindStore(Protocol):
    """What find_procedures reads: a ``ProcedureStore``, or a server's snapshot of one while it opens."""

    def search(
        self, embed: Callable[[], Vector], terms: Sequence[str], limit: int, filters: SearchFilters
    ) -> tuple[list[SearchHit], list[SearchHit]]: ...

    def get_ratings(self, procedure_ids: Sequence[str]) -> dict[str, Ratings]: ...

    def procedures_at(self, versions: dict[str, datetime]) -> dict[str, Procedure]: ...

    def step_failures_of(self, procedure_ids: Sequence[str]) -> dict[str, dict[int, int]]: ...


class FindResult(BaseModel):
    procedures: list[ProcedureHit]
    message: str = Field(description="What to do next.")


def find_procedures(
    store: FindStore,
    embedder: Embedder,
    query: str,
    *,
    now: datetime,
    max_results: int = 3,
    filters: SearchFilters | None = None,
    min_success_rate: float | None = None,
    policy: RankingPolicy | None = None,
    review: ReviewMode = "off",
) -> FindResult:
    """The few procedures that fit ``query``, best first; none when nothing is relevant enough.

    Meaning and keywords each nominate candidates; relevance (mostly similarity, some keyword
    score) picks a shortlist, and only the shortlist is loaded and re-ranked by track record --
    a procedure far down on relevance cannot climb into the top results on its record alone.
    Procedures ``review`` does not allow (retired ones; unapproved ones when review is required) are
    dropped before the shortlist is cut, so they never take an allowed one's place.
    """
    policy = policy or RankingPolicy()
    filters = filters or SearchFilters()
    text = " ".join(query.split())[:MAX_QUERY_CHARS]
    if not text:
        raise InvalidInput("query is empty; describe the task you are about to do, e.g. 'cancel a reservation'.")
    pool = max(20, 4 * max_results)
    terms = query_terms(text)
    by_vector, by_text = store.search(lambda: embedder.embed_query(embedding_query(text)), terms, pool, filters)
    nominated = list(dict.fromkeys(h.procedure_id for h in [*by_vector, *by_text]))
    ratings = store.get_ratings(nominated)
    allowed = {p for p in nominated if servable_state(ratings[p].state if p in ratings else "candidate", review)}
    by_vector = [h for h in by_vector if h.procedure_id in allowed]
    by_text = [h for h in by_text if h.procedure_id in allowed]
    shortlist = _shortlist(by_vector, by_text, policy, limit=max(10, 3 * max_results))
    procedures = store.procedures_at({h.procedure_id: h.updated_at for h in shortlist})
    asked = asked_operations(asked_words([text]))  # usually none: then no procedure is read for it
    scored = [
        _scored(procedures[h.procedure_id], h, ratings, (terms, asked), now, policy)
        for h in shortlist
        if h.procedure_id in procedures
    ]
    hits = [s for s in scored if relevant(s, policy)]
    if min_success_rate is not None:
        hits = [s for s in hits if s.stats.success_rate >= min_success_rate]
    hits.sort(key=lambda s: s.score, reverse=True)
    hits = hits[:max_results]
    _add_step_failures(store, hits)
    found = [_hit(s, policy) for s in hits]
    return FindResult(procedures=found, message=_message(found, text))


@dataclass(frozen=True)
class _Relevance:
    procedure_id: str
    updated_at: datetime
    similarity: float
    text: float  # keyword score, normalised to the best keyword hit


def _shortlist(
    by_vector: list[SearchHit], by_text: list[SearchHit], policy: RankingPolicy, limit: int
) -> list[_Relevance]:
    best_text = max((h.score for h in by_text), default=0.0)
    # A keyword-only hit was not among the nearest phrases, so its similarity is below theirs.
    unseen = min((h.score for h in by_vector), default=0.0) - 0.01 if len(by_vector) else 0.0
    entries: dict[str, _Relevance] = {}
    for hit in by_vector:
        entries[hit.procedure_id] = _Relevance(hit.procedure_id, hit.updated_at, hit.score, 0.0)
    for hit in by_text:
        known = entries.get(hit.procedure_id)
        text = hit.score / best_text if best_text > 0 else 0.0
        sim = known.similarity if known else max(0.0, unseen)
        entries[hit.procedure_id] = _Relevance(hit.procedure_id, hit.updated_at, sim, text)
    ranked = sorted(
        entries.values(),
        key=lambda e: policy.vector_weight * e.similarity + policy.text_weight * e.text,
        reverse=True,
    )
    return ranked[:limit]


def _scored(
    procedure: Procedure,
    entry: _Relevance,
    ratings: dict[str, Ratings],
    query: tuple[list[str], dict[int, tuple[int, str]]],
    now: datetime,
    policy: RankingPolicy,
) -> Scored:
    terms, asked = query
    matched = matched_terms(terms, _document(procedure))
    state = ratings[procedure.id].state if procedure.id in ratings else procedure.state
    scored = Scored(
        procedure=procedure.model_copy(update={"state": state}),
        stats=stats_for(procedure, ratings.get(procedure.id)),
        similarity=entry.similarity,
        text_score=entry.text * _coverage(matched, terms),
        matched=matched,
        opposite=bool(asked) and opposite_of_asked(asked, _operations(procedure)) is not None,
    )
    score(scored, 1.0, now, policy)
    return scored


def _coverage(matched: list[str], terms: list[str]) -> float:
    """How much of the request the keyword match covers: the best keyword hit's score is 1 even when it
    shares one common word ("plan") with a request about something else."""
    return len(set(matched)) / len(set(terms)) if terms else 1.0


def _operations(procedure: Procedure) -> list[str]:
    """What the procedure does, in words: its title's, and its calls' tools and fixed options."""
    steps = [w for step in procedure.steps if step.tool for w in call_words(step.tool, step.arguments)]
    return [*(w.lower() for w in re.findall(r"[A-Za-z]+", procedure.title)), *steps]


def _document(procedure: Procedure) -> str:
    """The procedure's search document, cached by id and last update (search results repeat)."""
    key = (procedure.namespace, procedure.id, procedure.updated_at)
    document = _DOCUMENTS.get(key)
    if document is None:
        document = search_document(procedure)
        with _DOCUMENTS_LOCK:
            if len(_DOCUMENTS) >= _DOCUMENT_CACHE_SIZE:
                _DOCUMENTS.pop(next(iter(_DOCUMENTS)))
            _DOCUMENTS[key] = document
    return document


def _add_step_failures(store: FindStore, hits: list[Scored]) -> None:
    failing = [hit for hit in hits if hit.stats.failures >= 2]
    if not failing:
        return
    counts = store.step_failures_of([hit.procedure.id for hit in failing])
    for hit in failing:
        hit.stats.step_failures = counts.get(hit.procedure.id, {})


def _hit(scored: Scored, policy: RankingPolicy) -> ProcedureHit:
    return ProcedureHit(
        id=scored.procedure.id,
        title=scored.procedure.title,
        text=render_compact(scored.procedure, scored.stats),
        score=scored.score,
        similarity=round(scored.similarity, 4),
        keywords=round(scored.text_score, 4),
        confidence="high" if scored.similarity >= policy.confident_similarity else "low",
        why=scored.why(),
        # Before any rating the posterior mean is only the prior; a figure would claim a record nobody saw.
        success_rate=scored.stats.success_rate if scored.stats.successes + scored.stats.failures else None,
        successes=scored.stats.successes,
        failures=scored.stats.failures,
        evidence=scored.stats.evidence,
        needs_review=scored.stats.needs_review,
        state=scored.procedure.state,
        version=scored.procedure.version,
    )


def _message(hits: list[ProcedureHit], query: str) -> str:
    if not hits:
        return (
            f"No stored procedure fits {query[:80]!r} closely enough. Proceed normally; when the task is done, "
            "call record_trace with the session so deftly can learn it."
        )
    if all(hit.confidence == "low" for hit in hits):
        return (
            f"No stored procedure was learned from a request like {query[:80]!r}; {len(hits)} related one(s) below "
            "(confidence low). Use one only if its steps clearly fit this task; otherwise proceed normally and "
            "call record_trace afterwards."
        )
    return (
        f"Found {len(hits)} procedure(s). Follow the best fit, adapting placeholders to this task; call "
        "get_procedure for parameters and pitfalls, and rate_procedure afterwards with whether it worked."
    )
