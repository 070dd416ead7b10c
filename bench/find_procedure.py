"""``find_procedure`` warm latency over a large store, including the query embedding.

Floor (issue 2): median <= 20 ms over 10,000 stored procedures; p95 and the 100,000 figure reported too.

The store is filled directly with generated, realistic procedures (titles, parameters, steps with tool
calls, example requests) embedded in batches with the real built-in model, then maintained as the
server's worker would (``db.maintain(force=True)``: compaction, and the ANN index once a namespace
passes DEFTLY_ANN_MIN_ROWS = 20,000). Each timed query is a different natural-language request, run
through the same function the ``find_procedure`` tool calls, on the server's own objects (``Runtime``).

    python bench/find_procedure.py --count 10000 [--count 100000] [--queries 300] [--keep DIR] [--ann-min-rows N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchlib import git_commit, machine, show, write_result

from deftly.server.rows import procedure_to_row
from deftly.server.runtime import Runtime
from deftly.server.settings import Settings
from deftly.tools.find_procedure import find_procedures
from deftly.tools.models import Parameter, Procedure, Step
from deftly.tools.ports import SearchFilters
from deftly.tools.render import embedding_text

FLOOR_MS = 20.0
EMBED_CHUNK = 512
WRITE_CHUNK = 10_000
SEED = 10_000  # one sequence for every count: a larger store starts with the smaller one's procedures
# Procedures of the same kind share their embedding text; each distinct text is embedded once per run.
VECTORS: dict[str, list[float]] = {}

# (domain, object, id parameter, [(verb, tool verb)], qualifiers)
DOMAINS: list[tuple[str, list[tuple[str, str]], list[str]]] = [
    (
        "airline",
        [
            ("reservation", "reservation_id"),
            ("flight", "flight_number"),
            ("baggage claim", "claim_id"),
            ("seat", "seat_id"),
            ("passenger", "passenger_id"),
            ("upgrade", "upgrade_id"),
        ],
        ["for a gold member", "on an international route", "after a schedule change", "with travel insurance"],
    ),
    (
        "retail",
        [
            ("order", "order_id"),
            ("return", "return_id"),
            ("exchange", "exchange_id"),
            ("shipping address", "order_id"),
            ("payment method", "payment_id"),
            ("gift card", "card_id"),
        ],
        ["for a pending order", "paid with a gift card", "with several items", "for a delivered order"],
    ),
    (
        "devops",
        [
            ("deployment", "deployment_name"),
            ("service", "service_name"),
            ("helm release", "release"),
            ("kubernetes pod", "pod_name"),
            ("docker image", "image_tag"),
            ("cron job", "job_name"),
        ],
        ["in staging", "in production", "after a failed health check", "with zero downtime"],
    ),
    (
        "git",
        [
            ("branch", "branch"),
            ("pull request", "pr_number"),
            ("release tag", "tag"),
            ("merge conflict", "path"),
            ("commit", "commit_sha"),
            ("submodule", "path"),
        ],
        ["on a protected branch", "with a signed commit", "in a monorepo", "before a release"],
    ),
    (
        "billing",
        [
            ("invoice", "invoice_id"),
            ("subscription", "subscription_id"),
            ("refund", "refund_id"),
            ("credit note", "note_id"),
            ("tax rate", "rate_id"),
            ("dunning email", "customer_id"),
        ],
        ["for an enterprise customer", "in euros", "after a failed charge", "prorated to the day"],
    ),
    (
        "crm",
        [
            ("lead", "lead_id"),
            ("contact", "contact_id"),
            ("deal", "deal_id"),
            ("account owner", "account_id"),
            ("support ticket", "ticket_id"),
            ("mailing list", "list_id"),
        ],
        ["for a new region", "from a web form", "with duplicate records", "before the quarter closes"],
    ),
    (
        "hr",
        [
            ("vacation request", "request_id"),
            ("employee record", "employee_id"),
            ("payslip", "payslip_id"),
            ("onboarding checklist", "employee_id"),
            ("expense report", "report_id"),
            ("laptop", "asset_tag"),
        ],
        ["for a contractor", "across two countries", "for a new hire", "after a promotion"],
    ),
    (
        "data",
        [
            ("etl pipeline", "pipeline_id"),
            ("database table", "table_name"),
            ("dashboard", "dashboard_id"),
            ("s3 bucket", "bucket"),
            ("backup", "backup_id"),
            ("schema migration", "migration_id"),
        ],
        ["nightly", "with a row-count check", "on the replica", "with personal data removed"],
    ),
]
VERBS = [
    ("cancel", "cancel"),
    ("update", "update"),
    ("create", "create"),
    ("delete", "delete"),
    ("restore", "restore"),
    ("approve", "approve"),
    ("roll back", "rollback"),
    ("transfer", "transfer"),
    ("audit", "audit"),
    ("export", "export"),
    ("reassign", "reassign"),
    ("verify", "verify"),
]
PARAPHRASES = {
    "cancel": ["cancel", "call off", "stop"],
    "update": ["change", "modify", "edit"],
    "create": ["set up", "open a new", "add a"],
    "delete": ["remove", "get rid of", "erase"],
    "restore": ["bring back", "recover", "undo the deletion of"],
    "approve": ["sign off on", "accept", "okay"],
    "roll back": ["revert", "undo", "go back to the previous"],
    "transfer": ["move", "hand over", "migrate"],
    "audit": ["review", "check the history of", "inspect"],
    "export": ["download", "dump", "extract"],
    "reassign": ["give to someone else", "change the owner of", "hand off"],
    "verify": ["double-check", "confirm", "validate"],
}


def snake(text: str) -> str:
    return text.replace(" ", "_").replace("-", "_")


def make_procedure(i: int, rng: random.Random, now: datetime) -> Procedure:
    domain, objects, qualifiers = rng.choice(DOMAINS)
    obj, id_name = rng.choice(objects)
    verb, tool_verb = rng.choice(VERBS)
    qualifier = rng.choice(qualifiers)
    lookup = f"get_{snake(obj)}_details"
    act = f"{snake(tool_verb)}_{snake(obj)}"
    extra = rng.sample(["notify_user", "log_audit_event", "check_permissions", "list_related_items"], rng.randint(0, 2))
    steps = [Step(action=f"Look up the {obj}", tool=lookup, arguments={id_name: "{" + id_name + "}"})]
    steps += [
        Step(action=e.replace("_", " ").capitalize(), tool=e, arguments={id_name: "{" + id_name + "}"}) for e in extra
    ]
    steps.append(Step(action=f"{verb.capitalize()} the {obj}", tool=act, arguments={id_name: "{" + id_name + "}"}))
    title = f"{verb.capitalize()} {obj} {{{id_name}}} {qualifier}"
    created = now - timedelta(days=rng.randint(0, 365))
    return Procedure(
        id=f"{snake(verb)}-{snake(obj)}-{i:06x}",
        title=title,
        when_to_use=f"The user asks to {verb} a {obj} ({domain}) {qualifier}.",
        parameters=[Parameter(name=id_name, description=f"The {obj}'s id", kind="id", example="ABC123")],
        steps=steps,
        tools=[s.tool for s in steps if s.tool],
        tags=[domain],
        examples=[f"Please {verb} my {obj} {qualifier}"],
        sources=[f"sess_{i:06x}"],
        signatures=[f"{lookup}>{act}"],
        created_at=created,
        updated_at=created,
    )


def make_queries(count: int, rng: random.Random) -> list[str]:
    queries = []
    for _ in range(count):
        _domain, objects, qualifiers = rng.choice(DOMAINS)
        obj, _ = rng.choice(objects)
        verb, _ = rng.choice(VERBS)
        phrase = rng.choice(PARAPHRASES[verb])
        queries.append(f"I need to {phrase} the {obj} {rng.choice(qualifiers)} for a customer")
    return queries


def populate(runtime: Runtime, count: int, now: datetime) -> dict[str, float]:
    rng = random.Random(SEED)
    store = runtime.store()
    started = time.perf_counter()
    embed_seconds = 0.0
    embedded = 0
    rows: list[dict[str, Any]] = []
    stats_rows: list[dict[str, Any]] = []
    for start in range(0, count, EMBED_CHUNK):
        batch = [make_procedure(i, rng, now) for i in range(start, min(count, start + EMBED_CHUNK))]
        texts = [embedding_text(p) for p in batch]
        missing = list(dict.fromkeys(t for t in texts if t not in VECTORS))
        t0 = time.perf_counter()
        VECTORS.update(zip(missing, runtime.embedder.embed_documents(missing), strict=True))
        embed_seconds += time.perf_counter() - t0
        embedded += len(missing)
        rows += [procedure_to_row(p, VECTORS[t]) for p, t in zip(batch, texts, strict=True)]
        stats_rows += [empty_stats(p.id, store.namespace) for p in batch]
        if len(rows) >= WRITE_CHUNK:
            flush(runtime, rows, stats_rows)
        print(f"\r  embedded {min(count, start + EMBED_CHUNK):,}/{count:,}", end="", flush=True)
    flush(runtime, rows, stats_rows)
    print()
    t0 = time.perf_counter()
    runtime.db.maintain(force=True)
    maintain_seconds = time.perf_counter() - t0
    return {
        "populate_s": time.perf_counter() - started,
        "embed_s": embed_seconds,
        "embedded_texts": embedded,
        "maintain_s": maintain_seconds,
    }


def remember_vectors(runtime: Runtime, count: int, now: datetime) -> None:
    """Fill VECTORS from an existing store of ``count`` procedures (regenerated from the same seed)."""
    rng = random.Random(SEED)
    stored = runtime.db.procedures.search().select(["id", "vector"]).limit(count).to_list()
    by_id = {row["id"]: list(row["vector"]) for row in stored}
    for i in range(count):
        procedure = make_procedure(i, rng, now)
        VECTORS.setdefault(embedding_text(procedure), by_id[procedure.id])


def empty_stats(procedure_id: str, namespace: str) -> dict[str, Any]:
    return {
        "id": procedure_id,
        "namespace": namespace,
        "successes": 0,
        "failures": 0,
        "recent_successes": 0.0,
        "recent_failures": 0.0,
        "last_rated_at": None,
    }


def flush(runtime: Runtime, rows: list[dict[str, Any]], stats_rows: list[dict[str, Any]]) -> None:
    if rows:
        runtime.db.procedures.add(rows)
        runtime.db.stats.add(stats_rows)
        rows.clear()
        stats_rows.clear()


def timed(fn: Any, queries: list[str]) -> list[float]:
    out = []
    for query in queries:
        t0 = time.perf_counter()
        fn(query)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run(count: int, queries: int, home: Path, ann_min_rows: int) -> dict[str, Any]:
    print(f"\n{count:,} procedures (home {home}, DEFTLY_ANN_MIN_ROWS={ann_min_rows})")
    now = datetime.now(UTC)
    runtime = Runtime(Settings(home=home, ann_min_rows=ann_min_rows), run_worker=False)
    runtime.start()
    runtime.ready()
    store = runtime.store()
    built: dict[str, float] = {}
    if store.count_procedures() != count:
        built = populate(runtime, count, now)
        print(
            f"  populated in {built['populate_s']:.0f} s (embedding {built['embedded_texts']:,.0f} distinct texts: "
            f"{built['embed_s']:.0f} s; maintain {built['maintain_s']:.1f} s)"
        )
    else:
        remember_vectors(runtime, count, now)
        runtime.db.maintain(force=True)  # builds the ANN index if this run's threshold asks for it
    print(f"  ANN index: {runtime.db.has_ann_index}")
    texts = make_queries(queries + 20, random.Random(7))
    embedder = runtime.embedder

    def find(query: str) -> None:
        result = find_procedures(store, embedder, query, now=now, max_results=3)
        assert result.procedures or result.message

    timed(find, texts[:20])  # warm-up
    figures = {"find_procedure": show("  find_procedure (embed + hybrid search + rank)", timed(find, texts[20:]))}
    vectors = [embedder.embed_query(q) for q in texts[20:]]
    figures["embed_query"] = show("  of which: embed_query alone", timed(embedder.embed_query, texts[20:]))
    pairs = iter(vectors)
    figures["vector_search"] = show(
        "  of which: vector_search alone (pool 20)",
        timed(lambda _q: store.vector_search(next(pairs), 20, SearchFilters()), texts[20:]),
    )
    figures["text_search"] = show(
        "  of which: text_search alone (pool 20)",
        timed(lambda q: store.text_search(q.split()[:8], 20, SearchFilters()), texts[20:]),
    )
    verdict = "meets" if figures["find_procedure"]["median"] <= FLOOR_MS else "MISSES"
    print(f"  floor {FLOOR_MS:.0f} ms median: {verdict}")
    ann_index = runtime.db.has_ann_index
    runtime.stop()
    return {"count": count, "ann_index": ann_index, "build": built, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, action="append", help="procedures to store (repeatable)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="keep the stores under DIR (reused when the count matches)")
    parser.add_argument("--ann-min-rows", type=int, default=Settings().ann_min_rows, help="as DEFTLY_ANN_MIN_ROWS")
    args = parser.parse_args()
    print(f"machine: {machine()}; commit {git_commit()}")
    results = []
    for count in args.count or [10_000]:
        base = args.keep or Path(tempfile.mkdtemp())
        try:
            results.append(run(count, args.queries, base / f"store-{count}", args.ann_min_rows))
        finally:
            if args.keep is None:
                shutil.rmtree(base, ignore_errors=True)
    write_result(f"find_procedure-ann{args.ann_min_rows}", {"results": results})


if __name__ == "__main__":
    main()
