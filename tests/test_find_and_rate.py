"""find_procedure, get_procedure and rate_procedure on a real store with the real model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tracebuilders import assistant, call, cancel_session, chat, user

from deftly.tools.errors import InvalidInput, ProcedureNotFound
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.find_procedure import find_procedures
from deftly.tools.get_procedure import FEEDBACK_HEADING, get_procedure
from deftly.tools.learn import LearnItem, learn_batch
from deftly.tools.ports import SearchFilters
from deftly.tools.rate_procedure import rate_procedure
from deftly.tools.record_trace import record_trace

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def learn(store: Any, embedder: Any, history: list[dict[str, Any]], session: str, **metadata: Any) -> str:
    recorded = record_trace(store, history, now=NOW, session_id=session, metadata=metadata or None)
    item = LearnItem(store.get_trace(recorded.resource_id), store.load_trace(recorded.resource_id))
    [result] = learn_batch([item], extractor=HeuristicExtractor(), store=store, embedder=embedder, now=NOW)
    store.set_trace_statuses([result.update()])
    return result.procedure_ids[0]


def email_session() -> list[dict[str, Any]]:
    return chat(
        user("Email the quarterly report to finance@acme.com please"),
        call("search_files", {"query": "quarterly report"}, {"files": [{"id": "f_77", "name": "q3.pdf"}]}),
        call("send_email", {"to": "finance@acme.com", "attachment_id": "f_77"}, {"sent": True}),
        assistant("Sent the report to finance."),
    )


@pytest.fixture
def two_procedures(store: Any, embedder: Any) -> dict[str, str]:
    return {
        "cancel": learn(store, embedder, cancel_session(), "s1", project="airline", tags="support"),
        "email": learn(store, embedder, email_session(), "s2", project="office"),
    }


def test_a_paraphrased_request_finds_the_right_procedure_first(store: Any, embedder: Any, two_procedures: Any) -> None:
    result = find_procedures(store, embedder, "the customer wants their booking called off", now=NOW)
    assert result.procedures[0].id == two_procedures["cancel"]
    hit = result.procedures[0]
    assert hit.score > 0 and "similarity" in hit.why and "learned from 1 session" in hit.why
    assert "1. " in hit.text and "cancel_reservation" in hit.text
    mail = find_procedures(store, embedder, "send a document to someone by email", now=NOW)
    assert mail.procedures[0].id == two_procedures["email"]


def _rollback_session(reads: list[tuple[str, dict[str, Any], Any]], rollback_tool: str, args: dict[str, Any]) -> Any:
    return chat(
        user("Roll back the release please, it's broken"),
        *(call(tool, arguments, result) for tool, arguments, result in reads),
        call(rollback_tool, args, {"ok": True}),
        assistant("Rolled it back."),
    )


def test_what_the_steps_looked_at_tells_apart_two_procedures_asked_for_alike(store: Any, embedder: Any) -> None:
    """Same request, same title: only the steps say one rolls back pods on a cluster, the other an app in a store."""
    cluster = _rollback_session(
        [
            ("get_deployment_history", {"deployment": "payments-api"}, {"revisions": [41, 42]}),
            ("get_pod_logs", {"deployment": "payments-api"}, {"lines": ["panic: nil map"]}),
        ],
        "mcp__k8s__rollback_release",
        {"release": "payments-api", "revision": 41},
    )
    mobile = _rollback_session(
        [
            ("list_app_store_versions", {"app_id": "com.acme.shop"}, {"versions": [{"version": "5.2.0"}]}),
            ("get_crash_reports", {"app_id": "com.acme.shop", "version": "5.2.0"}, {"crash_free_users": 0.81}),
        ],
        "mcp__appstore__rollback_release",
        {"app_id": "com.acme.shop", "version": "5.2.0"},
    )
    ids = {"cluster": learn(store, embedder, cluster, "s1"), "mobile": learn(store, embedder, mobile, "s2")}
    asks = {
        "mobile": "the iPhone app's new version keeps crashing on launch, pull it back",
        "cluster": "the payments pods are panicking after the deploy, go back to the previous revision",
    }
    for expected, query in asks.items():
        [first, second] = find_procedures(store, embedder, query, now=NOW).procedures
        assert first.id == ids[expected]
        assert first.similarity > second.similarity + 0.05


def test_an_unrelated_request_returns_nothing_and_says_what_to_do(
    store: Any, embedder: Any, two_procedures: Any
) -> None:
    result = find_procedures(store, embedder, "bake a sourdough loaf with a crunchy crust", now=NOW)
    assert result.procedures == []
    assert "Proceed normally" in result.message and "record_trace" in result.message


@pytest.mark.parametrize(
    "query",
    [
        "smtp.gmail.com",
        "JFK-SEA",
        "foo:bar",
        'say "hi',
        "(((",
        "*",
        "a AND OR NOT",
        "ñandú 日本語 🙂",
        "x" * 5000,
        "'; DROP TABLE procedures; --",
        "\x00\x01",
    ],
)
def test_any_query_string_is_accepted(store: Any, embedder: Any, two_procedures: Any, query: str) -> None:
    find_procedures(store, embedder, query, now=NOW)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_arbitrary_text_never_raises(store: Any, embedder: Any, query: str) -> None:
    find_procedures(store, embedder, query, now=NOW)


def test_an_empty_query_is_a_clear_error(store: Any, embedder: Any) -> None:
    with pytest.raises(InvalidInput, match="describe the task"):
        find_procedures(store, embedder, "   ", now=NOW)


def test_filters_narrow_the_search(store: Any, embedder: Any, two_procedures: Any) -> None:
    def ids(**filters: Any) -> list[str]:
        result = find_procedures(store, embedder, "cancel a reservation", now=NOW, filters=SearchFilters(**filters))
        return [p.id for p in result.procedures]

    assert ids(metadata={"project": "airline"}) == [two_procedures["cancel"]]
    assert ids(metadata={"project": "office"}) == []
    assert ids(tags=("support",)) == [two_procedures["cancel"]]
    assert ids(tools=("send_email",)) == []
    found = find_procedures(store, embedder, "cancel a reservation", now=NOW, min_success_rate=0.99)
    assert found.procedures == []


def test_ratings_update_stats_and_notes_are_quoted_feedback_not_pitfalls(
    store: Any, embedder: Any, two_procedures: Any
) -> None:
    pid = two_procedures["cancel"]
    first = rate_procedure(store, pid, True, now=NOW)
    assert first.stats.successes == 1 and first.stats.failures == 0
    failed = rate_procedure(store, pid, False, now=NOW, notes="Step 3 timed out at the gateway.", failed_step=3)
    assert failed.stats.failures == 1 and failed.stats.step_failures == {3: 1}
    detail = get_procedure(store, pid)
    assert [n.quote for n in detail.feedback] == ['"Step 3 timed out at the gateway."']
    assert detail.feedback[0].outcome == "failure at step 3"
    assert "gateway" not in " ".join(detail.pitfalls)
    body, _, feedback = detail.text.partition(FEEDBACK_HEADING)
    assert "gateway" not in body
    assert f'- rated failure at step 3 on {NOW.date().isoformat()}: "Step 3 timed out at the gateway."' in feedback


def test_a_step_failing_in_most_runs_is_marked(store: Any, embedder: Any, two_procedures: Any) -> None:
    pid = two_procedures["cancel"]
    for _ in range(3):
        rate_procedure(store, pid, False, now=NOW, failed_step=2)
    rate_procedure(store, pid, True, now=NOW)
    detail = get_procedure(store, pid)
    step_two = next(line for line in detail.text.splitlines() if line.startswith("2. "))
    assert "⚠ failed in 3 runs" in step_two
    assert detail.stats.needs_review


def test_bad_ratings_are_refused_and_change_nothing(store: Any, embedder: Any, two_procedures: Any) -> None:
    pid = two_procedures["cancel"]
    with pytest.raises(InvalidInput, match="out of range"):
        rate_procedure(store, pid, False, now=NOW, failed_step=9)
    with pytest.raises(InvalidInput, match="only makes sense with success=false"):
        rate_procedure(store, pid, True, now=NOW, failed_step=1)
    with pytest.raises(ProcedureNotFound, match="find_procedure"):
        rate_procedure(store, "no-such-procedure", True, now=NOW)
    assert get_procedure(store, pid).stats.successes == 0
    assert store.count_ratings() == 0


def test_a_well_rated_procedure_outranks_a_poorly_rated_similar_one(store: Any, embedder: Any) -> None:
    good = learn(store, embedder, cancel_session(), "s1")
    other = chat(
        user("Please cancel my booking Q7RT2K, user id ana_ruiz_1001"),
        call("lookup_booking", {"booking_id": "Q7RT2K"}, {"status": "active"}),
        call("void_booking", {"booking_id": "Q7RT2K"}, {"status": "void"}),
        assistant("Your booking is cancelled."),
    )
    bad = learn(store, embedder, other, "s2")
    assert good != bad
    for _ in range(4):  # fewer than RetirePolicy.min_ratings: rated down, not retired
        rate_procedure(store, bad, False, now=NOW)
        rate_procedure(store, good, True, now=NOW)
    result = find_procedures(store, embedder, "cancel my booking", now=NOW)
    ranked = [p.id for p in result.procedures]
    assert ranked.index(good) < ranked.index(bad)
    assert next(p for p in result.procedures if p.id == bad).needs_review


def test_ratings_from_another_process_reach_a_warmed_cache(
    store: Any, embedder: Any, two_procedures: Any, tmp_path: Any
) -> None:
    from deftly.server.storage.db import Database
    from deftly.server.storage.store import LanceStore

    assert store.warm_cache() == 2
    pid = two_procedures["cancel"]
    before = find_procedures(store, embedder, "cancel a reservation", now=NOW).procedures[0]
    other = LanceStore(  # a second connection, as another deftly serve on the same home has
        Database(tmp_path / "db", dimensions=embedder.dimensions, embedding_model=embedder.model_name), "default"
    )

    for _ in range(3):
        rate_procedure(other, pid, False, now=NOW)
    after = find_procedures(store, embedder, "cancel a reservation", now=NOW).procedures

    assert before.id == pid and before.success_rate is None, "never rated: no success figure"
    rated = next(hit for hit in after if hit.id == pid)
    assert (rated.successes, rated.failures) == (0, 3)
    assert rated.success_rate is not None and rated.success_rate < 0.5 and rated.needs_review
    assert get_procedure(store, pid).stats.failures == 3


def expense_session(request: str, decision: str) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("expenses.list_claims", {"employee": "Marta Silva", "status": "pending"}, {"claims": [{"id": "EX-4410"}]}),
        call("expenses.decide_claim", {"claim_id": "EX-4410", "decision": decision}, {"status": f"{decision}d"}),
        assistant(f"Claim EX-4410 is {decision}d."),
    )


def test_a_procedure_doing_the_opposite_of_the_request_ranks_below_the_one_doing_it(store: Any, embedder: Any) -> None:
    reject_request = "Reject the expense claim Marta Silva sent for the Lisbon trip."
    reject = learn(store, embedder, expense_session(reject_request, "reject"), "r")
    approve = learn(
        store, embedder, expense_session("OK the claim Marta Silva sent for Lisbon, approve it", "approve"), "a"
    )

    found = find_procedures(store, embedder, "Accept the expense claim Tomas Berg sent for the Porto trip", now=NOW)
    declined = find_procedures(store, embedder, "OK the claim Tomas Berg sent for Porto, deny it", now=NOW)

    assert found.procedures[0].id == approve
    assert declined.procedures[0].id == reject


def test_one_common_word_shared_with_the_request_does_not_outrank_the_procedure_it_means(
    store: Any, embedder: Any
) -> None:
    """The best keyword hit scored 1 even when it shared only "plan" with a request about something else."""
    handoff = chat(
        user("I want to end my broadband contract, the speeds are awful"),
        call("lookup_account", {"phone": "+15182177760"}, {"account_id": "BW-5435388"}),
        call("transfer_to_human_agents", {"summary": "customer wants to end the contract"}, {"status": "ok"}),
        assistant("I'm passing you to the retention team, who handle contract endings."),
    )
    instalments = chat(
        user("can I set up a payment plan for my overdue electricity plan balance?"),
        call("get_balance", {"account": "EL-7731"}, {"overdue": 412.5}),
        call("create_payment_plan", {"account": "EL-7731", "instalments": 3}, {"plan_id": "PP-118"}),
        assistant("Done: three monthly instalments of $137.50."),
    )
    ended = learn(store, embedder, handoff, "handoff")
    learn(store, embedder, instalments, "instalments")

    found = find_procedures(
        store, embedder, "I'd like to terminate my mobile plan and leave for another carrier", now=NOW
    )

    assert found.procedures and found.procedures[0].id == ended
