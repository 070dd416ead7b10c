"""Extraction floors on the tau-bench airline development set (issue 4).

    python bench/extraction.py [--dataset ../shared/datasets/tau_bench_airline] [--show 3]

Ingests the 84 successful (reward 1) trajectories end to end (record_trace ->
worker: extract, merge, embed, store) into a fresh temporary DEFTLY_HOME with
the offline extractor, then checks every stored procedure against its source
traces:

* literal leaks: user ids, reservation ids, flight numbers, person names,
  emails and dates taken from the source traces must not appear anywhere in the
  procedure (title, when-to-use, examples, steps, pitfalls);
* failed calls as steps: every step's tool must have succeeded at least once in
  a source trace of that procedure;
* task types: procedures per task type of the dataset README, and procedures
  mixing types (see TYPE PURITY below);
* throughput: traces per second from the first record_trace to the last
  extraction, including parsing, scrubbing, embedding and storage.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deftly.server.background.embedding import FastEmbedder
from deftly.server.background.worker import ExtractionWorker
from deftly.server.hosts.ingest import RECORD_BATCH
from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools import secrets
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.tools_kind import is_read_only
from deftly.tools.models import Procedure
from deftly.tools.record_trace import RecordRequest, record_many
from deftly.tools.render import render_markdown

DEFAULT_DATASET = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "tau_bench_airline"
WRITE_TOOLS = {
    "book_reservation",
    "cancel_reservation",
    "update_reservation_flights",
    "update_reservation_baggages",
    "update_reservation_passengers",
    "send_certificate",
    "transfer_to_human_agents",
}
RESERVATION_ID = re.compile(r'"reservation_id":\s*"([A-Z0-9]{6})"')
FLIGHT = re.compile(r"\bHAT\d{3}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
NAME = re.compile(r'"(?:first_name|last_name)":\s*"([^"]+)"')


def load(dataset: Path) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    trajectories = json.loads((dataset / "gpt-4o-airline.json").read_text())
    index = {row["index"]: row for row in map(json.loads, (dataset / "index.jsonl").read_text().splitlines())}
    return trajectories, index


def literals_of(trajectory: dict[str, Any]) -> set[str]:
    """The instance values of one trajectory that no procedure may contain."""
    text = json.dumps(trajectory["traj"])
    found = {trajectory["info"]["task"]["user_id"]}
    found |= set(RESERVATION_ID.findall(text)) | set(FLIGHT.findall(text))
    found |= set(EMAIL.findall(text)) | set(ISO_DATE.findall(text))
    found |= {name for name in NAME.findall(text) if len(name) >= 2}
    for message in trajectory["traj"]:
        if message["role"] == "user":
            found |= set(re.findall(r"\b[A-Z0-9]{6}\b", message["content"] or "")) - {"STOP"}
    return found


def procedure_text(procedure: Procedure) -> str:
    return "\n".join([render_markdown(procedure), procedure.when_to_use, *procedure.examples, *procedure.pitfalls])


def leaked(text: str, literals: set[str]) -> list[str]:
    hits = []
    for literal in literals:
        flags = 0 if len(literal) < 4 else re.IGNORECASE
        if re.search(rf"(?<![\w{{]){re.escape(literal)}(?![\w}}])", text, flags):
            hits.append(literal)
    return hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--show", type=int, default=3, help="procedures to print verbatim")
    args = parser.parse_args()
    trajectories, index = load(args.dataset)
    chosen = [(i, t) for i, t in enumerate(trajectories) if t["reward"] == 1.0]

    embedder = FastEmbedder()
    embedder.embed_query("warm up")
    secrets.warm()  # as a serving process does when it opens (deftly.server.runtime)
    with tempfile.TemporaryDirectory() as home:
        db = Database(Path(home) / "lancedb", dimensions=embedder.dimensions, embedding_model=embedder.model_name)
        store = LanceStore(db, "default")
        worker = ExtractionWorker(db, embedder, HeuristicExtractor, lock_path=Path(home) / "worker.lock")
        now = datetime.now(UTC)
        started = time.perf_counter()
        requests = [RecordRequest(json.dumps(t["traj"]), session_id=f"tau-{i:03d}") for i, t in chosen]
        for start in range(0, len(requests), RECORD_BATCH):
            record_many(store, requests[start : start + RECORD_BATCH], now=now)
        recorded = time.perf_counter()
        worker.run_once()
        finished = time.perf_counter()
        worker.stop()
        procedures = store.list_procedures(10_000)
        statuses = store.trace_counts()

    elapsed = finished - started
    print(f"traces: {len(chosen)} successful trajectories; statuses: {statuses}")
    print(
        f"throughput: {len(chosen) / elapsed:.1f} traces/s end to end ({elapsed:.2f} s: record "
        f"{recorded - started:.2f} s, extract+embed+store {finished - recorded:.2f} s)  [floor >= 50]"
    )
    report(procedures, dict(chosen), index, args.show)
    return 0


def report(procedures: list[Procedure], by_index: dict[int, dict[str, Any]], index: dict[int, Any], show: int) -> None:
    source_index = {p.id: [int(s.split("-")[1]) for s in p.sources] for p in procedures}
    leaks = {}
    failed_steps = []
    for procedure in procedures:
        sources = source_index[procedure.id]
        literals = set().union(*(literals_of(by_index[i]) for i in sources))
        hits = leaked(procedure_text(procedure), literals)
        if hits:
            leaks[procedure.id] = hits
        succeeded = set().union(*(_succeeded_tools(by_index[i]) for i in sources))
        failed_steps += [(procedure.id, s.tool) for s in procedure.steps if s.tool and s.tool not in succeeded]
    print(f"procedures: {len(procedures)}")
    print(f"literal leaks: {sum(len(v) for v in leaks.values())} in {len(leaks)} procedures  [floor 0]")
    for pid, hits in leaks.items():
        print(f"   {pid}: {sorted(hits)[:8]}")
    print(f"failed calls rendered as steps: {len(failed_steps)}  [floor 0] {failed_steps[:5]}")
    types_report(procedures, source_index, index)
    for procedure in sorted(procedures, key=lambda p: -len(p.sources))[:show]:
        print(f"\n--- {procedure.id} (learned from {len(procedure.sources)} sessions, version {procedure.version})")
        print(render_markdown(procedure))


def _succeeded_tools(trajectory: dict[str, Any]) -> set[str]:
    names = {}
    ok = set()
    for message in trajectory["traj"]:
        for call in message.get("tool_calls") or []:
            names[call["id"]] = call["function"]["name"]
        if message["role"] == "tool" and not (message["content"] or "").startswith("Error"):
            ok.add(names.get(message["tool_call_id"], ""))
    return ok


def types_report(procedures: list[Procedure], source_index: dict[str, list[int]], index: dict[int, Any]) -> None:
    """TYPE PURITY: a procedure mixes task types when it performs a write that one of its source
    sessions' task type does not include (its steps came from another kind of task). Strict: its
    sources span more than one README task type."""
    per_type: dict[str, set[str]] = defaultdict(set)
    mixing, strict_mixing = [], []
    for procedure in procedures:
        sources = source_index[procedure.id]
        types = {index[i]["task_type_from_gt_actions"] for i in sources}
        for task_type in types:
            per_type[task_type].add(procedure.id)
        writes = {s.tool for s in procedure.steps if s.tool in WRITE_TOOLS or (s.tool and not is_read_only(s.tool))}
        if any(not writes <= set(index[i]["gt_actions"]) | {"transfer_to_human_agents"} for i in sources if writes):
            mixing.append(procedure.id)
        if len(types) > 1:
            strict_mixing.append(procedure.id)
    counts = {t: len(ids) for t, ids in sorted(per_type.items())}
    average = statistics.mean(counts.values()) if counts else 0.0
    print(f"procedures per task type: average {average:.2f} over {len(counts)} types  [floor <= 1.5]")
    for task_type, count in counts.items():
        print(f"   {count:2d}  {task_type}")
    print(f"procedures mixing task types (a write their source's type lacks): {len(mixing)}  [floor 0] {mixing}")
    print(f"   strict: sources spanning >1 README type: {len(strict_mixing)} {strict_mixing}")


if __name__ == "__main__":
    sys.exit(main())
