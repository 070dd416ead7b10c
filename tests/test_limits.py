"""Input limits and the checks behind them; extraction work that must not grow with trace length per task."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from tracebuilders import assistant, call, cancel_session, chat, user

from deftly.server.app.wire import INVALID_REQUEST, PARSE_ERROR, Rejected, check_message, top_level_id
from deftly.tools import learn
from deftly.tools.errors import InvalidInput, TraceTooLarge
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.learn import LearnItem, learn_batch
from deftly.tools.limits import DEFAULT_LIMITS, Limits, json_depth_over, require_id, value_depth_over
from deftly.tools.record_trace import RecordRequest, prepare
from deftly.tools.values import literal_leaks

NOW = datetime(2026, 11, 21, tzinfo=UTC)


# --- nesting depth ----------------------------------------------------------------------------------


def test_depth_of_raw_json_ignores_brackets_inside_strings() -> None:
    text = json.dumps({"a": ["[[[[", {"b": 'say "{{{{" and \\ then ]]'}]})

    assert json_depth_over(text, 3) is None
    assert json_depth_over(text, 2) == 3


def test_a_100000_deep_document_is_measured_quickly_and_without_recursion() -> None:
    started = time.perf_counter()

    deepest = json_depth_over("[" * 100_000 + "]" * 100_000, 128)

    assert deepest == 100_000
    assert time.perf_counter() - started < 2.0


def test_depth_of_a_parsed_value_matches_its_text() -> None:
    value = {"a": [1, {"b": [[2]]}], "c": "[[["}

    assert value_depth_over(value, 0) == json_depth_over(json.dumps(value), 0) == 5


# --- record_trace limits ------------------------------------------------------------------------------


def prepared(history: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    prepare("default", RecordRequest(history), now=NOW, max_bytes=limits.trace_bytes, limits=limits)


def test_a_trace_over_the_turn_limit_is_refused_at_record_time() -> None:
    history = chat(*(cancel_session(f"ZFA0{i}Y") for i in range(5)))

    with pytest.raises(
        TraceTooLarge, match=r"over the limit of 10 \(DEFTLY_MAX_TRACE_TURNS\); record the session in parts"
    ):
        prepared(history, Limits(trace_turns=10))
    prepared(history, Limits(trace_turns=10_000))


@pytest.mark.parametrize("history", ["[" * 1000 + "]" * 1000, [[[[["x"]]]]]], ids=["string", "list"])
def test_a_history_nested_too_deep_is_refused_before_parsing(history: Any) -> None:
    with pytest.raises(TraceTooLarge, match=r"levels deep, over the limit of 4 \(DEFTLY_MAX_JSON_DEPTH\)"):
        prepared(history, Limits(json_depth=4))


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_ids_are_refused(blank: str) -> None:
    with pytest.raises(InvalidInput, match="the procedure id is blank; pass an id"):
        require_id(blank, "the procedure id", "pass an id.")


# --- one JSON-RPC message -----------------------------------------------------------------------------


def rejected(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Rejected:
    result = check_message(raw, limits)
    assert isinstance(result, Rejected), result
    return result


def test_a_good_message_passes_parsed() -> None:
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"n": 2**63 - 1, "s": "héllo"}}

    assert check_message(json.dumps(message).encode(), DEFAULT_LIMITS) == message


@pytest.mark.parametrize(
    ("raw", "code", "request_id", "phrase"),
    [
        (b"\xff{}", PARSE_ERROR, None, "not UTF-8 (byte 0xff at offset 0)"),
        (b'{"id": 3, "method": "x", ', PARSE_ERROR, 3, "not valid JSON"),
        (b'{"jsonrpc": "2.0", "id": 4, "params": {"s": "\\udc00"}}', INVALID_REQUEST, 4, "lone UTF-16 surrogate"),
        (b'{"jsonrpc": "2.0", "id": 5, "params": {"n": -9223372036854775809}}', INVALID_REQUEST, 5, "64 bits"),
        (
            b'{"jsonrpc": "2.0", "id": "a", "params": ' + b"[" * 200 + b"]" * 200 + b"}",
            INVALID_REQUEST,
            "a",
            "nests 201 levels",
        ),
    ],
    ids=["not UTF-8", "cut short", "lone surrogate", "int below int64", "too deep"],
)
def test_bad_messages_are_rejected_with_their_id(raw: bytes, code: int, request_id: Any, phrase: str) -> None:
    result = rejected(raw)

    assert (result.code, result.id) == (code, request_id)
    assert phrase in result.message


def test_a_message_over_the_size_limit_is_rejected_unread() -> None:
    result = rejected(b'{"jsonrpc": "2.0", "id": 9, "params": "' + b"x" * 5000 + b'"}', Limits(request_bytes=4096))

    assert (result.code, result.id) == (INVALID_REQUEST, 9)
    assert "DEFTLY_MAX_REQUEST_BYTES" in result.message


def test_the_id_of_an_unparsable_message_is_the_outermost_one() -> None:
    text = '{"params": {"id": 1, "deep": [[[[{"id": 2}]]]]}, "id": "outer", "method": "x"'

    assert top_level_id(text) == "outer"
    assert top_level_id('{"params": {"id": 1}}') is None


# --- extraction stays linear --------------------------------------------------------------------------


def naive_leaks(text: str, literals: list[str]) -> list[str]:
    import re

    lowered = text.lower()
    return [
        literal
        for literal in literals
        if len(literal.strip()) >= 3 and re.search(rf"(?<!\w){re.escape(literal.lower().strip())}(?!\w)", lowered)
    ]


LITERALS = ["mia_li_3668", "Mia Li", "#W2378156", "ZFA04Y", "--- ---", "ann", "3668", " padded "]


@pytest.mark.parametrize(
    "text",
    [
        "Cancel ZFA04Y for mia_li_3668 (Mia Li), order #W2378156",
        "mia_li_36689 and xZFA04Y are other words; cannot; W2378156",
        "the separator --- --- and ANN and padded here",
        "MIA LI's order",
    ],
)
def test_indexed_leak_check_finds_what_checking_every_literal_finds(text: str) -> None:
    literals = set(LITERALS)

    assert sorted(literal_leaks(text, literals)) == sorted(naive_leaks(text, LITERALS))
    assert sorted(literal_leaks(text, list(LITERALS))) == sorted(naive_leaks(text, LITERALS))


def test_the_leak_index_follows_a_set_that_changed() -> None:
    literals = {"ZFA04Y"}
    assert literal_leaks("cancel QQQ999", literals) == []

    literals.add("QQQ999")

    assert literal_leaks("cancel QQQ999", literals) == ["QQQ999"]


def test_what_a_procedure_inherits_from_its_trace_is_read_once_per_trace(
    store: Any, embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """origin_of reads every turn of the trace: per task it made extraction quadratic in trace length."""
    history = chat(
        *(
            chat(
                user(f"Please cancel order #W{1000000 + i} for user_{i:05d}, it arrived broken."),
                call("get_order_details", {"order_id": f"#W{1000000 + i}"}, {"status": "pending"}),
                call("cancel_pending_order", {"order_id": f"#W{1000000 + i}", "reason": "broken"}, {"status": "ok"}),
                assistant("Cancelled."),
                user("Thanks, that is all."),
                assistant("You're welcome."),
            )
            for i in range(3)
        )
    )
    from deftly.tools.formats import parse_history
    from deftly.tools.models import TraceRecord

    trace = parse_history(history)
    record = TraceRecord(
        resource_id="tr_x", session_id="s", format=trace.format, content_hash="h", created_at=NOW, updated_at=NOW
    )
    calls: list[LearnItem] = []
    real = learn.origin_of

    def counted(item: LearnItem) -> Any:
        calls.append(item)
        return real(item)

    monkeypatch.setattr(learn, "origin_of", counted)
    [result] = learn_batch(
        [LearnItem(record, trace)], extractor=HeuristicExtractor(), store=store, embedder=embedder, now=NOW
    )

    assert result.created + result.merged == 3
    assert len(calls) == 1
