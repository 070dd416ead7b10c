"""The five Vercel AI SDK shapes, their failure states, and pairing by order when ids are missing."""

from __future__ import annotations

from formats_fixtures import calls_by_id, outcome, parsed

from deftly.tools.formats import parse_history
from deftly.tools.trace import Message


def test_v4_ui_invocations_use_the_text_heuristic_and_leave_pending_calls_unfinished() -> None:
    trace = parsed("vercel__v4_ui.json")
    calls = calls_by_id(trace)

    assert outcome(calls["inv_1"]) == ("ok", None, None)
    assert outcome(calls["inv_2"]) == ("failed", "desk D12 is already taken", "text")
    assert outcome(calls["inv_3"]) == ("unfinished", None, None)
    assert calls["inv_1"].arguments == {"date": "2025-06-03", "zone": "window"}
    assert trace.started_at is not None and trace.started_at.isoformat() == "2025-06-02T08:00:00+00:00"
    assert not any("progress" in m.text for m in trace.messages)  # role "data" is not conversation


def test_v4_parts_are_read_instead_of_the_duplicate_invocations() -> None:
    trace = parsed("vercel__v4_parts.json")

    assert [c.call_id for c in trace.tool_calls] == ["tr_1", "tr_2"]
    assert outcome(trace.tool_calls[1])[0:2] == ("failed", "Error: quota exceeded for language de")
    assert [(m.role, m.reasoning) for m in trace.messages] == [
        ("user", False),
        ("assistant", True),
        ("assistant", False),
    ]


def test_v5_ui_states_map_to_ok_failed_denied_and_unfinished() -> None:
    trace = parsed("vercel__v5_ui.json")
    calls = calls_by_id(trace)

    assert trace.session_id == "chat_9f2"
    assert calls["c1"].tool == "list_previews"
    assert outcome(calls["c2"]) == ("failed", "403 Forbidden: token lacks deploy scope", "status")
    assert outcome(calls["c3"]) == ("failed", "denied by the user: keep pr-91 for QA", "status")
    assert (calls["c4"].tool, calls["c4"].status) == ("mcp__vercel__whoami", "ok")
    assert outcome(calls["c5"]) == ("failed", "webhook timed out", "status")  # the announced v6 "error" state
    assert outcome(calls["c6"]) == ("unfinished", None, None)


def test_v5_static_tool_names_keep_their_hyphens() -> None:
    history = [
        {"role": "user", "parts": [{"type": "text", "text": "go"}]},
        {
            "role": "assistant",
            "parts": [
                {"type": "tool-run-query", "toolCallId": "q", "state": "output-available", "input": {}, "output": 1}
            ],
        },
    ]

    assert parse_history(history).tool_calls[0].tool == "run-query"


def test_v4_core_messages_use_the_is_error_flag() -> None:
    calls = calls_by_id(parsed("vercel__v4_core.json"))

    assert outcome(calls["k1"]) == ("ok", None, None)
    assert outcome(calls["k2"]) == ("failed", "changelog site returned 502", "flag")


def test_v5_model_messages_use_typed_outputs() -> None:
    trace = parsed("vercel__v5_model.json")
    calls = calls_by_id(trace)

    assert calls["r1"].result is not None and calls["r1"].result.content == '{"key_id": "k_77"}'
    assert outcome(calls["r2"]) == ("failed", "vault is sealed", "flag")
    assert outcome(calls["r3"]) == ("failed", '{"code": "KEY_INACTIVE"}', "flag")
    assert outcome(calls["r4"]) == ("failed", "execution denied: needs a human", "flag")
    assert trace.turns[1] == Message(role="assistant", text="Rotate, then store, then verify.", reasoning=True)


def test_steps_read_v4_fields_v5_content_and_tool_errors_without_duplicates() -> None:
    trace = parsed("vercel__steps.json")
    calls = calls_by_id(trace)

    assert trace.messages[0].role == "user"  # the prompt from the container
    assert list(calls) == ["s1", "s2"]
    assert outcome(calls["s2"]) == ("failed", "pager API rate limited", "flag")


def test_doc_shape_pairs_results_by_order_and_tool_name() -> None:
    trace = parsed("vercel__doc_shape.json")
    archive = [c for c in trace.tool_calls if c.tool == "archive_invoice"]

    assert [c.arguments["id"] for c in archive] == ["INV-9", "INV-3"]
    assert [c.status for c in archive] == ["ok", "failed"]
    assert archive[1].result is not None and archive[1].result.error == "INV-3 is locked by an open dispute"
    assert next(c for c in trace.tool_calls if c.tool == "notify").result is not None


def test_doc_shape_error_field_marks_a_failure() -> None:
    history = [
        {"role": "user", "content": "send it"},
        {"role": "assistant", "content": "", "toolCalls": [{"toolName": "send", "args": {}}]},
        {"role": "tool", "toolResults": [{"toolName": "send", "result": None, "error": "SMTP 550"}]},
    ]

    assert outcome(parse_history(history).tool_calls[0]) == ("failed", "SMTP 550", "flag")
