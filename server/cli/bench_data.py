"""Labelled retrieval datasets for ``deftly bench``: the tau-bench airline split, and a generic JSONL.

A dataset is a list of traces to ingest (each with a group label) and a list of
held-out queries (each with the group whose procedures would be right).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deftly.tools.errors import InvalidInput

# Task types whose label is a policy outcome (a refusal, a hand-off) rather than a task a procedure
# answers: their requests ask for a cancellation or a change the agent then declined.
POLICY_OUTCOME_TYPES = frozenset({"read_only/no_write", "transfer_to_human_agents"})


@dataclass(frozen=True)
class LabelledTrace:
    session_id: str
    history: str
    group: str


@dataclass(frozen=True)
class Query:
    text: str
    group: str


@dataclass
class Dataset:
    name: str
    traces: list[LabelledTrace] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def tau_bench(directory: Path) -> Dataset:
    """Split by task: per task type, the successful trials of every other task (sorted by id) are
    ingested; the first user message of every trial of the remaining tasks is a query for that type.
    Types with a single task are ingested only; policy-outcome types are ingested but not queried."""
    files = [directory / "gpt-4o-airline.json", directory / "index.jsonl"]
    if not all(file.is_file() for file in files):
        raise InvalidInput(
            f"{directory} is not the tau-bench airline folder: it must hold gpt-4o-airline.json and index.jsonl."
        )
    trajectories = json.loads(files[0].read_text())
    index = [json.loads(line) for line in files[1].read_text().splitlines()]
    tasks: dict[str, set[int]] = defaultdict(set)
    for row in index:
        tasks[row["task_type_from_gt_actions"]].add(row["task_id"])
    dataset = Dataset(name="tau-bench airline (task split)")
    for task_type, ids in sorted(tasks.items()):
        with_success = sorted({r["task_id"] for r in index if r["task_id"] in ids and r["reward"] == 1.0})
        ingest = set(with_success[::2])
        held_out = sorted(ids - ingest) if ingest and len(ids) > 1 else []
        for row, trajectory in zip(index, trajectories, strict=True):
            if row["task_id"] in ingest and row["reward"] == 1.0:
                dataset.traces.append(
                    LabelledTrace(f"tau-{row['index']:03d}", json.dumps(trajectory["traj"]), task_type)
                )
            if row["task_id"] in held_out and task_type not in POLICY_OUTCOME_TYPES:
                dataset.queries.append(Query(_first_user_message(trajectory["traj"]), task_type))
        dataset.notes.append(f"{task_type}: ingest tasks {sorted(ingest)}, query tasks {held_out}")
    return dataset


def _first_user_message(messages: list[dict[str, Any]]) -> str:
    return next(str(m["content"]) for m in messages if m.get("role") == "user")


def jsonl(path: Path) -> Dataset:
    """Lines of ``{"trace_file", "query", "expected_group"}``: a line with ``trace_file`` ingests that
    file labelled with ``expected_group``; a line with ``query`` asks it, expecting that group. A line
    may have both. Relative paths are resolved against the JSONL file's folder."""
    dataset = Dataset(name=path.name)
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            group = str(item["expected_group"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(
                f"{path}:{number}: expected a JSON object with 'expected_group' and 'trace_file' and/or 'query'"
            ) from exc
        if item.get("trace_file"):
            trace_path = (path.parent / item["trace_file"]).resolve()
            if not trace_path.is_file():
                raise InvalidInput(
                    f"{path}:{number}: no trace file {trace_path} (trace_file is relative to the JSONL file's folder)"
                )
            dataset.traces.append(LabelledTrace(trace_path.stem, trace_path.read_text(), group))
        if item.get("query"):
            dataset.queries.append(Query(str(item["query"]), group))
    if not dataset.traces or not dataset.queries:
        raise InvalidInput(f"{path}: needs at least one line with trace_file and one with query.")
    return dataset
