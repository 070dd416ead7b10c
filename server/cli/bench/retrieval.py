"""``deftly bench``: ingest a data set's runs as a user would, then ask the held-out requests.

The ingested runs go through the server's path (record -> extract -> embed -> store) into a fresh
temporary home, without their outcome. Every query of an ingested task is asked of five arms:

- deftly ``find_procedures`` as served (hybrid, thresholds, track record), 5 results;
- deftly's vector arm alone: the store's nearest search phrases (``vector_hits``), best phrase per
  procedure, no threshold;
- deftly's keyword arm alone: BM25 over procedure documents, in memory (the text half of
  ``LanceSearch.search``), no threshold;
- BM25 (LanceDB full-text) over the raw ingested traces;
- embeddings of the raw ingested traces (cosine).

An answer is a hit when it was learned from (or, for the raw arms, is) an ingested run of the query's
task. Queries of never-ingested tasks are asked of deftly only: there the right answer is nothing.
Latencies of the arms that embed the query (deftly's, its vector arm, raw embeddings) include embedding it.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from deftly.server.background.embedding import FastEmbedder
from deftly.server.background.worker import ExtractionWorker
from deftly.server.cli.bench.data import Dataset, Query, Run, procedure_tasks
from deftly.server.cli.bench.metrics import Quality, Share, quality
from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools.extract.base import Extractor
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.find_procedure import MAX_QUERY_CHARS, FindResult, find_procedures
from deftly.tools.formats import parse_history
from deftly.tools.match_index import merged_away
from deftly.tools.models import Procedure
from deftly.tools.ports import SearchFilters
from deftly.tools.ranking import RankingPolicy, query_terms
from deftly.tools.trace import Message, Trace

TOP_K = 5
Ranker = Callable[[str], list[set[str]]]  # query -> the tasks behind each ranked answer, best first


@dataclass
class ArmScore:
    name: str
    ranks: list[int | None] = field(default_factory=list)  # 1-based rank of the first hit, None = miss
    latencies_ms: list[float] = field(default_factory=list)

    def hit_at(self, k: int, subset: Sequence[bool] | None = None) -> float:
        ranks = self._ranks(subset)
        return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0

    def mrr(self, k: int = TOP_K) -> float:
        return sum(1 / r for r in self.ranks if r is not None and r <= k) / len(self.ranks) if self.ranks else 0.0

    def latency(self, quantile: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] if ordered else 0.0

    def _ranks(self, subset: Sequence[bool] | None) -> list[int | None]:
        return self.ranks if subset is None else [r for r, keep in zip(self.ranks, subset, strict=True) if keep]


@dataclass
class BenchReport:
    dataset: str
    runs: int
    queries: int  # of ingested tasks
    novel_queries: int
    ingest_seconds: float
    trace_statuses: dict[str, int]
    arms: list[ArmScore]
    with_success: list[bool]  # per query: its task has a successful ingested run
    quality: Quality
    novel_unanswered: Share  # novel queries answered with nothing (or only low-confidence procedures)
    identical_queries: int  # queries whose text is an ingested run's first request, word for word
    notes: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # queries deftly missed at 3, with what came back
    novel_answered: list[str] = field(default_factory=list)

    @property
    def runs_per_second(self) -> float:
        return self.runs / self.ingest_seconds if self.ingest_seconds else 0.0


def run(
    dataset: Dataset,
    *,
    embedder: FastEmbedder | None = None,
    extractor: Callable[[], Extractor] = HeuristicExtractor,
    policy: RankingPolicy | None = None,
) -> BenchReport:
    embedder = embedder or FastEmbedder()
    embedder.embed_query("warm up")
    queries = [q for q in dataset.queries if not q.novel]
    novel = [q for q in dataset.queries if q.novel]
    with tempfile.TemporaryDirectory(prefix="deftly-bench-") as home:
        db = Database(Path(home) / "lancedb", dimensions=embedder.dimensions, embedding_model=embedder.model_name)
        store = LanceStore(db, "bench")
        started = time.perf_counter()
        _ingest(dataset, store, db, embedder, extractor, Path(home))
        ingest_seconds = time.perf_counter() - started
        procedures = _learned(store)
        tasks = _tasks_of({p.id: p.sources for p in procedures}, {run.run_id: run for run in dataset.runs})
        deftly = _Deftly(store, embedder, policy or RankingPolicy(), tasks)
        traces = [parse_history(run.history) for run in dataset.runs]
        arms = _arms(dataset, queries, traces, deftly, db, store, embedder)
        misses = [deftly.describe(q, rank) for q, rank in zip(queries, arms[0].ranks, strict=True) if _missed(rank)]
        answered = [deftly.describe(q, None) for q in novel if not _unanswered(deftly.answer(q.text))]
        statuses = store.trace_counts()
        learned = quality(dataset, procedures)
    successful_tasks = {run.task for run in dataset.runs if run.success}
    requests = {_first_request(trace) for trace in traces}
    return BenchReport(
        dataset=dataset.name,
        runs=len(dataset.runs),
        queries=len(queries),
        novel_queries=len(novel),
        ingest_seconds=ingest_seconds,
        trace_statuses=statuses,
        arms=arms,
        with_success=[q.task in successful_tasks for q in queries],
        quality=learned,
        novel_unanswered=Share(len(novel) - len(answered), len(novel)),
        identical_queries=sum(" ".join(q.text.split()) in requests for q in dataset.queries),
        notes=dataset.notes,
        misses=misses,
        novel_answered=answered,
    )


def _arms(
    dataset: Dataset,
    queries: list[Query],
    traces: list[Trace],
    deftly: _Deftly,
    db: Database,
    store: LanceStore,
    embedder: FastEmbedder,
) -> list[ArmScore]:
    texts = [raw_text(trace) for trace in traces]
    labels = [set(run.tasks) for run in dataset.runs]  # a session holding a later request is a right answer for it too
    return [
        _score("deftly find_procedures", queries, deftly.rank),
        _score("deftly vector arm", queries, _vector_ranker(store, embedder, deftly.tasks)),
        _score("deftly keyword arm", queries, _keyword_ranker(store, deftly.tasks)),
        _score("BM25 over raw traces", queries, _bm25_ranker(db, texts, labels)),
        _score("embeddings of raw traces", queries, _dense_ranker(embedder, texts, labels)),
    ]


def _ingest(
    dataset: Dataset,
    store: LanceStore,
    db: Database,
    embedder: FastEmbedder,
    extractor: Callable[[], Extractor],
    home: Path,
) -> None:
    from deftly.tools.record_trace import RecordRequest, record_many

    now = datetime.now(UTC)
    # No outcome: a user importing their agent's logs rarely knows it, and deftly must not be told.
    requests = [RecordRequest(run.history, session_id=run.run_id) for run in dataset.runs]
    for start in range(0, len(requests), 64):
        record_many(store, requests[start : start + 64], now=now)
    worker = ExtractionWorker(db, embedder, extractor, lock_path=home / "worker.lock")
    worker.run_once()
    worker.stop()
    db.maintain(force=True)


def _learned(store: LanceStore) -> list[Procedure]:
    """The procedures learned, without those a later run merged into another (kept, retired, for their ids)."""
    away = merged_away(store)
    return [p for p in store.list_procedures(100_000) if p.id not in away]


class _Deftly:
    """find_procedures as served, and the tasks each answer was learned from."""

    def __init__(
        self, store: LanceStore, embedder: FastEmbedder, policy: RankingPolicy, tasks: Callable[[str], set[str]]
    ) -> None:
        self.store, self.embedder, self.policy, self.tasks = store, embedder, policy, tasks
        self.now = datetime.now(UTC)

    def answer(self, text: str) -> FindResult:
        return find_procedures(self.store, self.embedder, text, now=self.now, max_results=TOP_K, policy=self.policy)

    def rank(self, text: str) -> list[set[str]]:
        return [self.tasks(hit.id) for hit in self.answer(text).procedures]

    def describe(self, query: Query, rank: int | None) -> str:
        hits = self.answer(query.text).procedures[:3]
        returned = "; ".join(f"{h.title!r} ({h.score:.2f}, tasks {sorted(self.tasks(h.id))})" for h in hits)
        kind = f" ({query.task_type})" if query.task_type else ""
        place = f", rank {rank}" if rank else ""
        return f"[task {query.task}{kind}{place}] {query.text[:100]!r} -> {returned or 'nothing'}"


def _missed(rank: int | None) -> bool:
    return rank is None or rank > 3


def _unanswered(result: FindResult) -> bool:
    return all(hit.confidence == "low" for hit in result.procedures)


def _score(name: str, queries: list[Query], ranker: Ranker) -> ArmScore:
    arm = ArmScore(name)
    ranker("warm up")
    for query in queries:
        started = time.perf_counter()
        ranked = ranker(query.text)
        arm.latencies_ms.append((time.perf_counter() - started) * 1000)
        arm.ranks.append(next((n for n, tasks in enumerate(ranked, start=1) if query.task in tasks), None))
    return arm


def _tasks_of(sources: dict[str, list[str]], runs: dict[str, Run]) -> Callable[[str], set[str]]:
    return lambda procedure_id: procedure_tasks([runs[s] for s in sources.get(procedure_id, []) if s in runs])


def _vector_ranker(store: LanceStore, embedder: FastEmbedder, tasks: Callable[[str], set[str]]) -> Ranker:
    def rank(query: str) -> list[set[str]]:
        hits = store.vector_hits(embedder.embed_query(_normal(query)), TOP_K, SearchFilters())
        return [tasks(hit.procedure_id) for hit in hits]

    return rank


def _keyword_ranker(store: LanceStore, tasks: Callable[[str], set[str]]) -> Ranker:
    def rank(query: str) -> list[set[str]]:
        # The text half of LanceSearch.search, alone (search() would also run the vector arm).
        hits = store.keyword_hits(query_terms(_normal(query)), TOP_K, SearchFilters())
        return [tasks(hit.procedure_id) for hit in hits]

    return rank


def _normal(query: str) -> str:
    """The query as find_procedures reads it."""
    return " ".join(query.split())[:MAX_QUERY_CHARS]


def raw_text(trace: Trace) -> str:
    """A trace as plain text for the baselines: messages and tool calls, without the system prompt."""
    lines = []
    for turn in trace.turns:
        if isinstance(turn, Message):
            if turn.role != "system":
                lines.append(f"{turn.role}: {turn.text}")
        else:
            lines.append(f"{turn.tool} {turn.arguments}")
    return "\n".join(lines)


def _first_request(trace: Trace) -> str:
    first = next((t.text for t in trace.turns if isinstance(t, Message) and t.role == "user"), "")
    return " ".join(first.split())


def _bm25_ranker(db: Database, texts: list[str], labels: list[set[str]]) -> Ranker:
    from lancedb.index import FTS
    from lancedb.query import MatchQuery

    table = db._conn.create_table("bench_raw_traces", data=[{"i": i, "text": t} for i, t in enumerate(texts)])
    table.create_index("text", config=FTS(with_position=False))

    def rank(query: str) -> list[set[str]]:
        terms = query_terms(query)
        if not terms:
            return []
        rows = table.search(MatchQuery(" ".join(terms), "text"), query_type="fts").limit(TOP_K).to_list()  # type: ignore[call-arg]
        return [labels[row["i"]] for row in rows]

    return rank


def _dense_ranker(embedder: FastEmbedder, texts: list[str], labels: list[set[str]]) -> Ranker:
    matrix = np.asarray(embedder.embed_documents(texts), dtype=np.float32)

    def rank(query: str) -> list[set[str]]:
        scores = matrix @ np.asarray(embedder.embed_query(query), dtype=np.float32)
        return [labels[i] for i in np.argsort(-scores)[:TOP_K]]

    return rank
