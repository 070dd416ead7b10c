"""Session transcripts: Claude Code (and stream-json), OpenClaw/pi (and HF), Codex rollouts, Gemini CLI."""

from __future__ import annotations

import json

import pytest
from formats_fixtures import calls_by_id, outcome, parsed, text

from deftly.tools.errors import FormatError
from deftly.tools.formats import parse_history
from deftly.tools.trace import Message, ToolCall


def test_claude_code_metadata_comes_from_the_envelope_and_summary() -> None:
    trace = parsed("claude_code__session.jsonl")

    assert (trace.session_id, trace.cwd, trace.harness) == (
        "b7c1d2e3-0000-4a4a-9b9b-123456789abc",
        "/work/importer",
        "claude-code",
    )
    assert trace.title == "Accept Z-suffixed dates in the importer"
    assert trace.started_at is not None and trace.ended_at is not None and trace.started_at < trace.ended_at


def test_claude_code_failures_come_from_is_error_and_tool_use_result() -> None:
    calls = calls_by_id(parsed("claude_code__session.jsonl"))

    assert outcome(calls["t1"]) == ("ok", None, None)
    assert outcome(calls["t2"]) == ("failed", "Error: File does not exist.", "flag")
    assert outcome(calls["t3"]) == ("failed", "Error: Exit code 1\nFAILED tests/test_dates.py::test_z_suffix", "status")
    assert outcome(calls["t8"]) == ("ok", None, None)  # is_error: false is trusted
    assert outcome(calls["t9"]) == ("unfinished", None, None)


def test_claude_code_follows_the_edited_prompt_branch() -> None:
    trace = parsed("claude_code__session.jsonl")
    user_texts = [m.text for m in trace.messages if m.role == "user"]

    assert "t7" not in calls_by_id(trace)  # the call on the abandoned branch
    assert user_texts == [
        "Dates ending in Z fail to parse in the importer; fix it.",
        "yes, add a regression test next to the existing date tests",
    ]
    assert any("abandoned branches" in note for note in trace.notes)


def test_claude_code_skips_meta_interruption_and_bookkeeping_lines() -> None:
    texts = " ".join(m.text for m in parsed("claude_code__session.jsonl").messages)

    assert "Caveat" not in texts
    assert "Request interrupted" not in texts


def test_claude_code_keeps_a_split_api_message_in_order() -> None:
    turns = parsed("claude_code__session.jsonl").turns

    assert turns[1] == Message(role="assistant", text="Let me find the parser.", timestamp=turns[1].timestamp)
    assert isinstance(turns[2], ToolCall) and turns[2].call_id == "t1"


def test_claude_code_sidechains_are_kept_apart() -> None:
    trace = parsed("claude_code__session.jsonl")

    assert "t5" not in calls_by_id(trace)
    assert len(trace.sidechains) == 1
    sidechain = trace.sidechains[0]
    assert [turn.kind for turn in sidechain] == ["message", "tool_call", "message"]
    assert isinstance(sidechain[1], ToolCall) and sidechain[1].status == "ok"


def test_claude_code_repeated_lines_are_read_once() -> None:
    lines = text("claude_code__session.jsonl").splitlines()
    doubled = "\n".join(lines[:12] + lines[4:12] + lines[12:])

    assert parse_history(doubled).tool_calls == parsed("claude_code__session.jsonl").tool_calls


def test_claude_code_stream_json_reads_init_subagents_and_result() -> None:
    trace = parsed("claude_code__stream.jsonl")
    calls = calls_by_id(trace)

    assert (trace.session_id, trace.cwd) == ("sj-5c0d", "/srv/app")
    assert list(calls) == ["b1", "b2"]
    assert [c.call_id for c in trace.sidechains[0] if isinstance(c, ToolCall)] == ["b3"]
    assert outcome(next(c for c in trace.sidechains[0] if isinstance(c, ToolCall))) == (
        "failed",
        "EISDIR: illegal operation on a directory, read",
        "flag",
    )
    assert "the run succeeded (success, 4 turns)" in trace.notes


def test_stream_json_without_the_prompt_explains_how_to_include_it() -> None:
    lines = [line for line in text("claude_code__stream.jsonl").splitlines() if '"uuid": "x1"' not in line]

    with pytest.raises(FormatError, match="--replay-user-messages"):
        parse_history("\n".join(lines))


def test_openclaw_follows_the_active_branch_and_reads_bash_executions() -> None:
    trace = parsed("openclaw__session.jsonl")
    calls = trace.tool_calls

    assert [c.tool for c in calls] == ["bash", "read", "bash", "bash"]
    assert "tc_3" not in calls_by_id(trace)  # the abandoned "delete the import" branch
    assert outcome(calls[0]) == ("failed", "Module not found: ./theme.css", "flag")
    assert (calls[2].arguments, calls[2].status) == ({"command": "git checkout HEAD~1 -- src/theme.css"}, "ok")
    assert (trace.session_id, trace.cwd, trace.title) == (
        "5d1e9a70-0c4b-4e59-b1f3-2a6c8d9e0f11",
        "/home/dev/site",
        "Fix site build",
    )
    assert trace.turns[1] == Message(
        role="assistant", text="Run the build and read the error.", reasoning=True, timestamp=trace.turns[1].timestamp
    )


def test_openclaw_leaf_entry_selects_another_branch() -> None:
    lines = text("openclaw__session.jsonl").splitlines()
    leaf = {"type": "leaf", "id": "e0000099", "parentId": None, "targetId": "e0000008"}

    trace = parse_history("\n".join([*lines, json.dumps(leaf)]))

    assert [c.call_id for c in trace.tool_calls] == ["tc_1", "tc_2", "tc_3"]


def test_openclaw_failed_bash_execution_uses_the_exit_code() -> None:
    history = [
        {"type": "session", "version": 3, "id": "s"},
        {"type": "message", "message": {"role": "user", "content": "run it"}},
        {"type": "message", "message": {"role": "bashExecution", "command": "make", "output": "boom", "exitCode": 2}},
    ]

    assert outcome(parse_history(history).tool_calls[0]) == ("failed", "exit code 2", "status")


def test_openclaw_assistant_errors_are_noted() -> None:
    history = [
        {"type": "session", "version": 3, "id": "s"},
        {"type": "message", "message": {"role": "user", "content": "hi"}},
        {
            "type": "message",
            "message": {"role": "assistant", "content": [], "stopReason": "error", "errorMessage": "overloaded"},
        },
    ]

    assert "an assistant turn ended early: overloaded" in parse_history(history).notes


def test_openclaw_plugin_output_without_parent_ids_is_read_in_order() -> None:
    trace = parsed("openclaw__plugin.jsonl")

    assert trace.session_id == "agent:main:9a8b"
    assert outcome(trace.tool_calls[0]) == ("ok", None, None)


def test_hf_session_traces_keep_the_harness_and_read_chat_messages() -> None:
    trace = parsed("openclaw__hf_sts.jsonl")

    assert (trace.harness, trace.title, trace.session_id) == ("llama.app", "Convert CSV to parquet", "sts-204")
    assert outcome(trace.tool_calls[0]) == ("failed", "Traceback (most recent call last):", "text")


def test_codex_exit_codes_decide_failures() -> None:
    calls = calls_by_id(parsed("codex__rollout.jsonl"))

    assert calls["cx_1"].result is not None and calls["cx_1"].result.content == "42:    return round(total, 2)\n"
    assert outcome(calls["cx_1"]) == ("ok", None, None)
    assert (calls["cx_2"].tool, calls["cx_2"].status) == ("apply_patch", "ok")
    assert outcome(calls["cx_3"]) == ("failed", "exit code 1", "status")  # "Exit code: 1" output line
    assert outcome(calls["cx_4"]) == ("failed", "exit code 2", "status")  # only exec_command_end knows


def test_codex_reads_an_mcp_calls_failure_from_its_end_event() -> None:
    def line(kind: str, payload: dict[str, object]) -> str:
        return json.dumps({"timestamp": "2026-04-10T09:43:30Z", "type": kind, "payload": payload})

    def mcp_call(call_id: str, result: dict[str, object], output: str) -> list[str]:
        invocation = {"server": "idp", "tool": "reset_factors", "arguments": {"user_id": "00u1"}}
        return [
            line(
                "response_item",
                {"type": "function_call", "name": "idp__reset_factors", "arguments": "{}", "call_id": call_id},
            ),
            line(
                "event_msg",
                {"type": "mcp_tool_call_end", "call_id": call_id, "invocation": invocation, "result": result},
            ),
            line("response_item", {"type": "function_call_output", "call_id": call_id, "output": output}),
        ]

    rollout = "\n".join(
        [
            line(
                "response_item",
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "reset mfa"}]},
            ),
            *mcp_call(
                "c1", {"Err": "403 Forbidden: token lacks scope"}, "tool call error: 403 Forbidden: token lacks scope"
            ),
            *mcp_call(
                "c2", {"Ok": {"content": [{"type": "text", "text": "no such user"}], "isError": True}}, "no such user"
            ),
            *mcp_call("c3", {"Ok": {"content": [{"type": "text", "text": '{"reset": 2}'}], "isError": False}}, "{}"),
        ]
    )

    calls = calls_by_id(parse_history(rollout))

    assert outcome(calls["c1"]) == ("failed", "403 Forbidden: token lacks scope", "status")
    assert outcome(calls["c2"]) == ("failed", "no such user", "status")
    assert outcome(calls["c3"])[0] == "ok"


def test_codex_injected_context_is_not_the_users_request() -> None:
    trace = parsed("codex__rollout.jsonl")

    assert [m.text for m in trace.messages if m.role == "user"] == [
        "Totals are off by a cent; fix the rounding in ledger.py."
    ]
    assert (trace.session_id, trace.cwd, trace.harness) == (
        "01981c2d-7f00-7a6b-9c3d-55aa66bb77cc",
        "/home/ana/ledger",
        "codex",
    )


def test_gemini_stream_joins_deltas_and_reads_error_status() -> None:
    trace = parsed("gemini_cli__stream.jsonl")
    calls = calls_by_id(trace)

    assert [m.text for m in trace.messages if m.role == "assistant"] == [
        "Reading package.json.",
        "Scripts: lint, test. Lint failed: eslint is not installed.",
    ]
    assert outcome(calls["shell-2"]) == ("failed", "eslint: command not found", "status")
    assert trace.session_id == "gm-31f"


def test_gemini_saved_chat_reads_thoughts_responses_and_statuses() -> None:
    trace = parsed("gemini_cli__chat.json")
    calls = calls_by_id(trace)

    assert trace.session_id == "4e2f0a9b-1c3d-4e5f-8a7b-6c5d4e3f2a1b"
    assert trace.turns[1] == Message(
        role="assistant", text="Plan: Edit go.mod, then go build.", reasoning=True, timestamp=trace.turns[1].timestamp
    )
    assert outcome(calls["replace-1"]) == ("ok", None, None)
    assert outcome(calls["shell-2"]) == ("failed", "go: go.mod requires go >= 1.24 (running go 1.22.5)", "status")
    assert calls["shell-3"].status == "failed"
    assert trace.ended_at is not None and trace.ended_at.isoformat() == "2026-08-03T09:04:00+00:00"


def test_claude_code_message_rewritten_with_more_blocks_is_read_once() -> None:
    envelope = {"sessionId": "s", "type": "assistant"}
    text_block = {"type": "text", "text": "Checking."}
    call_block = {"type": "tool_use", "id": "tu", "name": "Bash", "input": {"command": "ls"}}
    lines = [
        {"sessionId": "s", "type": "user", "uuid": "u", "message": {"role": "user", "content": "list files"}},
        {
            **envelope,
            "uuid": "a1",
            "parentUuid": "u",
            "message": {"id": "m", "role": "assistant", "content": [text_block]},
        },
        {
            **envelope,
            "uuid": "a2",
            "parentUuid": "a1",
            "message": {"id": "m", "role": "assistant", "content": [text_block, call_block]},
        },
    ]

    trace = parse_history(lines)

    assert [t.kind for t in trace.turns] == ["message", "message", "tool_call"]
