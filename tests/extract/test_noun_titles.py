"""A title says what to do: a noun phrase, a status report or what the user does for the agent is no title."""

from __future__ import annotations

from typing import Any

import pytest
from tracebuilders import assistant, call, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.noun_titles import opens_with_object
from deftly.tools.extract.titles import request_sentence

EXTRACT = HeuristicExtractor().extract


def _title(*parts: list[Any]) -> str:
    (draft,) = EXTRACT(trace_of(*parts)).drafts
    return draft.title


def test_a_noun_phrase_for_what_the_tool_acted_on_is_titled_with_what_the_tool_did() -> None:
    utilities = _title(
        user("payment arrangement pls"),
        assistant("Sure, what's the account number?"),
        user("9719-13806-77"),
        call("get_account", {"account_number": "9719-13806-77"}, {"balance_due": 412.3}),
        call("get_payment_plan_options", {"account_number": "9719-13806-77"}, {"options": [3, 6]}),
        call("create_payment_plan", {"account_number": "9719-13806-77", "installments": 6}, {"plan_id": "PP-1"}),
        assistant("You're set up on a 6 month plan."),
    )
    office = _title(
        user("expense report for the Denver offsite, receipts are in the shared folder"),
        call("drive.list_files", {"folder": "Receipts/Denver"}, {"files": ["hotel.pdf", "taxi.pdf"]}),
        call("expenses.submit_expense_report", {"trip": "Denver offsite", "files": ["hotel.pdf", "taxi.pdf"]}, {}),
        assistant("Submitted your expense report with 2 receipts."),
    )

    assert utilities.split()[0] == "Create" and "payment" in utilities.lower()
    assert office.startswith("Submit expense report"), office


def test_a_verb_that_is_also_what_the_tool_makes_stays_the_verb_of_the_title() -> None:
    review = _title(
        user("Review #412 in acme/api and approve it if the tests pass"),
        call("github.get_pull_request", {"owner": "acme", "repo": "api", "pull_number": 412}, {"state": "open"}),
        call("github.create_review", {"owner": "acme", "repo": "api", "pull_number": 412, "event": "APPROVE"}, {}),
        assistant("Approved #412."),
    )
    dispute = _title(
        user("Dispute a charge from Olive Bistro for $84.20, I never ate there"),
        call("list_transactions", {"merchant": "Olive Bistro"}, {"transactions": [{"id": "TX-9", "amount": 84.2}]}),
        call("create_dispute", {"transaction_id": "TX-9", "reason": "not recognised"}, {"dispute_id": "DP-3"}),
        assistant("Dispute DP-3 is open."),
    )

    assert review.startswith("Review #{pull_number}"), review
    assert dispute.startswith("Dispute a charge"), dispute
    assert opens_with_object("Meter reading", ["submit_meter_reading"])
    assert opens_with_object("Reservation {confirmation_number}", ["modify_reservation"])  # a label, not a verb
    assert not opens_with_object("Review #{pull_number} in {repo}", ["create_review"])
    assert not opens_with_object("Claim on the insurance", ["create_claim"])
    assert not opens_with_object("Archive old tickets", ["archive_ticket"])  # the tool's own verb


@pytest.mark.parametrize(
    ("report", "tools"),
    [
        (
            "Mobile data stopped working for about an hour, wifi is fine. Can you help?",
            [("get_line_status", {"line": "5550101"}, {"data": "off"}), ("check_network_status", {"zip": "27690"}, {})],
        ),
        (
            "Staging deploy still says pending since this morning",
            [
                ("get_deployment", {"env": "staging"}, {"status": "pending"}),
                ("get_deploy_logs", {"env": "staging"}, ""),
            ],
        ),
    ],
)
def test_what_was_wrong_is_not_the_title(report: str, tools: list[tuple[str, dict[str, Any], Any]]) -> None:
    title = _title(user(report), *(call(*t) for t in tools), assistant("Here is what I found."))

    assert not title.lower().startswith(("mobile data", "staging deploy still")), title
    assert title.split()[0] in {"Check", "Get", "Find"}, title


def test_what_the_user_gives_the_agent_is_not_the_task() -> None:
    title = _title(
        user("I want to send you the new hire's signed W-4"),
        assistant("Sure, please attach it."),
        user("attached: w4_signed.pdf"),
        call("hr.upload_document", {"employee_id": "E-1042", "kind": "W-4", "file": "w4_signed.pdf"}, {"ok": True}),
        assistant("Uploaded to their file."),
    )

    assert "send you" not in title.lower()
    assert title.startswith("Upload"), title


def test_a_chat_request_without_its_subject_or_behind_also_is_still_the_request() -> None:
    assert request_sentence("need to add receipts to my wind claim") == "add receipts to the wind claim"
    assert request_sentence("Also what's happening with my refund?") == "find out what's happening with the refund"
    assert request_sentence("Why?") is None  # asks about what came before, says nothing itself
    swap = _title(
        user("my phone got stolen, need my number on a new sim. (208) 891-4932"),
        call("lookup_subscriber", {"phone": "2088914932"}, {"line_id": "L-77"}),
        call("swap_sim", {"line_id": "L-77", "iccid": "8901244280797029843"}, {"status": "active"}),
        assistant("Your number is now on the new SIM."),
    )

    assert swap.lower().startswith("swap sim"), swap


@pytest.mark.parametrize(
    ("request_text", "calls"),
    [
        (
            "Query weekly signups by country for November",
            [("warehouse.list_tables", {}, ["signups"]), ("warehouse.get_query_results", {"table": "signups"}, [])],
        ),
        (
            "Ship order 1182 by express courier",
            [("shop.get_order", {"id": 1182}, {"ok": 1}), ("shop.create_ship_order", {"order": 1182}, {"ok": 1})],
        ),
        (
            "Log call with Acme about renewal pricing",
            [("crm.find_account", {"q": "Acme"}, {"id": "A1"}), ("crm.create_call_log", {"account": "A1"}, {})],
        ),
        (
            "Text Maria that standup moved to 10",
            [("contacts.search", {"q": "Maria"}, {"phone": "+1555"}), ("sms.send_text", {"to": "+1555"}, {})],
        ),
        (
            "Export the Q3 churn table to CSV",
            [("bi.get_table", {"name": "churn_q3"}, {}), ("bi.create_export", {"table": "churn_q3"}, {})],
        ),
    ],
)
def test_a_verb_a_tool_names_as_its_object_still_opens_the_title(
    request_text: str, calls: list[tuple[str, dict[str, Any], Any]]
) -> None:
    title = _title(user(request_text), *(call(*c) for c in calls), assistant("Done."))

    assert title.split()[0] == request_text.split()[0], title


@pytest.mark.parametrize(
    ("request_text", "tool", "said"),
    [
        ("Can you close the tickets not updated in 30 days?", "helpdesk.close_ticket", "not updated"),
        ("Mark invoices not paid by the 15th as overdue", "billing.update_invoice", "not paid"),
        ("Please merge the PR Alex just approved", "github.merge_pull_request", "just approved"),
    ],
)
def test_which_ones_said_after_the_verb_is_no_status_report(request_text: str, tool: str, said: str) -> None:
    title = _title(
        user(request_text),
        call(tool.split(".")[0] + ".search", {"filter": "stale"}, {"ids": [101, 102]}),
        call(tool, {"id": 101}, {"ok": True}),
        call(tool, {"id": 102}, {"ok": True}),
        assistant("Done."),
    )

    assert said in title, title


def test_a_request_opening_with_its_verb_is_not_read_as_a_wish() -> None:
    assert request_sentence("Rename the shared drive — it should be Finance 2027") == "Rename the shared drive"
    assert request_sentence("Goran's manager should be Sven now") == "set goran's manager to Sven"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("how much data have I used this month?", "find out how much data the user has used this month"),
        ("how many vacation days do I have left?", "find out how many vacation days the user has left"),
        ("Which invoices do we still owe?", "find out which invoices the user still owes"),
        ("how much does Sam owe?", "find out how much Sam owes"),
    ],
)
def test_a_question_about_the_user_is_asked_about_the_user(question: str, asked: str) -> None:
    assert request_sentence(question) == asked
