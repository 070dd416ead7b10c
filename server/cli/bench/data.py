"""The data sets of ``deftly bench``, split by the leave-runs-out protocol.

Every run is labelled with its task (what was asked), never with the tools it used. Some tasks are never
ingested: their requests are novel queries. Of every other task, some runs are ingested (successful and
failed alike, without their outcome) and the first request of its other runs is a query, whose right
answers are the procedures learned from that task's ingested runs.

- tau-bench airline: every 5th task in task-id order is never ingested; trials 0 and 1 of the others are
  ingested and trials 2 and 3 are queries.
- tau2 retail: the tasks run by the toolorchestra agent only are never ingested; of the others the
  gpt-4.1 and ft-gpt-4.1-sft runs are ingested and the toolorchestra run is the query.
- a JSONL of the user's own: lines with a trace file are ingested, lines with a query are queries;
  a query of a task without ingested runs is novel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from deftly.server.cli.bench.transcript import (
    failure_signs,
    first_user_message,
    from_history,
    from_openai,
    record_literals,
    run_literals,
)
from deftly.tools.errors import InvalidInput

AIRLINE_FOLDER = "tau_bench_airline"
RETAIL_FOLDER = "tau2_retail"
AIRLINE_NOVEL_EVERY = 5
AIRLINE_INGESTED_TRIALS = frozenset({0, 1})
RETAIL_QUERY_RUN = "toolorchestra"
Role = Literal["ingest", "query", "novel"]


@dataclass(frozen=True)
class Run:
    """An ingested run. ``success`` is kept for scoring only: deftly is never told."""

    run_id: str
    task: str
    history: str
    success: bool | None
    literals: frozenset[str] = frozenset()
    failure_signs: tuple[str, ...] = ()
    task_type: str = ""
    also: tuple[str, ...] = ()  # the tasks of the session's later requests, when it holds more than one

    @property
    def tasks(self) -> frozenset[str]:
        return frozenset({self.task, *self.also})


def procedure_tasks(sources: list[Run]) -> set[str]:
    """The tasks a procedure is of: those all its source runs hold (a session's second request is the source
    of that task's procedure, not a mix), else each source's own first task."""
    shared = set.intersection(*(set(run.tasks) for run in sources)) if sources else set()
    return shared or {run.task for run in sources}


@dataclass(frozen=True)
class Query:
    text: str
    task: str
    run_id: str
    novel: bool  # the task was never ingested
    task_type: str = ""


@dataclass
class Dataset:
    name: str
    runs: list[Run] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Item:
    """One run of a data set before the split."""

    run_id: str
    task: str
    messages: list[dict[str, Any]]
    success: bool
    request: str
    task_type: str
    record_literals: frozenset[str]


def find(directory: Path) -> list[Dataset]:
    """Both dev data sets, from the folder that holds their two folders."""
    return [airline(directory / AIRLINE_FOLDER), retail(directory / RETAIL_FOLDER)]


def airline(directory: Path) -> Dataset:
    trajectories_file, index_file = _require(directory, "gpt-4o-airline.json", "index.jsonl")
    trajectories = json.loads(trajectories_file.read_text())
    index = _jsonl(index_file)
    tasks = sorted({row["task_id"] for row in index})
    never = {str(task) for task in tasks[::AIRLINE_NOVEL_EVERY]}
    items, roles = [], []
    for row, record in zip(index, trajectories, strict=True):
        task = str(record["task_id"])
        info = record.get("info", {}).get("task", {})
        messages = record["traj"]
        items.append(
            _Item(
                f"airline-{task}-{record['trial']}",
                task,
                messages,
                record["reward"] == 1.0,
                first_user_message(messages),
                str(row.get("task_type_from_gt_actions", "")),
                frozenset(record_literals([str(info.get("instruction", ""))], info)),
            )
        )
        roles.append(_role(task in never, record["trial"] in AIRLINE_INGESTED_TRIALS))
    dataset = _split("airline (tau-bench)", items, roles)
    dataset.notes.append(
        f"never ingested: tasks {sorted(never, key=int)}; others: trials 0, 1 ingested, trials 2, 3 asked"
    )
    return dataset


def retail(directory: Path) -> Dataset:
    traces_file, index_file = _require(directory, "tau2_retail_traces.json", "index.jsonl")
    traces = {record["trace_id"]: record for record in json.loads(traces_file.read_text())}
    index = _jsonl(index_file)
    ingested_tasks = {row["task_key"] for row in index if row["run"] != RETAIL_QUERY_RUN}
    items, roles = [], []
    for row in index:
        record = traces[row["id"]]
        task = str(row["task_key"])
        spec = record.get("task", {})
        instructions = spec.get("user_instructions") or {}
        items.append(
            _Item(
                f"retail-{row['id']}",
                task,
                record["messages"],
                bool(row["success"]),
                str(row["first_user_request"]),
                str(row.get("task_type", "")),
                frozenset(record_literals([str(instructions.get("known_info") or "")], spec.get("gt_actions"))),
            )
        )
        roles.append(_role(row["task_key"] not in ingested_tasks, row["run"] != RETAIL_QUERY_RUN))
    dataset = _split("retail (tau2)", items, roles)
    dataset.notes.append(
        f"never ingested: the {RETAIL_QUERY_RUN}-only tasks; others: gpt-4.1 and ft-gpt-4.1-sft runs ingested, "
        f"the {RETAIL_QUERY_RUN} run asked"
    )
    return dataset


def _role(never_ingested: bool, ingested_run: bool) -> Role:
    if never_ingested:
        return "novel"
    return "ingest" if ingested_run else "query"


def _split(name: str, items: list[_Item], roles: list[Role]) -> Dataset:
    dataset = Dataset(name)
    for item, role in zip(items, roles, strict=True):
        if role == "ingest":
            transcript = from_openai(item.messages)
            dataset.runs.append(
                Run(
                    item.run_id,
                    item.task,
                    json.dumps(item.messages),
                    item.success,
                    frozenset(run_literals(transcript)) | item.record_literals,
                    tuple(failure_signs(transcript)),
                    item.task_type,
                )
            )
        else:
            dataset.queries.append(Query(item.request, item.task, item.run_id, role == "novel", item.task_type))
    return dataset


def _require(directory: Path, *names: str) -> list[Path]:
    files = [directory / name for name in names]
    missing = [file for file in files if not file.is_file()]
    if missing:
        raise InvalidInput(f"{directory} must hold {' and '.join(names)}: missing {', '.join(map(str, missing))}")
    return files


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def jsonl(path: Path) -> Dataset:
    """Lines of ``{"trace_file", "query", "task", "success", "also"}``: a line with ``trace_file`` ingests that
    file as a run of ``task`` (``success`` is optional and only scored; ``also`` lists the tasks of the
    session's later requests); a line with ``query`` asks it as a request of ``task``. ``expected_group`` is
    read as ``task``. Relative paths are resolved against the JSONL file's folder."""
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    dataset = Dataset(name=path.name)
    asked: list[tuple[str, str, int]] = []
    for number, item in _lines(path):
        task = str(item.get("task", item.get("expected_group")))
        if item.get("trace_file"):
            dataset.runs.append(_user_run(path, number, item, task, {r.run_id for r in dataset.runs}))
        if item.get("query"):
            asked.append((str(item["query"]), task, number))
    ingested = {run.task for run in dataset.runs}
    dataset.queries = [Query(text, task, f"{path.name}:{n}", task not in ingested) for text, task, n in asked]
    if not dataset.runs or not dataset.queries:
        raise InvalidInput(f"{path}: needs at least one line with trace_file and one with query.")
    return dataset


def _lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    lines = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not ({"task", "expected_group"} & item.keys()):
                raise ValueError("no task")
        except ValueError as exc:
            raise InvalidInput(
                f"{path}:{number}: expected a JSON object with 'task' and 'trace_file' and/or 'query'"
            ) from exc
        lines.append((number, item))
    return lines


def _user_run(path: Path, number: int, item: dict[str, Any], task: str, taken: set[str]) -> Run:
    trace_path = (path.parent / item["trace_file"]).resolve()
    if not trace_path.is_file():
        raise InvalidInput(
            f"{path}:{number}: no trace file {trace_path} (trace_file is relative to the JSONL file's folder)"
        )
    text = trace_path.read_text()
    transcript = from_history(_decoded(text))
    run_id = trace_path.stem if trace_path.stem not in taken else f"{trace_path.stem}-{number}"
    success = item.get("success")
    also = item.get("also") or []
    return Run(
        run_id,
        task,
        text,
        None if success is None else bool(success),
        frozenset(run_literals(transcript)),
        tuple(failure_signs(transcript)),
        also=tuple(str(other) for other in (also if isinstance(also, list) else [also])),
    )


def _decoded(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text  # JSONL and other text formats: the parser reads them
