"""``deftly bench``'s output: one column per data set, as a table or as JSON."""

from __future__ import annotations

from typing import Any

from deftly.server.cli.bench.metrics import Share
from deftly.server.cli.bench.retrieval import TOP_K, ArmScore, BenchReport

LABEL = 44
CELL = 34


def format_reports(reports: list[BenchReport], verbose: bool = False) -> str:
    lines = [_row("", [r.dataset for r in reports]), ""]
    lines += _counts(reports)
    lines += [
        "",
        _row(f"retrieval, queries of ingested tasks (top {TOP_K})", ["Hit@1 Hit@3 MRR@5  p50ms  p95ms"] * len(reports)),
    ]
    for index, arm in enumerate(reports[0].arms):
        lines.append(_row(f"  {arm.name}", [_arm_cell(r.arms[index]) for r in reports]))
    lines.append(_row("Hit@3, task with / without a successful run", [_split_header(r) for r in reports]))
    for index, arm in enumerate(reports[0].arms):
        lines.append(_row(f"  {arm.name}", [_split_cell(r, r.arms[index]) for r in reports]))
    lines += ["", *_quality(reports)]
    for report in reports:
        lines += ["", f"{report.dataset}:", *(f"  split: {note}" for note in report.notes)]
        if verbose:
            lines += _details(report)
    return "\n".join(lines)


def _counts(reports: list[BenchReport]) -> list[str]:
    return [
        _row("runs ingested (successful / failed)", [_runs(r) for r in reports]),
        _row("trace statuses after extraction", [_statuses(r) for r in reports]),
        _row("procedures", [str(r.quality.procedures) for r in reports]),
        _row("ingest end to end", [f"{r.ingest_seconds:.1f} s, {r.runs_per_second:.1f} runs/s" for r in reports]),
        _row("queries: ingested tasks / novel tasks", [f"{r.queries} / {r.novel_queries}" for r in reports]),
        _row("queries word for word an ingested request", [str(r.identical_queries) for r in reports]),
    ]


def _quality(reports: list[BenchReport]) -> list[str]:
    rows: list[tuple[str, list[str]]] = [
        ("coverage: tasks with >= 2 successes learned", [str(r.quality.coverage_two_successes) for r in reports]),
        ("coverage: tasks with >= 1 success learned", [str(r.quality.coverage_one_success) for r in reports]),
        (
            "mixed procedures (sources of >= 2 tasks)",
            [str(Share(len(r.quality.mixed), r.quality.procedures)) for r in reports],
        ),
        (
            "  of them mixing the data set's task types",
            [str(Share(r.quality.mixed_types, r.quality.procedures)) for r in reports],
        ),
        ("procedures per task (tasks with any)", [f"{r.quality.procedures_per_task:.2f}" for r in reports]),
        ("procedures leaking a source's literal", [str(r.quality.leaking) for r in reports]),
        ("successful runs that are a source", [str(r.quality.successful_learned) for r in reports]),
        ("failed runs that are a source", [str(r.quality.failed_learned) for r in reports]),
        ("  of them failing visibly in the trace", [str(r.quality.visibly_failed_learned) for r in reports]),
        ("novel requests answered with nothing", [str(r.novel_unanswered) for r in reports]),
    ]
    return [_row(label, cells) for label, cells in rows]


def _details(report: BenchReport) -> list[str]:
    sections = [
        ("deftly misses at 3 (query -> top 3 with their sources' tasks)", report.misses),
        ("novel requests deftly answered", report.novel_answered),
        ("mixed procedures", report.quality.mixed),
        ("procedures leaking literals", report.quality.leaks),
        ("failed runs learned", report.quality.failed_runs_learned),
    ]
    lines = []
    for title, items in sections:
        lines += [f"  {title}: {len(items)}", *(f"    {item}" for item in items)]
    return lines


def _row(label: str, cells: list[str]) -> str:
    return f"{label:{LABEL}}" + "".join(f"{cell:>{CELL}}" for cell in cells)


def _arm_cell(arm: ArmScore) -> str:
    return (
        f"{arm.hit_at(1):5.3f} {arm.hit_at(3):5.3f} {arm.mrr():5.3f} {arm.latency(0.5):6.1f} {arm.latency(0.95):6.1f}"
    )


def _split_header(report: BenchReport) -> str:
    with_success = sum(report.with_success)
    return f"(n={with_success} / n={len(report.with_success) - with_success})"


def _split_cell(report: BenchReport, arm: ArmScore) -> str:
    with_, without = _subset_hits(report, arm)
    return f"{_or_na(with_)} / {_or_na(without)}"


def _subset_hits(report: BenchReport, arm: ArmScore) -> tuple[float | None, float | None]:
    """Hit@3 over the queries whose task has a successful ingested run, and over the others (None: no query)."""
    without = [not s for s in report.with_success]
    return (
        arm.hit_at(3, report.with_success) if any(report.with_success) else None,
        arm.hit_at(3, without) if any(without) else None,
    )


def _or_na(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def _runs(report: BenchReport) -> str:
    learned = report.quality
    return f"{report.runs} ({learned.successful_learned.whole} / {learned.failed_learned.whole})"


def _statuses(report: BenchReport) -> str:
    return ", ".join(f"{status} {count}" for status, count in sorted(report.trace_statuses.items()) if count)


def as_json(reports: list[BenchReport]) -> list[dict[str, Any]]:
    return [_json(report) for report in reports]


def _json(report: BenchReport) -> dict[str, Any]:
    quality = report.quality
    return {
        "dataset": report.dataset,
        "runs": report.runs,
        "trace_statuses": report.trace_statuses,
        "procedures": quality.procedures,
        "ingest_seconds": round(report.ingest_seconds, 3),
        "runs_per_second": round(report.runs_per_second, 3),
        "queries": report.queries,
        "novel_queries": report.novel_queries,
        "identical_queries": report.identical_queries,
        "arms": {
            arm.name: {
                "hit@1": round(arm.hit_at(1), 4),
                "hit@3": round(arm.hit_at(3), 4),
                f"mrr@{TOP_K}": round(arm.mrr(), 4),
                "hit@3_task_with_success": _subset_hits(report, arm)[0],
                "hit@3_task_without_success": _subset_hits(report, arm)[1],
                "p50_ms": round(arm.latency(0.5), 2),
                "p95_ms": round(arm.latency(0.95), 2),
            }
            for arm in report.arms
        },
        "queries_task_with_success": sum(report.with_success),
        "coverage_two_successes": quality.coverage_two_successes.as_json(),
        "coverage_one_success": quality.coverage_one_success.as_json(),
        "mixed_procedures": quality.mixed,
        "mixed_task_types": quality.mixed_types,
        "procedures_per_task": round(quality.procedures_per_task, 4),
        "leaking": quality.leaking.as_json(),
        "leaks": quality.leaks,
        "successful_runs_learned": quality.successful_learned.as_json(),
        "failed_runs_learned": quality.failed_learned.as_json(),
        "visibly_failed_runs_learned": quality.visibly_failed_learned.as_json(),
        "failed_runs_learned_list": quality.failed_runs_learned,
        "novel_unanswered": report.novel_unanswered.as_json(),
        "novel_answered": report.novel_answered,
        "misses_at_3": report.misses,
        "notes": report.notes,
    }
