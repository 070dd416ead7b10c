"""Message-array formats: OpenAI Chat (and tau2), Anthropic Messages, OpenAI Responses, LangChain."""

from __future__ import annotations

from formats_fixtures import calls_by_id, outcome, parsed

from deftly.tools.formats import parse_history
from deftly.tools.trace import Message


def test_openai_pairs_by_id_even_out_of_order() -> None:
    calls = calls_by_id(parsed("openai__chat.json"))

    assert outcome(calls["call_w1"]) == ("ok", None, None)
    assert outcome(calls["call_w2"]) == ("failed", "Error: payment method expired", "text")
    assert outcome(calls["call_w3"]) == ("failed", "no invoice exists yet", "text")  # JSON {"error": {...}}


def test_openai_keeps_unparseable_arguments_as_input() -> None:
    assert calls_by_id(parsed("openai__chat.json"))["call_w3"].arguments == {"input": "{not json"}


def test_openai_content_parts_become_text() -> None:
    assert parsed("openai__chat.json").messages[-1].text.startswith("The card on file has expired")


def test_tau2_uses_the_error_flag_and_result_ids() -> None:
    trace = parsed("openai__tau2.json")
    calls = calls_by_id(trace)

    assert trace.session_id == "sim-7"
    assert calls["t2_a"].arguments == {"phone": "555-0142"}
    assert outcome(calls["t2_a"]) == ("ok", None, None)
    assert outcome(calls["t2_b"]) == ("failed", "line cannot be resumed while a bill is overdue", "flag")


def test_tau2_user_device_calls_are_the_users() -> None:
    calls = calls_by_id(parsed("openai__tau2.json"))

    assert [calls[i].by_user for i in ("t2_a", "t2_b", "t2_c")] == [False, False, True]
    assert outcome(calls["t2_c"]) == ("ok", None, None)


def test_openai_tool_calls_on_a_user_message_are_the_users() -> None:
    """tau2 converted to OpenAI Chat: the user's own tools ride on user messages, answered by tool messages."""
    history = [
        {"role": "user", "content": "My phone shows no bars."},
        {"role": "assistant", "content": "Please check your status bar."},
        {
            "role": "user",
            "content": None,
            "tool_calls": [
                {"id": "u1", "type": "function", "function": {"name": "check_status_bar", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "u1", "name": "check_status_bar", "content": "Airplane mode: on"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "a1", "type": "function", "function": {"name": "get_line", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": "a1", "name": "get_line", "content": "active"},
    ]
    calls = calls_by_id(parse_history(history))

    assert (calls["u1"].by_user, calls["u1"].status) == (True, "ok")
    assert calls["a1"].by_user is False


def test_legacy_function_call_pairs_by_name() -> None:
    call = parsed("openai__legacy_functions.json").tool_calls[0]

    assert (call.tool, call.arguments, call.status) == ("get_weather", {"city": "Porto"}, "ok")


def test_openai_reasoning_content_is_kept_as_reasoning() -> None:
    trace = parse_history(
        [
            {"role": "user", "content": "2+2?"},
            {"role": "assistant", "reasoning_content": "Simple addition.", "content": "4"},
        ]
    )

    assert trace.turns[1] == Message(role="assistant", text="Simple addition.", reasoning=True)


def test_anthropic_reads_system_thinking_and_flags() -> None:
    trace = parsed("anthropic__messages.json")
    calls = calls_by_id(trace)

    assert trace.turns[0] == Message(role="system", text="You are an SRE assistant with read access to Kubernetes.")
    assert trace.turns[2] == Message(role="assistant", text="Look at pod status, then logs.", reasoning=True)
    assert outcome(calls["toolu_k1"]) == ("ok", None, None)
    assert outcome(calls["toolu_k2"]) == ("failed", "logs unavailable: container not found", "flag")
    assert outcome(calls["toolu_k3"]) == ("ok", None, None)


def test_anthropic_server_tool_errors_are_failures() -> None:
    call = calls_by_id(parsed("anthropic__messages.json"))["srvtoolu_w1"]

    assert (call.tool, *outcome(call)) == ("web_search", "failed", "max_uses_exceeded", "status")


def test_anthropic_text_after_results_stays_a_user_turn() -> None:
    users = [m.text for m in parsed("anthropic__messages.json").messages if m.role == "user"]

    assert users == ["Why is the checkout pod restarting?", "Also check memory limits please."]


def test_anthropic_result_without_a_flag_falls_back_to_the_text() -> None:
    trace = parse_history(
        {
            "messages": [
                {"role": "user", "content": "read it"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "a", "name": "read", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a", "content": "Error: EACCES"}]},
            ]
        }
    )

    assert outcome(trace.tool_calls[0]) == ("failed", "Error: EACCES", "text")


def test_responses_items_pair_by_call_id_and_mark_mcp_errors() -> None:
    trace = parsed("openai_responses__items.json")
    calls = calls_by_id(trace)

    assert trace.turns[0] == Message(role="system", text="You book travel for employees.")
    assert trace.turns[2].kind == "message" and trace.turns[2].reasoning
    assert outcome(calls["call_tr1"]) == ("ok", None, None)
    assert calls["call_tr2"].status == "failed"
    assert (calls["mcp_01"].tool, *outcome(calls["mcp_01"])) == (
        "expenses.create_report",
        "failed",
        "expenses server unreachable",
        "flag",
    )
    assert (calls["ws_01"].tool, calls["ws_01"].status) == ("web_search", "ok")
    assert outcome(calls["call_tr3"]) == ("unfinished", None, None)


def test_langchain_messages_to_dict_uses_status_and_invalid_calls() -> None:
    trace = parsed("langchain__messages_to_dict.json")
    calls = calls_by_id(trace)

    assert trace.turns[0] == Message(role="system", text="You answer questions about the sales database.")
    assert calls["lc_1"].status == "failed" and calls["lc_1"].result is not None
    assert calls["lc_1"].result.error_source == "status"
    assert outcome(calls["lc_2"]) == ("ok", None, None)
    assert outcome(calls["lc_3"]) == ("failed", "invalid tool call: Expecting ',' delimiter", "status")
    assert calls["lc_3"].arguments == {"input": '{"kind": bar'}


def test_langchain_serialized_reads_constructor_kwargs_without_duplicate_tool_use_blocks() -> None:
    trace = parsed("langchain__serialized.json")

    assert [c.call_id for c in trace.tool_calls] == ["s_1", "s_2"]
    assert [m.text for m in trace.messages][:2] == ["Summarise PR 412 and label it.", "Reading the PR."]


def test_langchain_model_dump_reads_provider_calls_and_falls_back_to_text() -> None:
    trace = parsed("langchain__model_dump.json")
    calls = calls_by_id(trace)

    assert trace.session_id == "th-88"
    assert calls["oa_1"].arguments == {"job": "nightly-etl"}
    assert outcome(calls["oa_2"]) == ("failed", "Error: run 5531 not found", "text")


def test_langchain_accepts_role_dicts_as_input_messages() -> None:
    trace = parse_history(
        [{"role": "user", "content": "hi"}, {"type": "ai", "content": "hello", "tool_calls": []}], format="langchain"
    )

    assert [(m.role, m.text) for m in trace.messages] == [("user", "hi"), ("assistant", "hello")]
