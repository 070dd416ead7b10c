"""The generators of bench/ write labelled sets deftly can read: the same set for the same seed, every trace
file there and parsed, nearly every run with tool calls (a refusal has none), every unseen request of a task
that has runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from deftly.server.cli.bench import data as bench_data
from deftly.tools.formats import parse_history

BENCH = Path(__file__).resolve().parent.parent / "bench"
GENERATORS = [
    "work_sessions",
    "other_domains",
    "third_domains",
    "fourth_domains",
    "fifth_domains",
    "sixth_domains",
    "seventh_domains",
    "eighth_domains",
]


def _generate(name: str, out: Path) -> Path:
    subprocess.run([sys.executable, str(BENCH / f"{name}.py"), "--out", str(out)], check=True, capture_output=True)
    return out / "sessions.jsonl"


@pytest.mark.parametrize("name", GENERATORS)
def test_a_generator_writes_the_same_readable_set_for_the_same_seed(name: str, tmp_path: Path) -> None:
    first, second = _generate(name, tmp_path / "a"), _generate(name, tmp_path / "b")
    lines = [json.loads(line) for line in first.read_text().splitlines()]
    dataset = bench_data.jsonl(first)

    assert first.read_text() == second.read_text()
    assert len(dataset.runs) == sum("trace_file" in line for line in lines)
    assert {run.task for run in dataset.runs} >= {q.task for q in dataset.queries if not q.novel}
    traces = [parse_history(run.history) for run in dataset.runs]
    assert all(any(t.kind == "message" and t.role == "user" for t in trace.turns) for trace in traces)
    with_calls = [trace for trace in traces if any(turn.kind == "tool_call" for turn in trace.turns)]
    assert len(with_calls) >= 0.9 * len(traces)
