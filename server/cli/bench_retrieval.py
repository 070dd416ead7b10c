"""``deftly bench``: does find_procedure return the right procedure for a held-out request?

Ingests a labelled dataset into a fresh temporary home (record -> extract ->
embed -> store, the same path as the server), asks every held-out query through
``find_procedures`` and scores the ranking: Hit@1, Hit@3, MRR and latency. Two
baselines over the same traces run in the same process for comparison: BM25
(LanceDB full-text) over the raw trace text, and embeddings of the raw traces.
A returned item is a hit when it was learned from (or is) a trace of the
query's group.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from deftly.server.background.embedding import FastEmbedder
from deftly.server.background.worker import ExtractionWorker
from deftly.server.cli.bench_data import Dataset
from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools.extract.base import Extractor
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.find_procedure import find_procedures
from deftly.tools.formats import parse_history
from deftly.tools.ranking import RankingPolicy, query_terms
from deftly.tools.record_trace import RecordRequest, record_many
from deftly.tools.trace import Message, Trace

TOP_K = 10
Ranker = Callable[[str], list[set[str]]]  # query -> the groups of each ranked item, best first


@dataclass
class ArmScore:
    name: str
    ranks: list[int | None] = field(default_factory=list)  # 1-based rank of the first hit, None = miss
    latencies_ms: list[float] = field(default_factory=list)

    def hit_at(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / len(self.ranks)

    @property
    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks if r is not None) / len(self.ranks)

    def latency(self, quantile: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] if ordered else 0.0


@dataclass
class BenchReport:
    dataset: str
    traces: int
    queries: int
    procedures: int
    ingest_seconds: float
    arms: list[ArmScore]
    per_group: dict[str, tuple[int, int]] = field(default_factory=dict)  # group -> (hits@3, queries)
    notes: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # queries deftly missed at 3, with what it returned


def run(
    dataset: Dataset,
    *,
    embedder: FastEmbedder | None = None,
    extractor: Callable[[], Extractor] = HeuristicExtractor,
    policy: RankingPolicy | None = None,
) -> BenchReport:
    embedder = embedder or FastEmbedder()
    embedder.embed_query("warm up")
    with tempfile.TemporaryDirectory(prefix="deftly-bench-") as home:
        db = Database(Path(home) / "lancedb", dimensions=embedder.dimensions, embedding_model=embedder.model_name)
        store = LanceStore(db, "bench")
        started = time.perf_counter()
        _ingest(dataset, store, db, embedder, extractor, Path(home))
        ingest_seconds = time.perf_counter() - started
        groups_of = {t.session_id: {t.group} for t in dataset.traces}
        procedures = store.list_procedures(100_000)
        misses: list[str] = []
        deftly = _score_deftly(dataset, store, embedder, groups_of, policy or RankingPolicy(), misses)
        traces = [parse_history(t.history) for t in dataset.traces]
        texts = [raw_text(trace) for trace in traces]
        labels = [{t.group} for t in dataset.traces]
        bm25 = _score("BM25 over raw traces", dataset, _bm25_ranker(db, texts, labels))
        dense = _score("embeddings of raw traces", dataset, _dense_ranker(embedder, texts, labels))
    per_group: dict[str, tuple[int, int]] = {}
    for query, rank in zip(dataset.queries, deftly.ranks, strict=True):
        hits, total = per_group.get(query.group, (0, 0))
        per_group[query.group] = (hits + (rank is not None and rank <= 3), total + 1)
    return BenchReport(
        dataset.name,
        len(dataset.traces),
        len(dataset.queries),
        len(procedures),
        ingest_seconds,
        [deftly, bm25, dense],
        per_group,
        dataset.notes,
        misses,
    )


def _ingest(
    dataset: Dataset,
    store: LanceStore,
    db: Database,
    embedder: FastEmbedder,
    extractor: Callable[[], Extractor],
    home: Path,
) -> None:
    now = datetime.now(UTC)
    requests = [RecordRequest(t.history, session_id=t.session_id) for t in dataset.traces]
    for start in range(0, len(requests), 64):
        record_many(store, requests[start : start + 64], now=now)
    worker = ExtractionWorker(db, embedder, extractor, lock_path=home / "worker.lock")
    worker.run_once()
    worker.stop()
    db.maintain(force=True)


def _score_deftly(
    dataset: Dataset,
    store: LanceStore,
    embedder: FastEmbedder,
    groups_of: dict[str, set[str]],
    policy: RankingPolicy,
    misses: list[str],
) -> ArmScore:
    now = datetime.now(UTC)
    find_procedures(store, embedder, "warm up the query path", now=now)
    arm = ArmScore("deftly find_procedure")
    for query in dataset.queries:
        started = time.perf_counter()
        result = find_procedures(store, embedder, query.text, now=now, max_results=TOP_K, policy=policy)
        arm.latencies_ms.append((time.perf_counter() - started) * 1000)
        ranked = [set().union(*(groups_of.get(s, set()) for s in _sources(store, hit.id))) for hit in result.procedures]
        rank = _first_hit(ranked, query.group)
        arm.ranks.append(rank)
        if rank is None or rank > 3:
            returned = "; ".join(
                f"{h.title} ({h.score:.2f}) {sorted(g)}" for h, g in zip(result.procedures[:3], ranked, strict=False)
            )
            misses.append(f"[{query.group}] {query.text[:90]!r} -> {returned or 'nothing'}")
    return arm


def _sources(store: LanceStore, procedure_id: str) -> list[str]:
    procedure = store.get_procedure(procedure_id)
    return procedure.sources if procedure else []


def _score(name: str, dataset: Dataset, ranker: Ranker) -> ArmScore:
    arm = ArmScore(name)
    for query in dataset.queries:
        started = time.perf_counter()
        ranked = ranker(query.text)
        arm.latencies_ms.append((time.perf_counter() - started) * 1000)
        arm.ranks.append(_first_hit(ranked, query.group))
    return arm


def _first_hit(ranked: Sequence[set[str]], group: str) -> int | None:
    return next((rank for rank, groups in enumerate(ranked, start=1) if group in groups), None)


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


def format_report(report: BenchReport, verbose: bool = False) -> str:
    lines = [
        f"dataset: {report.dataset}: {report.traces} traces ingested -> {report.procedures} procedures "
        f"in {report.ingest_seconds:.1f} s; {report.queries} held-out queries",
        "",
        f"{'':28} {'Hit@1':>6} {'Hit@3':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}",
    ]
    lines += [
        f"{arm.name:28} {arm.hit_at(1):6.3f} {arm.hit_at(3):6.3f} {arm.mrr:6.3f} "
        f"{statistics.median(arm.latencies_ms):7.1f} {arm.latency(0.95):7.1f}"
        for arm in report.arms
    ]
    lines += ["", "deftly Hit@3 by group:"]
    lines += [f"  {hits}/{total}  {group}" for group, (hits, total) in sorted(report.per_group.items())]
    if report.notes:
        lines += ["", "split:", *(f"  {note}" for note in report.notes)]
    if verbose and report.misses:
        lines += ["", "deftly misses at 3:", *(f"  {miss}" for miss in report.misses)]
    return "\n".join(lines)
