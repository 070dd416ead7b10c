"""Support chats as agents run them: what the run did against what was asked, who the user is, which day."""

from __future__ import annotations

from typing import Any

import pytest
from tracebuilders import assistant, call, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor

EXTRACT = HeuristicExtractor().extract


@pytest.mark.parametrize(
    ("request_text", "done", "arguments"),
    [
        ("I think I left my credit card at the mall, can you freeze it for now?", "unfreeze_card", {"card_id": "c-51"}),
        ("Pause the nightly export job until the migration is over", "scheduler.resume_job", {"job": "nightly-export"}),
        ("please uninstall the old VPN client from my laptop", "mdm.install_app", {"app": "vpn-legacy"}),
    ],
)
def test_a_run_that_undid_what_was_asked_is_no_procedure(request_text: str, done: str, arguments: Any) -> None:
    extraction = EXTRACT(
        trace_of(user(request_text), call(done, arguments, {"status": "ok"}), assistant("Done, all set."))
    )

    assert not extraction.drafts
    assert "opposite" in extraction.skipped[0].reason


def test_the_operation_asked_for_is_learned_whatever_its_prefix() -> None:
    extraction = EXTRACT(
        trace_of(
            user("Found my card in my coat pocket! Can you unfreeze it?"),
            call("list_cards", {"customer_id": "C85543304"}, {"cards": [{"id": "c-51", "status": "frozen"}]}),
            call("unfreeze_card", {"card_id": "c-51"}, {"status": "active"}),
            assistant("Your card is active again."),
        )
    )

    [draft] = extraction.drafts
    assert "unfreeze" in draft.title.lower()


def test_who_the_user_is_asked_without_a_question_mark_is_no_request() -> None:
    extraction = EXTRACT(
        trace_of(
            user("card problem"),
            assistant("Sorry to hear that. What's happening with your card?"),
            user("I can't find my debit card, lost it on the train. can you freeze it"),
            assistant("To find your profile, please share your customer number or the email you bank with."),
            user("customer number C85543304"),
            call("find_customer", {"customer_number": "C85543304"}, {"customer_id": "cu_88"}),
            call("list_cards", {"customer_id": "cu_88"}, {"cards": [{"id": "c-51", "type": "debit"}]}),
            call("freeze_card", {"card_id": "c-51"}, {"status": "frozen"}),
            assistant("Your debit card is frozen."),
        )
    )

    [draft] = extraction.drafts
    assert not any("customer number" in request.lower() for request in draft.requests)
    assert "customer number" not in draft.title.lower()


@pytest.mark.parametrize(
    ("request_text", "tool", "arguments"),
    [
        (
            "Can you move my dentist appointment to Friday?",
            "reschedule_appointment",
            {"appointment_id": "AP-9", "date": "2026-12-11"},
        ),
        (
            "Set up 30 min with Dana on Tuesday about the vendor renewal",
            "calendar.create_event",
            {"attendees": ["dana.ruiz@acme.io"], "start": "2026-12-08T15:00", "minutes": 30, "title": "Vendor renewal"},
        ),
    ],
)
def test_a_weekday_the_user_named_is_a_placeholder(request_text: str, tool: str, arguments: Any) -> None:
    looked_up = call("directory.search_people", {"query": "Dana"}, {"people": [{"email": "dana.ruiz@acme.io"}]})
    done = call(tool, arguments, {"ok": True})
    [draft] = EXTRACT(trace_of(user(request_text), looked_up, done, assistant("Done."))).drafts

    said = " ".join([draft.title, *draft.requests])
    assert "{day}" in said and "friday" not in said.lower() and "tuesday" not in said.lower()


@pytest.mark.parametrize(
    ("request_text", "done", "arguments"),
    [
        ("I installed numpy 2.0 by mistake, please remove it and pin 1.26", "pip.uninstall", {"package": "numpy"}),
        ("I attached the wrong PDF to ticket 4411, can you remove it?", "helpdesk.detach_file", {"ticket": 4411}),
        ("The old Chase account is still connected, take it off", "bank.disconnect_account", {"account": "chase"}),
    ],
)
def test_what_the_user_says_they_did_is_not_what_they_ask_for(request_text: str, done: str, arguments: Any) -> None:
    extraction = EXTRACT(
        trace_of(
            user(request_text),
            call("inventory.list", {"kind": done.split(".")[0]}, {"items": [arguments]}),
            call(done, arguments, {"status": "ok"}),
            assistant("Done."),
        )
    )

    assert extraction.drafts and not extraction.skipped


def test_a_request_given_with_who_the_user_is_is_still_the_request() -> None:
    [draft] = EXTRACT(
        trace_of(
            user("Hi there, quick question about my plan"),
            assistant("Sure! Please share the email on your account and what you'd like to change."),
            user("downgrade me to the basic plan please"),
            call("billing.find_customer", {"email": "kim@example.com"}, {"customer_id": "cu_9"}),
            call("billing.change_plan", {"customer_id": "cu_9", "plan": "basic"}, {"ok": True}),
            assistant("You're on the basic plan from the next cycle."),
        )
    ).drafts

    assert "basic plan" in draft.title.lower() and draft.title.lower().startswith("downgrade")


def test_a_weekday_in_a_name_is_no_day_the_user_meant() -> None:
    from deftly.tools.extract.wording import generalize_words

    assert generalize_words("Publish the Black Friday banner", {}, []) == "Publish the Black Friday banner"
    assert generalize_words("Export the roadmap from Monday.com", {}, []) == "Export the roadmap from Monday.com"
    assert generalize_words("Can we do Tuesday instead? No, next Tuesday", {}, []).endswith("next {day}")


def test_the_details_asked_for_with_please_are_no_title() -> None:
    [draft] = EXTRACT(
        trace_of(
            user("Hi, I filed a claim after my laptop was stolen and haven't heard anything. Where is it at?"),
            assistant("Sure. Please share the policy number and the policyholder's date of birth."),
            user("policy MM-RE-6342072 dob October 28, 1982"),
            call("get_policy", {"policy_number": "MM-RE-6342072"}, {"status": "active"}),
            call("list_claims", {"policy_number": "MM-RE-6342072"}, {"claims": [{"id": "CLM-36920261"}]}),
            call("get_claim", {"claim_id": "CLM-36920261"}, {"status": "under_review"}),
            assistant("Your claim CLM-36920261 is under review; nothing is needed from you."),
        )
    ).drafts

    assert "dob" not in draft.title.lower() and "{date}" not in draft.title


def test_a_hand_off_is_titled_with_what_was_handed_off_not_with_the_ask_to_transfer() -> None:
    extraction = EXTRACT(
        trace_of(
            user("Can you restore the shared mailbox finance-ops that was deleted last month?"),
            call("it.get_mailbox", {"name": "finance-ops"}, {"status": "deleted", "days_ago": 41}),
            assistant("It was deleted 41 days ago; I can only restore within 30 days. Want me to hand this over?"),
            user("ugh, ok, yes please transfer me to someone who can"),
            call("transfer_to_human_agents", {"summary": "Restore mailbox finance-ops deleted 41 days ago"}, "ok"),
            assistant("You're being transferred now."),
        )
    )

    titles = [draft.title for draft in extraction.drafts]
    assert any(title.startswith("Hand off a request to restore") for title in titles), titles


def test_a_hand_off_after_a_question_is_titled_with_the_change_asked() -> None:
    [draft] = EXTRACT(
        trace_of(
            user("How much is the change fee on a basic economy ticket?"),
            assistant("Basic economy can't be changed; other fares have no change fee."),
            user("Then I need to change the passenger on reservation ZFA04Y to my sister Ana Li"),
            call("get_reservation_details", {"reservation_id": "ZFA04Y"}, {"passengers": [{"name": "Mia Li"}]}),
            assistant("I can't change passengers. Shall I transfer you to an agent?"),
            user("yes please transfer me"),
            call("transfer_to_human_agents", {"summary": "Change passenger on ZFA04Y"}, "Transfer successful"),
            assistant("Transferring you now."),
        )
    ).drafts

    assert draft.title.startswith("Hand off a request to change the passenger"), draft.title
