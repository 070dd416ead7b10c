"""Where ``find_procedure``'s time goes in LanceDB: bare queries on a store built by ``find_procedure.py --keep``.

Runs the vector search the store makes, then the same query without its namespace prefilter and with
fewer columns, and the full-text search, each on the same 100 query embeddings (after 20 warm-ups).

    python bench/lancedb_queries.py DIR/store-10000 [DIR/store-100000 ...]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import lancedb
from benchlib import git_commit, machine, show, write_result
from find_procedure import make_queries

from deftly.server.embedding import FastEmbedder

# The columns LanceStore.vector_search selects.
STORE_COLUMNS = ["id", "namespace", "title", "body", "tags", "tools", "sources", "signatures", "version"]
STORE_COLUMNS += ["created_at", "updated_at"]
WARMUP = 20


def measure(home: Path, vectors: list[list[float]], texts: list[str]) -> dict[str, Any]:
    table = lancedb.connect(home / "lancedb", read_consistency_interval=timedelta(0)).open_table("procedures")
    indexed = any(index.name == "vector_idx" for index in table.list_indices())

    def vector(v: list[float], columns: list[str], prefilter: bool) -> None:
        query = table.search(v, vector_column_name="vector").distance_type("cosine")
        if prefilter:
            query = query.where("namespace = 'default'", prefilter=True)
        query = query.select([*columns, "_distance"]).limit(20)
        (query.ef(100) if indexed else query).to_list()

    def text(t: str) -> None:
        query = table.search(t, query_type="fts", fts_columns="search_text")
        query.where("namespace = 'default'", prefilter=True).select([*STORE_COLUMNS, "_score"]).limit(20).to_list()

    cases = {
        "vector top-20, id only, no filter": lambda i: vector(vectors[i], ["id"], False),
        "vector top-20, id only, namespace prefilter": lambda i: vector(vectors[i], ["id"], True),
        "vector top-20, the store's 11 columns, namespace prefilter": lambda i: vector(vectors[i], STORE_COLUMNS, True),
        "full-text top-20, the store's 11 columns, namespace prefilter": lambda i: text(texts[i]),
    }
    print(f"\n{home} ({table.count_rows():,} rows, ANN index: {indexed})")
    figures = {}
    for label, run in cases.items():
        timings = []
        for i in range(len(vectors)):
            started = time.perf_counter()
            run(i)
            if i >= WARMUP:
                timings.append((time.perf_counter() - started) * 1000)
        figures[label] = show(f"  {label}", timings)
    return {"home": str(home), "ann_index": indexed, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("homes", nargs="+", type=Path)
    args = parser.parse_args()
    print(f"machine: {machine()}; commit {git_commit()}")
    texts = make_queries(100 + WARMUP, random.Random(9))
    embedder = FastEmbedder("builtin")
    vectors = [embedder.embed_query(t) for t in texts]
    write_result("lancedb_queries", {"results": [measure(home, vectors, texts) for home in args.homes]})


if __name__ == "__main__":
    main()
