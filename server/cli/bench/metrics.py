"""What ``deftly bench`` measures in the procedures learned from a data set's ingested runs.

Coverage, procedures mixing tasks, procedures per task, literal leaks, and which runs (successful,
failed, failed visibly) ended up as a procedure's source. Every figure is computed from the stored
procedures' ``sources`` and the data set's labels, never from deftly's own notion of a task.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from deftly.server.cli.bench.data import Dataset, Run, procedure_tasks
from deftly.tools.models import Procedure
from deftly.tools.values import literal_leaks


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def value(self) -> float:
        return self.part / self.whole if self.whole else 0.0

    def __str__(self) -> str:
        return f"{self.part}/{self.whole} ({self.value:.2f})" if self.whole else "0/0"

    def as_json(self) -> dict[str, float]:
        return {"part": self.part, "whole": self.whole, "share": round(self.value, 4)}


@dataclass
class Quality:
    procedures: int
    coverage_two_successes: Share  # tasks with >= 2 successful ingested runs that are a source
    coverage_one_success: Share
    mixed: list[str] = field(default_factory=list)  # procedures whose sources span >= 2 tasks
    # ... of which span >= 2 of the data set's own task types (tau: the write actions the task expects)
    mixed_types: int = 0
    procedures_per_task: float = 0.0  # over tasks that are the source of >= 1 procedure
    leaking: Share = Share(0, 0)
    leaks: list[str] = field(default_factory=list)
    successful_learned: Share = Share(0, 0)
    failed_learned: Share = Share(0, 0)
    visibly_failed_learned: Share = Share(0, 0)  # failed runs whose trace shows the failure
    failed_runs_learned: list[str] = field(default_factory=list)


def quality(dataset: Dataset, procedures: list[Procedure]) -> Quality:
    runs = {run.run_id: run for run in dataset.runs}
    sources = {p.id: [runs[s] for s in p.sources if s in runs] for p in procedures}
    learned = {run.run_id for found in sources.values() for run in found}
    per_task: dict[str, float] = defaultdict(float)
    for found in sources.values():
        tasks = procedure_tasks(found)
        for task in tasks:  # a second request's procedure with one source may be of either task: half each
            per_task[task] += 1 / len(tasks) if _shared(found) else 1
    result = Quality(
        procedures=len(procedures),
        coverage_two_successes=_coverage(dataset.runs, per_task, 2),
        coverage_one_success=_coverage(dataset.runs, per_task, 1),
        mixed=[_mixed(p, sources[p.id]) for p in procedures if not _shared(sources[p.id])],
        procedures_per_task=sum(per_task.values()) / len(per_task) if per_task else 0.0,
        mixed_types=sum(len({r.task_type for r in sources[p.id] if r.task_type}) >= 2 for p in procedures),
    )
    leaks = [_leak(p, sources[p.id]) for p in procedures]
    result.leaks = [leak for leak in leaks if leak]
    result.leaking = Share(len(result.leaks), len(procedures))
    successful = [r for r in dataset.runs if r.success]
    failed = [r for r in dataset.runs if r.success is False]
    visibly = [r for r in failed if r.failure_signs]
    result.successful_learned = Share(sum(r.run_id in learned for r in successful), len(successful))
    result.failed_learned = Share(sum(r.run_id in learned for r in failed), len(failed))
    result.visibly_failed_learned = Share(sum(r.run_id in learned for r in visibly), len(visibly))
    result.failed_runs_learned = [
        f"{r.run_id} [task {r.task}] {'; '.join(r.failure_signs) or 'no failure sign in the trace'} -> "
        + "; ".join(repr(p.title) for p in procedures if r in sources[p.id])
        for r in failed
        if r.run_id in learned
    ]
    return result


def _shared(sources: list[Run]) -> bool:
    """Every source run holds one task in common (its first request's, or a later one's)."""
    return not sources or bool(set.intersection(*(set(run.tasks) for run in sources)))


def _coverage(runs: list[Run], per_task: dict[str, float], successes: int) -> Share:
    count: dict[str, int] = defaultdict(int)
    for run in runs:
        count[run.task] += bool(run.success)
    eligible = [task for task, n in count.items() if n >= successes]
    return Share(sum(per_task.get(task, 0) > 0 for task in eligible), len(eligible))


def _mixed(procedure: Procedure, sources: list[Run]) -> str:
    tasks = sorted({f"{r.task} ({r.task_type})" if r.task_type else r.task for r in sources})
    return f"{procedure.title!r} <- tasks {', '.join(tasks)}"


def _leak(procedure: Procedure, sources: list[Run]) -> str:
    literals = sorted(set().union(*(run.literals for run in sources))) if sources else []
    where: dict[str, list[str]] = {}
    for part, text in procedure_parts(procedure).items():
        for value in literal_leaks(text, literals):
            if f"#{value}" not in literals or not literal_leaks(text, [f"#{value}"]):
                where.setdefault(value, []).append(part)
    found = [f"{value!r} in {'/'.join(parts)}" for value, parts in list(where.items())[:5]]
    return f"{procedure.title!r}: {', '.join(found)}" if found else ""


def procedure_parts(procedure: Procedure) -> dict[str, str]:
    """The parts of a procedure an agent reads as instructions: title, when to use, examples, steps."""
    steps = []
    for step in procedure.steps:
        steps += [step.action, step.decision or "", json.dumps(step.arguments, default=str, ensure_ascii=False)]
    return {
        "title": procedure.title,
        "when_to_use": procedure.when_to_use,
        "examples": "\n".join(procedure.examples),
        "steps": "\n".join(steps),
    }
