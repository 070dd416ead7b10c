"""Requests of every kind of work read as asked: what a sentence asks, what it only tells, whose words they are."""

from __future__ import annotations

import pytest
from tracebuilders import assistant, call, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.segment import split_tasks
from deftly.tools.extract.titles import request_sentence
from deftly.tools.extract.tools_kind import is_read_only
from deftly.tools.extract.wording import generalize_words, reports

EXTRACT = HeuristicExtractor().extract


@pytest.mark.parametrize(
    ("request_text", "done"),
    [
        ("I want her account dana.kim locked, she left today", "iam.unlock_account"),
        ("make sure the beta flag is enabled for acme", "flags.disable_flag"),
        ("I need the #old-launch channel archived", "slack.unarchive_channel"),
    ],
)
def test_a_state_wanted_in_a_participle_is_asked_and_its_opposite_is_not_learned(request_text: str, done: str) -> None:
    extraction = EXTRACT(
        trace_of(
            user(request_text),
            call(done.split(".")[0] + ".lookup", {"q": "target"}, {"id": "t-1"}),
            call(done, {"id": "t-1"}, {"ok": True}),
            assistant("Done."),
        )
    )

    assert not extraction.drafts and "opposite" in extraction.skipped[0].reason


def test_a_tool_opening_with_a_noun_that_is_also_a_verb_may_only_look() -> None:
    assert all(is_read_only(t) for t in ["order_get_status", "log_search_events", "text_search_documents"])
    assert all(is_read_only(t) for t in ["ship_get_rates", "mcp__order__order_status"])


def test_a_question_or_a_measurement_only_looks() -> None:
    assert all(is_read_only(t) for t in ["can_send_mms", "is_eligible_for_refund", "has_access", "can_create_user"])
    assert all(is_read_only(t) for t in ["run_speed_test", "run_health_check", "mcp__isp__run_diagnostics"])
    # a test suite's failure is evidence the work failed; a failover test or a background check acts
    acting = ["run_tests", "run_failover_test", "run_background_check", "run_migration", "reboot_device"]
    assert not any(is_read_only(t) for t in acting)


def test_a_status_report_opening_with_a_word_tools_act_with_is_still_a_report() -> None:
    assert reports("Invoice INV-2231 shows the wrong amount") and reports("Sync is stuck at 40% for the connector")
    assert reports("Deploy failed on staging again")
    assert not reports("Close the tickets not updated in 30 days") and not reports("Merge the PR Alex just approved")
    assert not reports("Remind Ken his timesheet needs approval by noon")


def test_a_request_finished_with_please_before_a_dash_ends_there() -> None:
    assert request_sentence("profile analytics.fct_orders for me pls — nulls, distinct counts, ranges") == (
        "profile analytics.fct_orders"
    )
    assert request_sentence("can you please — sorry — restart the api") == "restart the api"
    assert request_sentence("Rename the drive — it should be Finance 2027") == "Rename the drive"


def test_whether_something_works_is_told_and_making_sure_it_does_is_asked() -> None:
    assert reports("calls work.") and reports("the staging build works now") and reports("nothing worked")
    assert not reports("Make sure checkout works after the deploy") and not reports("Ensure the nightly job is green")
    assert not reports("Verify login works on staging") and not reports("Get the VPN to work again")
    assert not reports("I need it to work by Friday")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Request a refund for order 1182", "Request a refund for order 1182"),
        ("Ask Dana to approve PO-4471", "Ask Dana to approve PO-4471"),
        ("Send the contract — the signed PDF — to legal@acme.io", "Send the contract to legal@acme.io"),
        ("which plans do I qualify for?", "find out which plans the user qualifies"),
    ],
)
def test_verbs_that_are_also_nouns_and_asides_between_dashes_keep_the_request(text: str, asked: str) -> None:
    assert request_sentence(text) == asked


def test_a_wish_for_a_record_opening_with_a_tool_word_is_still_a_wish() -> None:
    assert (request_sentence("Invoice INV-2231 should be marked as paid") or "").startswith("set ")


def test_a_weekday_after_any_word_but_a_named_days_is_the_day_meant() -> None:
    assert generalize_words("PTO Friday, back Monday", {}, []) == "PTO {day}, back {day}"
    assert generalize_words("Cyber Monday deals", {}, []) == "Cyber Monday deals"


def test_who_the_user_is_asked_in_any_words_is_no_request() -> None:
    [draft] = EXTRACT(
        trace_of(
            user("Hi, where is my claim at? I filed it after a break-in."),
            assistant("Sure. Please share the last 4 digits of your phone number and your policy number."),
            user("5521, MM-RE-6342072"),
            call("get_policy", {"policy_number": "MM-RE-6342072"}, {"status": "active"}),
            call("list_claims", {"policy_number": "MM-RE-6342072"}, {"claims": [{"id": "CLM-36920261"}]}),
            call("get_claim", {"claim_id": "CLM-36920261"}, {"status": "under_review"}),
            assistant("Your claim is under review."),
        )
    ).drafts

    assert "{number}" not in draft.title and "policy_number" not in draft.title, draft.title


@pytest.mark.parametrize("moving_on", ["Unrelatedly can you", "Unrelated question: can you", "Unrelated, but can you"])
def test_unrelated_in_any_form_moves_on(moving_on: str) -> None:
    trace = trace_of(
        user("Restart the payments worker in staging"),
        call("k8s.restart_deployment", {"name": "payments-worker", "namespace": "staging"}, {"ok": True}),
        assistant("Restarted."),
        user(f"{moving_on} add the payments-worker deployment to the weekly report?"),
        call("k8s.get_deployment", {"name": "payments-worker", "namespace": "staging"}, {"ready": "3/3"}),
        call("reports.add_item", {"report": "weekly", "item": "payments-worker"}, {"ok": True}),
        assistant("Added."),
    )

    assert [len(task.calls) for task in split_tasks(trace)] == [1, 2]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("I want her account dana.kim locked before end of day", "lock her account dana.kim before end of day"),
        ("I need the #old-launch channel archived", "archive the #old-launch channel"),
        ("we need the nightly build stopped", "stop the nightly build"),
    ],
)
def test_a_state_wanted_is_asked_with_its_verb(text: str, asked: str) -> None:
    from deftly.tools.extract.problems import wanted_done

    assert wanted_done(text) == asked
