"""``find_procedure``: hybrid search (meaning + keywords) re-ranked by how well each procedure has worked."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from pydantic import BaseModel, Field

from deftly.tools.errors import InvalidInput
from deftly.tools.models import Procedure
from deftly.tools.ports import Candidate, Embedder, ProcedureStore, SearchFilters, Vector
from deftly.tools.ranking import RankingPolicy, Scored, matched_terms, query_terms, relevant, score, stats_for
from deftly.tools.render import render_compact, search_document

MAX_QUERY_CHARS = 2000
_SEARCHES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="deftly-search")
_DOCUMENT_CACHE_SIZE = 20_000
_DOCUMENTS: dict[tuple[str, str, datetime], str] = {}
_DOCUMENTS_LOCK = threading.Lock()


class ProcedureHit(BaseModel):
    id: str
    title: str
    text: str = Field(description="Title and numbered steps, ready to follow; get_procedure has the rest.")
    score: float = Field(description="Relevance x track record, 0-1.")
    why: str = Field(description="Why it matched, and its success record.")
    success_rate: float = Field(description="Posterior mean success probability.")
    evidence: int = Field(description="Sessions it was learned from.")
    needs_review: bool
    version: int


class FindResult(BaseModel):
    procedures: list[ProcedureHit]
    message: str = Field(description="What to do next.")


def find_procedures(
    store: ProcedureStore,
    embedder: Embedder,
    query: str,
    *,
    now: datetime,
    max_results: int = 3,
    filters: SearchFilters | None = None,
    min_success_rate: float | None = None,
    policy: RankingPolicy | None = None,
) -> FindResult:
    """The few procedures that fit ``query``, best first; none when nothing is relevant enough."""
    policy = policy or RankingPolicy()
    filters = filters or SearchFilters()
    text = " ".join(query.split())
    if not text:
        raise InvalidInput("query is empty; describe the task you are about to do, e.g. 'cancel a reservation'.")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
    pool = max(20, 4 * max_results)
    terms = query_terms(text)
    # Keyword search needs no embedding, so it runs while the query is embedded.
    keyword_search = _SEARCHES.submit(store.text_search, terms, pool, filters)
    query_vector = embedder.embed_query(text)
    by_vector = store.vector_search(query_vector, pool, filters)
    by_text = keyword_search.result()
    scored = _combine(store, query_vector, by_vector, by_text, terms, now, policy)
    hits = [s for s in scored if relevant(s, policy)]
    if min_success_rate is not None:
        hits = [s for s in hits if s.stats.success_rate >= min_success_rate]
    hits.sort(key=lambda s: s.score, reverse=True)
    hits = hits[:max_results]
    _add_step_failures(store, hits)
    return FindResult(procedures=[_hit(s) for s in hits], message=_message(hits, text))


def _combine(
    store: ProcedureStore,
    query_vector: Vector,
    by_vector: list[Candidate],
    by_text: list[Candidate],
    terms: list[str],
    now: datetime,
    policy: RankingPolicy,
) -> list[Scored]:
    similarity = {c.procedure.id: c.score for c in by_vector}
    for candidate in by_text:
        if candidate.procedure.id not in similarity and candidate.vector is not None:
            similarity[candidate.procedure.id] = _cosine(query_vector, candidate.vector)
    text_score = {c.procedure.id: c.score for c in by_text}
    procedures = {c.procedure.id: c.procedure for c in [*by_text, *by_vector]}
    ratings = store.get_ratings(list(procedures))
    scored = [
        Scored(
            procedure=procedure,
            stats=stats_for(procedure, ratings.get(pid)),
            similarity=similarity.get(pid, 0.0),
            text_score=text_score.get(pid, 0.0),
            matched=matched_terms(terms, _document(procedure)),
        )
        for pid, procedure in procedures.items()
    ]
    max_text = max(text_score.values(), default=0.0)
    for item in scored:
        score(item, max_text, now, policy)
    return scored


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


def _cosine(a: Vector, b: Vector) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def _add_step_failures(store: ProcedureStore, hits: list[Scored]) -> None:
    for hit in hits:
        if hit.stats.failures >= 2:
            hit.stats.step_failures = store.step_failures(hit.procedure.id)


def _hit(scored: Scored) -> ProcedureHit:
    return ProcedureHit(
        id=scored.procedure.id,
        title=scored.procedure.title,
        text=render_compact(scored.procedure, scored.stats),
        score=scored.score,
        why=scored.why(),
        success_rate=scored.stats.success_rate,
        evidence=scored.stats.evidence,
        needs_review=scored.stats.needs_review,
        version=scored.procedure.version,
    )


def _message(hits: list[Scored], query: str) -> str:
    if not hits:
        return (
            f"No stored procedure fits {query[:80]!r} closely enough. Proceed normally; when the task is done, "
            "call record_trace with the session so deftly can learn it."
        )
    return (
        f"Found {len(hits)} procedure(s). Follow the best fit, adapting placeholders to this task; call "
        "get_procedure for parameters and pitfalls, and rate_procedure afterwards with whether it worked."
    )
