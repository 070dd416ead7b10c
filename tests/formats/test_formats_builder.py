"""Pairing results with calls, the failure heuristic, and the shared value helpers."""

from __future__ import annotations

import gc
import time
from datetime import UTC, datetime

import pytest

from deftly.tools.formats.builder import TraceBuilder, content_text, parse_arguments, to_datetime
from deftly.tools.formats.failures import failure_reason
from deftly.tools.formats.tree import abandoned_ids


def test_results_pair_by_id_whatever_the_order() -> None:
    builder = TraceBuilder("t")
    builder.call("a", {}, "1")
    builder.call("b", {}, "2")
    builder.result("second", "2")
    builder.result("first", "1")

    assert [c.result and c.result.content for c in builder.build().tool_calls] == ["first", "second"]


def test_results_without_ids_pair_by_tool_name_in_order() -> None:
    builder = TraceBuilder("t")
    for tool in ("a", "b", "a"):
        builder.call(tool, {})
    builder.result("a-1", tool="a")
    builder.result("b-1", tool="b")
    builder.result("a-2", tool="a")
    builder.result("extra", tool="a")

    trace = builder.build()
    assert [c.result and c.result.content for c in trace.tool_calls] == ["a-1", "b-1", "a-2"]
    assert trace.notes == ["1 tool results had no matching call and were dropped (a)"]


def test_a_result_with_an_unknown_id_is_not_given_to_another_call() -> None:
    builder = TraceBuilder("t")
    builder.call("read", {}, "known")
    builder.result("orphan", "from-before-compaction", tool="read")

    trace = builder.build()
    assert trace.tool_calls[0].status == "unfinished"
    assert "from-before-compaction" in trace.notes[0]


def test_a_result_with_an_id_pairs_with_a_call_that_had_none() -> None:
    builder = TraceBuilder("t")
    builder.call("search", {})
    builder.result("found", "call_77", tool="search")

    assert builder.build().tool_calls[0].status == "ok"


def test_duplicate_call_ids_stay_distinct() -> None:
    builder = TraceBuilder("t")
    first = builder.call("x", {}, "same")
    second = builder.call("x", {}, "same")

    assert first != second
    builder.result("one", "same")
    builder.result("two", second)
    assert [c.status for c in builder.build().tool_calls] == ["ok", "ok"]


def test_parallel_calls_sharing_an_id_take_their_results_in_order() -> None:
    builder = TraceBuilder("t")
    builder.call("a", {}, "c0")
    builder.call("b", {}, "c0")
    builder.result("for a", "c0")
    builder.result("for b", "c0")

    trace = builder.build()

    assert [(c.tool, c.result and c.result.content) for c in trace.tool_calls] == [("a", "for a"), ("b", "for b")]
    assert trace.notes == []


def test_an_id_made_up_for_a_call_never_takes_a_real_calls_result() -> None:
    builder = TraceBuilder("t")
    builder.call("a", {})  # no id: deftly names it call-1
    builder.call("b", {}, "call-1")
    builder.result("for b", "call-1")

    assert [(c.tool, c.status) for c in builder.build().tool_calls] == [("a", "unfinished"), ("b", "ok")]


def _pair_by_order(calls: int) -> tuple[float, TraceBuilder]:
    builder = TraceBuilder("t")
    gc.disable()  # a collection landing in one size's run would skew the ratio
    try:
        started = time.perf_counter()
        for _ in range(calls):
            builder.call("same_tool", {})
        for _ in range(calls):
            builder.result("ok", tool="same_tool")
        return time.perf_counter() - started, builder
    finally:
        gc.enable()


def test_pairing_by_order_stays_linear() -> None:
    # Sixteen times the calls take about sixteen times as long (measured 16-21x), a quadratic pairing 256x:
    # a ratio with room on both sides, so a loaded machine (which slows both sizes alike) cannot fail it the
    # way an absolute bound did. Best of three for each size.
    small = min(_pair_by_order(2_000)[0] for _ in range(3))
    large, builder = min((_pair_by_order(32_000) for _ in range(3)), key=lambda timed: timed[0])

    assert large < 64 * small
    assert builder.build().counts()["unfinished_calls"] == 0


def test_flags_win_over_text_and_text_decides_without_a_flag() -> None:
    builder = TraceBuilder("t")
    for call_id in "abc":
        builder.call("tool", {}, call_id)
    builder.result("Error: looks bad", "a", failed=False)
    builder.result("all fine", "b", failed=True, source="status")
    builder.result("Error: disk full", "c")

    statuses = [(c.status, c.result and c.result.error_source) for c in builder.build().tool_calls]
    assert statuses == [("ok", None), ("failed", "status"), ("failed", "text")]


def test_long_results_are_truncated_with_a_marker() -> None:
    builder = TraceBuilder("t")
    builder.call("cat", {}, "1")
    builder.result("x" * 25_000, "1")

    content = builder.build().tool_calls[0].result
    assert content is not None and content.content.endswith("[… 5000 more characters]")


@pytest.mark.parametrize(
    ("text", "failed"),
    [
        ("Error: not enough seats on flight HAT229", True),
        ("Traceback (most recent call last):\n  File x", True),
        ("HTTP 404 Not Found", True),
        ('{"error": "bad token"}', True),
        ("Event not found.", True),
        ("get_wheather is not a valid tool, try one of [get_weather].", True),
        ("Command exited with code 2", True),
        ("ValueError: invalid literal", True),
        ('{"exit_code": 1, "stdout": "", "stderr": "npm ERR! code ERESOLVE"}', True),
        ('{"output": "x", "metadata": {"exit_code": 2}}', True),
        ('{"exit_code": 0, "stdout": "added 1 package"}', False),
        ('{"error": null, "data": 1}', False),
        ("Found 3 reservations.", False),
        ("The error rate dropped to 0.1%.", False),
        ("", False),
    ],
)
def test_failure_heuristic_is_conservative(text: str, failed: bool) -> None:
    assert (failure_reason(text) is not None) is failed


def test_arguments_are_decoded_when_they_are_json_objects() -> None:
    assert parse_arguments('{"a": 1}') == {"a": 1}
    assert parse_arguments("[1, 2]") == {"input": [1, 2]}
    assert parse_arguments("rm -rf build") == {"input": "rm -rf build"}
    assert parse_arguments(None) == {}


def test_content_is_flattened_with_media_placeholders() -> None:
    content = [{"type": "text", "text": "see"}, {"type": "image", "source": {}}, {"type": "input_file", "file_id": "f"}]

    assert content_text(content) == "see\n[image]\n[file]"


@pytest.mark.parametrize(
    "value",
    [
        "2026-04-08T01:04:00Z",
        "2026-04-08T01:04:00+00:00",
        1775610240,
        1775610240000,
        "1775610240000000000",
        1775610240000000000,
    ],
)
def test_timestamps_in_every_unit_become_the_same_moment(value: object) -> None:
    assert to_datetime(value) == datetime(2026, 4, 8, 1, 4, tzinfo=UTC)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 10**400, "²", "yesterday", True, [1], {}])
def test_nonsense_timestamps_are_none(value: object) -> None:
    assert to_datetime(value) is None


def test_only_subtrees_that_start_another_branch_are_abandoned() -> None:
    parents = {"root": None, "a": "root", "b1": "a", "b1x": "b1", "b2": "a", "c": "b2"}
    linear = {"root": None, "a": "root", "b1": "a", "b1x": "b1"}

    assert abandoned_ids(parents, "c") == {"b1", "b1x"}
    assert abandoned_ids(parents, "b1x") == {"b2", "c"}
    assert abandoned_ids(linear, "b1x") == set()
    assert abandoned_ids(parents, None) == set()


def test_side_entries_under_a_fork_do_not_make_it_a_branch() -> None:
    parents = {"root": None, "a": "root", "reply": "a", "progress": "a", "next": "reply"}

    assert abandoned_ids(parents, "next", starts_branch=lambda node: node != "progress") == set()
    assert abandoned_ids(parents, "next") == {"progress"}
