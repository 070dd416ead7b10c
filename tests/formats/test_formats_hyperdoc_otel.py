"""Hyperdoc's table-driven steps, and OpenTelemetry spans in their three attribute styles."""

from __future__ import annotations

import json

from formats_fixtures import calls_by_id, outcome, parsed

from deftly.tools.formats import parse_history
from deftly.tools.formats.hyperdoc import STEP_KINDS, step_kind
from deftly.tools.formats.otel import indexed
from deftly.tools.formats.otel_spans import any_value, attributes
from deftly.tools.trace import Message


def test_hyperdoc_documented_step_is_a_message() -> None:
    trace = parse_history([{"type": "trace_message", "role": "user", "text": "Hello"}])

    assert (trace.format, trace.turns) == ("hyperdoc", [Message(role="user", text="Hello")])


def test_hyperdoc_guessed_steps_pair_and_flag_failures() -> None:
    trace = parsed("hyperdoc__steps.json")
    calls = calls_by_id(trace)

    assert outcome(calls["h1"]) == ("ok", None, None)
    assert outcome(calls["h2"]) == ("failed", "seat limit reached", "flag")
    assert trace.turns[1] == Message(
        role="assistant", text="Two steps: channel invite, then board permission.", reasoning=True
    )


def test_hyperdoc_unknown_steps_are_classified_by_their_keys() -> None:
    trace = parsed("hyperdoc__steps.json")
    audit = next(c for c in trace.tool_calls if c.tool == "audit_log")

    assert (audit.arguments, audit.status) == ({"event": "access-change"}, "ok")
    assert "1 steps of unknown type were skipped" in trace.notes
    assert step_kind({"type": "trace_whatever", "content": "hi"}) == "message"
    assert step_kind({"type": "trace_whatever", "tool_call_id": "x", "output": 1}) == "result"
    assert step_kind({"type": "not_trace", "name": "x"}) is None


def test_hyperdoc_table_is_the_place_to_add_real_names() -> None:
    assert STEP_KINDS["trace_message"] == "message"
    assert {"call", "result", "reasoning"} <= set(STEP_KINDS.values())


def test_hyperdoc_results_without_matching_ids_pair_by_order() -> None:
    trace = parse_history(
        [
            {"type": "trace_message", "role": "user", "text": "do it"},
            {"type": "trace_tool_call", "name": "step", "id": "s-1", "args": {}},
            {"type": "trace_tool_result", "call_id": "c-9", "output": "failed: disk full", "status": "error"},
        ]
    )

    assert outcome(trace.tool_calls[0]) == ("failed", "failed: disk full", "status")


def test_otlp_attributes_are_unwrapped() -> None:
    raw = [
        {"key": "a", "value": {"stringValue": "x"}},
        {"key": "n", "value": {"intValue": "42"}},
        {"key": "l", "value": {"arrayValue": {"values": [{"boolValue": True}, {"doubleValue": 1.5}]}}},
        {"key": "m", "value": {"kvlistValue": {"values": [{"key": "k", "value": {"stringValue": "v"}}]}}},
    ]

    assert attributes(raw) == {"a": "x", "n": 42, "l": [True, 1.5], "m": {"k": "v"}}
    assert any_value({"intValue": "not a number"}) == "not a number"


def test_otlp_spans_are_ordered_by_start_and_history_is_not_repeated() -> None:
    trace = parsed("otel__otlp.json")

    assert [t.kind for t in trace.turns] == ["message", "message", "tool_call", "message", "tool_call", "message"]
    assert [m.text for m in trace.messages][:2] == [
        "You are the ops helper.",
        "Open a ticket for the failing nightly backup and assign it to storage.",
    ]
    assert trace.session_id == "conv-ops-77"
    assert trace.started_at is not None and trace.started_at.year == 2026


def test_otlp_span_status_error_marks_the_failure() -> None:
    calls = calls_by_id(parsed("otel__otlp.json"))

    assert calls["oc_1"].result is not None and calls["oc_1"].result.content == '{"ticket": "OPS-311"}'
    assert outcome(calls["oc_2"]) == ("failed", "assignee storage-oncall does not exist", "status")


def test_openinference_tool_spans_close_the_llm_calls() -> None:
    trace = parsed("otel__openinference.jsonl")
    calls = calls_by_id(trace)

    assert list(calls) == ["oi_1", "oi_2"]
    assert outcome(calls["oi_1"]) == ("ok", None, None)
    assert outcome(calls["oi_2"]) == ("failed", "PermissionError: docs repo is read-only", "status")
    assert [m.role for m in trace.messages] == ["system", "user", "assistant"]


def test_openllmetry_flattened_attributes_are_read() -> None:
    span = {
        "traceId": "t",
        "spanId": "s",
        "name": "openai.chat",
        "attributes": {
            "gen_ai.prompt.0.role": "user",
            "gen_ai.prompt.0.content": "Weather in Oslo?",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.tool_calls.0.id": "w1",
            "gen_ai.completion.0.tool_calls.0.name": "weather",
            "gen_ai.completion.0.tool_calls.0.arguments": '{"city": "Oslo"}',
        },
    }
    tool = {
        "traceId": "t",
        "spanId": "u",
        "name": "execute_tool weather",
        "attributes": {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.call.id": "w1",
            "gen_ai.tool.call.result": "4°C",
        },
    }

    trace = parse_history([span, tool])

    assert trace.format == "otel"
    assert (trace.tool_calls[0].arguments, trace.tool_calls[0].result and trace.tool_calls[0].result.content) == (
        {"city": "Oslo"},
        "4°C",
    )


def test_tool_spans_without_message_content_still_make_calls() -> None:
    prompt = json.dumps([{"role": "user", "parts": [{"type": "text", "content": "sync it"}]}])
    chat = {"traceId": "t", "spanId": "a", "name": "chat", "startTimeUnixNano": "1"}
    chat["attributes"] = [{"key": "gen_ai.input.messages", "value": {"stringValue": prompt}}]
    tool = {"traceId": "t", "spanId": "b", "name": "execute_tool sync", "startTimeUnixNano": "2"}
    tool["attributes"] = [{"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}}]
    tool["status"] = {"code": "STATUS_CODE_ERROR"}

    call = parse_history({"resourceSpans": [{"scopeSpans": [{"spans": [tool, chat]}]}]}).tool_calls[0]

    assert (call.tool, *outcome(call)) == ("sync", "failed", "span status ERROR", "status")


def test_indexed_attributes_group_by_position() -> None:
    attrs = {"p.1.role": "assistant", "p.0.role": "user", "p.0.content": "hi", "p.x.role": "ignored", "q.0.role": "no"}

    assert indexed(attrs, "p") == [{"role": "user", "content": "hi"}, {"role": "assistant"}]
