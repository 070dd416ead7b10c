"""Trace-format floors (issue 3): tau-bench pairing and failures, 10 MB Claude Code speed, detection matrix.

Run from the repository root:

    python bench/parse_formats.py [--tau-bench DIR] [--megabytes 10] [--runs 5]

Prints Markdown tables (pasted into BENCHMARKS.md) and exits non-zero when a floor is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deftly.tools.formats import parse_history
from deftly.tools.formats.document import load_document
from deftly.tools.formats.registry import detection

ROOT = Path(__file__).resolve().parents[1]
TAU_BENCH = ROOT.parent / "shared" / "datasets" / "tau_bench_airline"
FIXTURES = ROOT / "tests" / "formats" / "fixtures"
WRAPPINGS = ("as sent", "bare array", '{"messages": [...]}', "JSONL")


# --- tau-bench -------------------------------------------------------------------------------------------------


@dataclass
class TauCounts:
    trajectories: int = 0
    parsed: int = 0
    raw_tool_results: int = 0
    raw_error_results: int = 0
    tool_calls: int = 0
    paired: int = 0
    failed: int = 0
    failed_and_error_text: int = 0
    seconds: float = 0.0

    def floor_met(self) -> bool:
        return (
            self.parsed == self.trajectories
            and self.paired == self.tool_calls == self.raw_tool_results
            and self.failed == self.failed_and_error_text == self.raw_error_results
        )


def tau_bench(directory: Path) -> TauCounts:
    trajectories = json.loads((directory / "gpt-4o-airline.json").read_text(encoding="utf-8"))
    counts = TauCounts(trajectories=len(trajectories))
    for trajectory in trajectories:
        tool_messages = [m for m in trajectory["traj"] if m.get("role") == "tool"]
        counts.raw_tool_results += len(tool_messages)
        counts.raw_error_results += sum(str(m.get("content", "")).startswith("Error:") for m in tool_messages)
        started = time.perf_counter()
        trace = parse_history(trajectory)  # the whole record: the parser unwraps "traj" itself
        counts.seconds += time.perf_counter() - started
        counts.parsed += 1
        for call in trace.tool_calls:
            counts.tool_calls += 1
            counts.paired += call.result is not None
            if call.result is not None and call.result.failed:
                counts.failed += 1
                counts.failed_and_error_text += call.result.content.startswith("Error:")
    return counts


def print_tau(counts: TauCounts) -> None:
    print("### tau-bench airline (200 GPT-4o trajectories, OpenAI Chat format)\n")
    print("| measure | value | floor |")
    print("|---|---|---|")
    print(f"| trajectories parsed | {counts.parsed} / {counts.trajectories} | all |")
    print(f"| tool calls (tool messages in the file) | {counts.tool_calls} ({counts.raw_tool_results}) | — |")
    print(f"| tool calls paired with their result | {counts.paired} / {counts.tool_calls} | all |")
    print(f"| `Error:` results in the file | {counts.raw_error_results} | 73 |")
    failed = f"{counts.failed} ({counts.failed_and_error_text})"
    print(f"| calls marked failed (of which `Error:` results) | {failed} | 73 (73) |")
    print(f"| parse time, all 200 | {counts.seconds * 1000:.0f} ms | — |")
    print()


# --- Claude Code speed -----------------------------------------------------------------------------------------


def claude_code_transcript(megabytes: float, output_chars: tuple[int, int] = (300, 4000), seed: int = 7) -> str:
    """A synthetic Claude Code session of at least ``megabytes``: prompts, split messages, thinking, tools, errors.

    ``output_chars`` bounds each tool output: large outputs make few long lines, small ones many short lines
    (the harder case, since the cost is per line).
    """
    rng = random.Random(seed)
    lines: list[str] = [json.dumps({"type": "summary", "summary": "Synthetic benchmark session", "leafUuid": "x"})]
    target = int(megabytes * 1024 * 1024)
    size = len(lines[0])
    for line in _session_lines(rng, output_chars):
        encoded = json.dumps(line)
        lines.append(encoded)
        size += len(encoded) + 1
        if size >= target:
            break
    return "\n".join(lines)


def _session_lines(rng: random.Random, output_chars: tuple[int, int]) -> Iterator[dict[str, Any]]:
    envelope = {"isSidechain": False, "userType": "external", "cwd": "/work/app", "sessionId": "bench-session"}
    envelope |= {"version": "2.1.92", "gitBranch": "main"}
    parent: str | None = None
    counter = 0

    def line(kind: str, message: dict[str, Any], **extra: Any) -> dict[str, Any]:
        nonlocal parent, counter
        counter += 1
        uuid = f"u{counter}"
        entry = {"parentUuid": parent, **envelope, "type": kind, "message": message, "uuid": uuid}
        entry |= {"timestamp": f"2026-01-01T00:00:{counter % 60:02d}.000Z", **extra}
        parent = uuid
        return entry

    tools = ("Bash", "Read", "Edit", "Grep", "Glob")
    while True:
        yield line("user", {"role": "user", "content": f"Task {counter}: make the importer accept {rng.random():.6f}."})
        for step in range(rng.randint(3, 8)):
            message_id = f"msg_{counter}_{step}"
            thinking = {"type": "thinking", "thinking": "Plan the next step. " * rng.randint(2, 20), "signature": "s"}
            yield line("assistant", {"id": message_id, "role": "assistant", "content": [thinking]})
            call_id = f"toolu_{counter}_{step}"
            tool = rng.choice(tools)
            call = {
                "type": "tool_use",
                "id": call_id,
                "name": tool,
                "input": {"command": f"run {step}", "path": "src/x.py"},
            }
            yield line("assistant", {"id": message_id, "role": "assistant", "content": [call]})
            yield _tool_result(line, rng, call_id, output_chars)
        yield line(
            "assistant",
            {"id": f"msg_{counter}_end", "role": "assistant", "content": [{"type": "text", "text": "Done."}]},
        )


def _tool_result(line: Any, rng: random.Random, call_id: str, output_chars: tuple[int, int]) -> dict[str, Any]:
    output = "".join(rng.choice("abcdefghij \n") for _ in range(rng.randint(*output_chars)))
    if rng.random() < 0.1:
        block = {
            "type": "tool_result",
            "tool_use_id": call_id,
            "content": "<tool_use_error>boom</tool_use_error>",
            "is_error": True,
        }
        return line("user", {"role": "user", "content": [block]}, toolUseResult="Error: boom")  # type: ignore[no-any-return]
    block = {"type": "tool_result", "tool_use_id": call_id, "content": output, "is_error": False}
    return line("user", {"role": "user", "content": [block]}, toolUseResult={"stdout": output, "stderr": ""})  # type: ignore[no-any-return]


@dataclass
class SpeedResult:
    shape: str
    megabytes: float
    lines: int
    tool_calls: int
    failed: int
    timings: list[float]
    cpu_timings: list[float]

    @property
    def best(self) -> float:
        return min(self.timings)

    def floor_met(self) -> bool:
        return statistics.median(self.timings) < 1.0


TRANSCRIPT_SHAPES = {"long tool outputs (0.3–4 KB)": (300, 4000), "short lines (15–180 B outputs)": (15, 180)}


def claude_code_speed(megabytes: float, runs: int, shape: str) -> SpeedResult:
    transcript = claude_code_transcript(megabytes, TRANSCRIPT_SHAPES[shape])
    timings, cpu_timings = [], []
    trace = None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        trace = parse_history(transcript)
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu_started)
    assert trace is not None and trace.format == "claude-code"
    counts = trace.counts()
    size = len(transcript.encode("utf-8")) / 1_048_576
    lines = transcript.count("\n") + 1
    return SpeedResult(shape, size, lines, counts["tool_calls"], counts["failed_calls"], timings, cpu_timings)


def print_speed(results: list[SpeedResult]) -> None:
    print("### Claude Code transcript speed (generated in the script, not committed)\n")
    print("| transcript | size | lines | tool calls (failed) | wall time: median (best) | CPU time: best | floor |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        timing = f"{statistics.median(r.timings):.3f} s ({r.best:.3f} s), {len(r.timings)} runs"
        cpu = f"{min(r.cpu_timings):.3f} s"
        print(
            f"| {r.shape} | {r.megabytes:.1f} MB | {r.lines} | {r.tool_calls} ({r.failed}) | {timing} | {cpu} | < 1 s |"
        )
    print()


# --- detection matrix ------------------------------------------------------------------------------------------


def expected_format(fixture: Path) -> str:
    return fixture.name.split("__", 1)[0].replace("_", "-")


def wrapped(fixture: Path) -> list[str]:
    original = fixture.read_text(encoding="utf-8")
    items = load_document(original, max_bytes=50_000_000).items
    return [
        original,
        json.dumps(items),
        json.dumps({"messages": items}),
        "\n".join(json.dumps(item) for item in items),
    ]


def detection_matrix() -> list[tuple[str, str, list[str]]]:
    rows = []
    for fixture in sorted(FIXTURES.glob("*.json*")):
        found = [detection(load_document(history, max_bytes=50_000_000)).format.name for history in wrapped(fixture)]
        rows.append((fixture.name, expected_format(fixture), found))
    return rows


def print_matrix(rows: list[tuple[str, str, list[str]]]) -> None:
    print("### Detection on every fixture and every container shape\n")
    print("| fixture | expected | " + " | ".join(WRAPPINGS) + " |")
    print("|---|---|" + "---|" * len(WRAPPINGS))
    for name, expected, found in rows:
        cells = ["✓" if f == expected else f"✗ {f}" for f in found]
        print(f"| `{name}` | {expected} | " + " | ".join(cells) + " |")
    right = sum(f == expected for _, expected, found in rows for f in found)
    print(f"\n{right} / {len(rows) * len(WRAPPINGS)} detections correct.\n")


def machine() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load} at start"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tau-bench", type=Path, default=TAU_BENCH, help="folder holding gpt-4o-airline.json")
    parser.add_argument("--megabytes", type=float, default=10.0, help="size of the generated Claude Code transcript")
    parser.add_argument("--runs", type=int, default=5, help="timed parses of the transcript")
    options = parser.parse_args()

    print(f"Measured with {machine()}.\n")
    floors_met = []
    if (options.tau_bench / "gpt-4o-airline.json").exists():
        tau = tau_bench(options.tau_bench)
        print_tau(tau)
        floors_met.append(tau.floor_met())
    else:
        print(f"tau-bench data not found in {options.tau_bench}; pass --tau-bench DIR.\n")
        floors_met.append(False)
    speeds = [claude_code_speed(options.megabytes, options.runs, shape) for shape in TRANSCRIPT_SHAPES]
    print_speed(speeds)
    floors_met.extend(speed.floor_met() for speed in speeds)
    rows = detection_matrix()
    print_matrix(rows)
    floors_met.append(all(f == expected for _, expected, found in rows for f in found))
    print("All floors met." if all(floors_met) else "A floor was missed.")
    return 0 if all(floors_met) else 1


if __name__ == "__main__":
    sys.exit(main())
