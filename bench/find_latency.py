"""find_procedure latency at scale, and the recall of the ANN index against exact search (issues 2, 5).

    python bench/find_latency.py --sizes 10000 100000 [--queries 200]

For each size, fills a fresh store with that many realistic procedures (titles,
requests and tool names drawn from templates over many domains), each with its
four search phrases. Phrase vectors come from the real model: a pool of unique
phrases is embedded once (cached under bench/results/), and each procedure's
phrase vectors are pool vectors with a little noise, so no two are identical
while the neighbourhood structure stays that of real text. Then it builds the
indexes the server would (maintenance), and times ``find_procedures`` -- query
embedding included -- over held-out queries, warm. Recall compares the phrase
search with the ANN index against exact (flat) search for the same queries.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from deftly.server.background.embedding import FastEmbedder
from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools.find_procedure import find_procedures
from deftly.tools.models import Procedure, Step
from deftly.tools.ports import Embedding, Phrase, SearchFilters

CACHE = Path(__file__).resolve().parent / "results"
VERBS = [
    "cancel",
    "book",
    "update",
    "refund",
    "send",
    "create",
    "delete",
    "deploy",
    "rotate",
    "export",
    "import",
    "merge",
    "review",
    "schedule",
    "reschedule",
    "archive",
    "restore",
    "invite",
    "approve",
    "migrate",
]
OBJECTS = [
    "reservation",
    "invoice",
    "pull request",
    "calendar event",
    "database backup",
    "user account",
    "api key",
    "shipment",
    "support ticket",
    "payroll run",
    "docker image",
    "helm release",
    "expense report",
    "contract",
    "newsletter",
    "dns record",
    "s3 bucket",
    "spreadsheet",
    "meeting notes",
    "purchase order",
    "flight",
    "subscription",
    "password",
    "vm snapshot",
    "git branch",
    "slack channel",
    "crm lead",
    "test suite",
]
QUALIFIERS = [
    "for a customer",
    "in production",
    "for the team",
    "before the deadline",
    "with approval",
    "for next week",
    "in staging",
    "for a new hire",
    "after a failure",
    "on request",
    "in bulk",
    "for the quarter",
    "with a note",
    "for a vip client",
    "safely",
    "from the dashboard",
]
ASKS = [
    "can you {v} the {o} {q}?",
    "I need to {v} my {o} {q}",
    "please {v} this {o} {q}",
    "help me {v} the {o}",
    "we have to {v} a {o} {q}",
    "how do I {v} the {o} {q}?",
]


def phrase_pool() -> list[str]:
    titles = [f"{v.capitalize()} the {o} {q}" for v, o, q in itertools.product(VERBS, OBJECTS, QUALIFIERS)]
    rng = random.Random(7)
    asks = [rng.choice(ASKS).format(v=v, o=o, q=q) for v, o, q in itertools.product(VERBS, OBJECTS, QUALIFIERS)]
    return titles + asks


def pool_vectors(embedder: FastEmbedder, texts: list[str]) -> np.ndarray:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"phrase_pool_{len(texts)}.npy"
    if path.exists():
        return np.load(path)
    print(f"embedding {len(texts)} pool phrases once (cached in {path}) ...", flush=True)
    vectors = np.asarray(embedder.embed_documents(texts), dtype=np.float32)
    np.save(path, vectors)
    return vectors


def fill(store: LanceStore, count: int, pool: list[str], vectors: np.ndarray, now: datetime) -> None:
    rng = np.random.default_rng(11)
    titles = len(pool) // 2
    batch: list[tuple[Procedure, Embedding]] = []
    for i in range(count):
        t = i % titles
        verb, obj = VERBS[t // (len(OBJECTS) * len(QUALIFIERS))], OBJECTS[(t // len(QUALIFIERS)) % len(OBJECTS)]
        tool = f"{verb}_{obj.replace(' ', '_')}"
        procedure = Procedure(
            id=f"p{i:06d}",
            namespace=store.namespace,
            title=pool[t],
            when_to_use=f"The user asks to {pool[titles + t]}",
            steps=[
                Step(action=f"Look up the {obj}", tool=f"get_{obj.replace(' ', '_')}"),
                Step(action=pool[t], tool=tool),
            ],
            tools=[f"get_{obj.replace(' ', '_')}", tool],
            sources=[f"s{i}"],
            created_at=now,
            updated_at=now,
        )
        phrase_ids = [t, titles + t, titles + (t * 7 + 3) % titles, t]
        noisy = vectors[phrase_ids] + rng.normal(0, 0.02, (4, vectors.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        phrases = tuple(
            Phrase(kind, pool[j], v.tolist())
            for kind, j, v in zip(["title", "when", "example", "action"], phrase_ids, noisy, strict=True)
        )
        batch.append((procedure, Embedding(noisy[0].tolist(), phrases)))
        if len(batch) == 5000:
            store.add_procedures(batch)
            batch = []
    store.add_procedures(batch)


def queries(count: int) -> list[str]:
    rng = random.Random(3)
    spoken = ["I'd like to {v} a {o}", "{v} {o} now", "could you {v} our {o} for me", "need help to {v} {o}"]
    return [rng.choice(spoken).format(v=rng.choice(VERBS), o=rng.choice(OBJECTS)) for _ in range(count)]


def measure(size: int, embedder: FastEmbedder, pool: list[str], vectors: np.ndarray, n_queries: int) -> None:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="deftly-latency-") as home:
        db = Database(Path(home) / "db", dimensions=embedder.dimensions, embedding_model=embedder.model_name)
        store = LanceStore(db, "default")
        started = time.perf_counter()
        fill(store, size, pool, vectors, now)
        filled = time.perf_counter()
        db.maintain(force=True)
        indexed = time.perf_counter()
        warmed = store.warm_cache()
        print(
            f"\n{size} procedures ({db.phrases.count_rows()} phrases): filled in {filled - started:.1f} s, "
            f"maintenance (compaction{', ANN index build' if db.has_ann_index else ''}) {indexed - filled:.1f} s, "
            f"procedure cache warmed with {warmed} (as deftly serve does at start)"
        )
        asked = queries(n_queries + 20)
        for q in asked[:20]:
            find_procedures(store, embedder, q, now=now)
        times = []
        for q in asked[20:]:
            t0 = time.perf_counter()
            find_procedures(store, embedder, q, now=now)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[int(0.95 * len(times)) - 1]
        print(
            f"find_procedure warm over {len(times)} queries: median {statistics.median(times):.1f} ms, "
            f"p95 {p95:.1f} ms (query embedding included)"
        )
        if db.has_ann_index:
            print(f"ANN recall@20 vs exact search: {recall(store, embedder, asked[20:120]):.3f}  [floor >= 0.95]")


def recall(store: LanceStore, embedder: FastEmbedder, asked: list[str]) -> float:
    found = total = 0
    for q in asked:
        vector = embedder.embed_query(q)
        approx = {h.procedure_id for h in store.vector_hits(vector, 20, SearchFilters())}
        exact = {h.procedure_id for h in store.vector_hits(vector, 20, SearchFilters(), exact=True)}
        found += len(approx & exact)
        total += len(exact)
    return found / total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    embedder = FastEmbedder()
    embedder.embed_query("warm up")
    pool = phrase_pool()
    vectors = pool_vectors(embedder, pool)
    for size in args.sizes:
        measure(size, embedder, pool, vectors, args.queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
