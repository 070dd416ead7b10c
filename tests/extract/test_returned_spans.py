"""A value the user wrote in full, of which the agent passed only a part: the whole of it is the instance."""

from __future__ import annotations

from typing import Any

from tracebuilders import assistant, call, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.generalize.returned_spans import returned_spans

EXTRACT = HeuristicExtractor().extract


def file_card_charge(request: str, search: str, descriptor: str) -> Any:
    return trace_of(
        user(request),
        call(
            "expenses.search_card_transactions",
            {"card": "corporate", "merchant": search},
            {"transactions": [{"id": "TX-88213", "merchant_descriptor": descriptor, "amount": 54.99}]},
        ),
        call("expenses.categorize", {"transaction_id": "TX-88213", "category": "software"}, {"ok": True}),
        assistant(f"Filed {descriptor} under software."),
    )


def test_a_card_charge_the_agent_searched_by_one_word_leaves_no_word_of_its_descriptor() -> None:
    for request, search, descriptor in [
        ("file the ADOBE *CREATIVE CLD 4471 charge under software", "ADOBE", "ADOBE *CREATIVE CLD 4471"),
        ("file the TST* OLIVE & VINE charge under software", "OLIVE", "TST* OLIVE & VINE"),
    ]:
        [draft] = EXTRACT(file_card_charge(request, search, descriptor)).drafts
        assert draft.goal == "file the {merchant} charge under {category}", draft.goal


def returned(*contents: str) -> list[tuple[str, str]]:
    return [(c, c.lower()) for c in contents]


def test_only_what_the_user_wrote_of_a_returned_name_and_only_whole_words() -> None:
    results = returned('{"transactions": [{"description": "TST* OLIVE & VINE"}], "code": "SPRING20"}')
    assert returned_spans("TST*", "dispute the TST* OLIVE charge", results) == ["TST* OLIVE"]
    assert returned_spans("OLIVE", "a charge from OLIVE & VINE, $155", results) == ["OLIVE & VINE"]
    assert returned_spans("20", "make SPRING20 for 20% off", results) == []  # "20" is no part of SPRING20
    assert returned_spans("TST*", "dispute TST* please", results) == []  # nothing more was written


def test_a_tool_repeating_the_request_in_a_message_widens_nothing() -> None:
    results = returned(
        '{"message": "Scaled checkout-api to 8 replicas"}',
        '{"subject": "Refund for order 1182", "note": "disk usage on web-00 is 91%"}',
    )
    assert returned_spans("checkout-api", "scale checkout-api to 8 replicas in prod", results) == []
    assert returned_spans("1182", "reply about the refund for order 1182", results) == []
    assert returned_spans("web-00", "clean the disk usage on web-00", results) == []


def test_a_number_between_two_keys_is_no_string_to_widen_to() -> None:
    results = returned('{"amount": -229.12, "provisional_credit": 229.12, "status": "submitted"}')
    assert returned_spans("229.12", "dispute the charge for $229.12, it never arrived", results) == []


def test_a_table_the_user_named_is_a_placeholder_in_the_qualified_name_the_agent_built() -> None:
    trace = trace_of(
        user("need a profile of the app_sessions table, the one in events, project acme-dw. nulls + distributions"),
        call("list_tables", {"project": "acme-dw", "dataset": "events"}, {"tables": [{"table_id": "app_sessions"}]}),
        call("describe_table", {"table": "acme-dw.events.app_sessions"}, {"num_rows": 3019835}),
        call("run_query", {"sql": "SELECT COUNT(*) FROM `acme-dw.events.app_sessions`"}, {"rows": [{"n": 1}]}),
        assistant("3,019,835 rows; no nulls in session_id."),
    )
    [draft] = EXTRACT(trace).drafts
    assert "app_sessions" not in draft.title and "{table}" in draft.title, draft.title
    assert draft.steps[1].arguments["table"] == "{project}.{dataset}.{table}"
    [named] = EXTRACT(
        trace_of(
            user("profile analytics.fct_orders for me pls — nulls, distinct counts"),
            call("describe_table", {"table": "analytics.fct_orders"}, {"num_rows": 6741215}),
            call("run_query", {"sql": "SELECT COUNT(*) FROM analytics.fct_orders"}, {"rows": [{"n": 1}]}),
            assistant("6.7M rows, order_id is unique."),
        )
    ).drafts
    assert "fct_orders" not in named.title + named.goal, named.goal  # a qualified name is no option


def test_a_dotted_config_key_keeps_its_words_and_a_legal_name_the_agent_completed_is_the_users() -> None:
    from deftly.tools.generalize.binder import ValueBinder

    timeout = ValueBinder(request="Raise the request timeout of the payments service to 30 seconds")
    assert timeout.generalize("config_set", {"key": "payments.request.timeout"}) == {"key": "payments.request.timeout"}
    nda = ValueBinder(request="send a mutual NDA to the legal team at Halcyon Robotics for signature")
    assert nda.generalize("clm.create", {"counterparty": "Halcyon Robotics, Inc."}) == {
        "counterparty": "{counterparty}"
    }
    assert nda.value_map().get("Halcyon Robotics") == "counterparty"
