"""Splitting traces into tasks, and which tasks become procedures."""

from __future__ import annotations

from typing import Any

import pytest
from tracebuilders import assistant, call, cancel_session, chat, trace_of, user

from deftly.tools.extract.base import Task
from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.segment import split_tasks
from deftly.tools.trace import Trace

EXTRACT = HeuristicExtractor().extract


def test_answers_and_acknowledgements_stay_in_the_request_they_answer() -> None:
    tasks = split_tasks(trace_of(cancel_session()))
    assert len(tasks) == 1
    assert tasks[0].request.startswith("Hi, I'd like to cancel")
    assert [c.tool for c in tasks[0].calls] == ["get_user_details", "get_reservation_details", "cancel_reservation"]


def test_a_new_request_after_a_finished_task_starts_a_second_task() -> None:
    trace = trace_of(
        cancel_session(),
        user("Also, can you send me a $50 certificate for the trouble? My user id is mia_li_3668."),
        call("get_user_details", {"user_id": "mia_li_3668"}, {"membership": "gold"}),
        call("send_certificate", {"user_id": "mia_li_3668", "amount": 50}, "Certificate added"),
        assistant("I sent you a $50 certificate."),
    )
    tasks = split_tasks(trace)
    assert len(tasks) == 2
    assert tasks[1].request.startswith("Also, can you send me")
    assert [c.tool for c in tasks[1].calls] == ["get_user_details", "send_certificate"]
    extraction = EXTRACT(trace)
    assert len(extraction.drafts) == 2


def test_a_second_request_ending_in_too_starts_a_second_task_but_a_complaint_with_too_does_not() -> None:
    def session(follow_up: str) -> list[Task]:
        return split_tasks(
            trace_of(
                user("Renew the TLS certificate for api.northwind.dev"),
                call("certs.renew", {"hostname": "api.northwind.dev"}, {"serial": "5F:A2", "expires": "2027-03-01"}),
                assistant("Renewed; the new certificate expires on 2027-03-01."),
                user(follow_up),
                call("dns.find_zone", {"name": "northwind.dev"}, {"zone_id": "z_4410"}),
                call("dns.create_record", {"zone_id": "z_4410", "type": "CNAME", "name": "docs"}, {"id": "r_81"}),
                assistant("Added the record."),
            )
        )

    assert len(session("and a CNAME for docs.northwind.dev too: point it at northwind.netlify.app")) == 2
    assert len(session("that took too long, add a docs CNAME record next time")) == 1
    assert len(session("It should point docs.northwind.dev at the new host too.")) == 1  # pointing back
    assert len(session("Thanks, you too!")) == 1


def test_a_refinement_before_the_work_is_done_stays_in_the_task() -> None:
    trace = trace_of(
        user("Email the Q4 report to bob@acme.com"),
        call("search_files", {"query": "Q4 report"}, {"files": [{"id": "f_77", "name": "q4.pdf"}]}),
        user("Also cc carol@acme.com"),
        call("send_email", {"to": "bob@acme.com", "cc": "carol@acme.com", "attachment": "f_77"}, {"ok": True}),
        assistant("Sent."),
    )
    tasks = split_tasks(trace)
    assert len(tasks) == 1
    assert len(tasks[0].user_texts) == 2


def test_a_greeting_is_not_the_request() -> None:
    trace = trace_of(user("Hi!"), assistant("Hello, how can I help?"), *[cancel_session()])
    tasks = split_tasks(trace)
    assert len(tasks) == 1
    assert tasks[0].request.startswith("Hi, I'd like to cancel")


def test_a_task_only_discussed_is_skipped_with_the_reason() -> None:
    trace = trace_of(
        user("Can you cancel my reservation ZFA04Y?"),
        assistant("I need your user id first."),
        user("I'll come back later. ###STOP###"),
    )
    extraction = EXTRACT(trace)
    assert extraction.drafts == []
    assert "discussed, not executed" in extraction.skipped[0].reason


def test_a_single_lookup_is_trivial() -> None:
    trace = trace_of(
        user("What's the status of flight HAT001?"),
        call("get_flight_status", {"flight_number": "HAT001"}, {"status": "on time"}),
        assistant("It is on time."),
    )
    extraction = EXTRACT(trace)
    assert extraction.drafts == []
    assert extraction.skipped[0].reason.startswith("trivial: a single read-only lookup")


def test_a_reported_failure_is_skipped() -> None:
    extraction = EXTRACT(trace_of(cancel_session()), "failure")
    assert extraction.drafts == []
    assert "outcome was reported as failure" in extraction.skipped[0].reason


def test_a_refusal_is_skipped_and_keeps_its_reason_as_a_lesson() -> None:
    trace = trace_of(
        user("I need to cancel my reservation ZFA04Y, my user id is mia_li_3668."),
        call("get_user_details", {"user_id": "mia_li_3668"}, {"reservations": ["ZFA04Y"]}),
        call("get_reservation_details", {"reservation_id": "ZFA04Y"}, {"cabin": "basic_economy"}),
        assistant(
            "I'm sorry, but basic economy reservations without travel insurance cannot be cancelled "
            "for a change of plans. Is there anything else I can do?"
        ),
    )
    extraction = EXTRACT(trace)
    assert extraction.drafts == []
    skipped = extraction.skipped[0]
    assert skipped.reason == "the final answer says the request could not be done"
    assert skipped.lesson == (
        "Basic economy reservations without travel insurance cannot be cancelled for a change of plans."
    )


def test_a_short_name_inside_another_word_does_not_cost_the_lesson() -> None:
    trace = trace_of(
        user("Hi, I'm Ann Lee. Please cancel my reservation ZFA04Y."),
        call("get_user_details", {"user_id": "ann_lee_1207", "first_name": "Ann"}, {"reservations": ["ZFA04Y"]}),
        call("get_reservation_details", {"reservation_id": "ZFA04Y"}, {"cabin": "basic_economy"}),
        assistant("I'm sorry, but basic economy reservations cannot be cancelled for a change of plans."),
    )

    [skipped] = EXTRACT(trace).skipped

    assert skipped.lesson == "Basic economy reservations cannot be cancelled for a change of plans."


def test_checking_and_finding_nothing_to_do_is_a_procedure_that_does_not_claim_the_change() -> None:
    # The request's words do not decide: the lookups ran and the answer was reported, so the task is learned,
    # but its title says what the steps did (checked), not that the change happened.
    trace = trace_of(
        user("I want to change my flight on reservation ZFA04Y."),
        call("get_reservation_details", {"reservation_id": "ZFA04Y"}, {"flights": ["HAT001"]}),
        call("search_direct_flight", {"origin": "JFK", "destination": "SEA", "date": "2024-05-20"}, []),
        assistant("There are no other flights that day. Let me know if you want another date."),
    )
    [draft] = EXTRACT(trace).drafts
    assert [s.tool for s in draft.steps] == ["get_reservation_details", "search_direct_flight"]
    assert draft.title.startswith("Check whether to change the flight"), draft.title


def test_a_one_action_follow_up_on_the_same_values_joins_the_previous_task() -> None:
    trace = trace_of(
        user("My flight from Boston was delayed, what can you do? My user id is noah_muller_9847."),
        call("get_user_details", {"user_id": "noah_muller_9847"}, {"reservations": ["4OG6T3"]}),
        call("get_reservation_details", {"reservation_id": "4OG6T3"}, {"status": "delayed"}),
        assistant("Your flight was delayed. As a gold member you are eligible for a $50 certificate."),
        user("Yes, please send it."),
        user("I'd like the certificate now please."),
        call("send_certificate", {"user_id": "noah_muller_9847", "amount": 50}, "Certificate added"),
        assistant("Done."),
    )
    tasks = split_tasks(trace)
    assert len(tasks) == 1
    assert [c.tool for c in tasks[0].calls][-1] == "send_certificate"


def test_chat_helper_round_trip() -> None:
    messages = chat(user("x"), assistant("y"))
    assert [m["role"] for m in messages] == ["user", "assistant"]


def test_another_matter_after_a_question_answered_by_lookups_is_another_task_though_it_uses_what_they_found() -> None:
    def session(follow_up: str) -> Trace:
        return trace_of(
            user("how many open incidents are assigned to me? I'm dkovacs"),
            call("itsm.find_user", {"login": "dkovacs"}, {"user_id": "U-40917", "team": "platform"}),
            call(
                "itsm.list_incidents", {"assignee": "U-40917", "state": "open"}, {"incidents": ["INC-2231", "INC-2240"]}
            ),
            assistant("You have 2 open incidents: INC-2231 and INC-2240."),
            user(follow_up),
            call("itsm.update_incident", {"id": "INC-2240", "assignee": "U-40917", "priority": "P2"}, {"ok": True}),
            assistant("Done, INC-2240 is now P2."),
        )

    another = split_tasks(session("one more thing, can you set my printer ticket to P2? it's INC-2240"))
    further = [
        split_tasks(session(text)) for text in ("ok, set the second one to P2", "one more thing: set both to P2")
    ]
    aside = split_tasks(session("ok, set those two separately to P2"))

    assert [len(task.calls) for task in another] == [2, 1]
    # the lookups were the first steps of the change: "both", "those" point back at what they found
    assert [[len(task.calls) for task in tasks] for tasks in [*further, aside]] == [[3], [3], [3]]


def test_two_requests_in_one_message_done_by_two_tools_are_two_tasks() -> None:
    from deftly.tools.extract.heuristic import HeuristicExtractor

    two = trace_of(
        user("Please restart the payments deployment in prod. Also, can you scale search to 5 replicas?"),
        call("k8s.get_deployment", {"name": "payments", "namespace": "prod"}, {"ready": "0/3"}),
        call("k8s.restart_deployment", {"name": "payments", "namespace": "prod"}, {"ok": True}),
        assistant("payments restarted. Now the scaling."),
        call("k8s.scale_deployment", {"name": "search", "namespace": "prod", "replicas": 5}, {"ok": True}),
        assistant("search runs 5 replicas."),
    )
    one_kind = trace_of(
        user("I moved: update my address to 445 Maple Drive, and also make sure my open orders ship there"),
        call("crm.update_profile_address", {"customer": "C-77", "address": "445 Maple Drive"}, {"ok": True}),
        call("orders.update_order_address", {"order": "W-9583", "address": "445 Maple Drive"}, {"ok": True}),
        assistant("Your address and your open order are updated."),
    )

    drafts = HeuristicExtractor().extract(two).drafts

    assert [[step.tool for step in draft.steps if step.tool] for draft in drafts] == [
        ["k8s.get_deployment", "k8s.restart_deployment"],
        ["k8s.scale_deployment"],
    ]
    assert "scale" in drafts[1].title.lower() and "restart" not in drafts[1].title.lower()
    assert len(HeuristicExtractor().extract(one_kind).drafts) == 1  # one kind of change, asked twice


@pytest.mark.parametrize("moving_on", ["Unrelatedly,", "On another note,", "While I have you,", "Something else:"])
def test_every_way_of_moving_on_in_one_message_starts_a_second_task(moving_on: str) -> None:
    from deftly.tools.extract.heuristic import HeuristicExtractor

    trace = trace_of(
        user(f"Please rotate the API key of the billing service. {moving_on} add Maya Chen to the on-call schedule"),
        call("vault.read_metadata", {"path": "services/billing/api-key"}, {"version": 6, "age_days": 91}),
        call("vault.rotate_secret", {"path": "services/billing/api-key"}, {"version": 7}),
        assistant("The billing key is rotated (version 7)."),
        call("pagerduty.add_to_schedule", {"schedule": "primary", "user": "maya.chen@acme.io"}, {"ok": True}),
        assistant("Maya is on the primary schedule."),
    )

    drafts = HeuristicExtractor().extract(trace).drafts

    assert [[step.tool for step in draft.steps] for draft in drafts] == [
        ["vault.read_metadata", "vault.rotate_secret"],
        ["pagerduty.add_to_schedule"],
    ]


def _stay(*later: list[Any]) -> Trace:
    return trace_of(
        user("i want to stay longer, two more nights. conf H2I1CA6L, last name Dubois"),
        call("find_reservation", {"confirmation_number": "H2I1CA6L", "last_name": "Dubois"}, {"hotel_id": "HL-SEA1"}),
        call("modify_reservation", {"confirmation_number": "H2I1CA6L", "check_out": "2026-03-02"}, {"ok": True}),
        assistant("Done! You now check out on Mar 2."),
        *later,
    )


def test_oh_and_another_question_after_a_change_is_another_task_and_oh_make_it_refines() -> None:
    asked_more = _stay(
        user("Oh and can we check out late, like 1pm?"),
        call("check_late_checkout", {"hotel_id": "HL-SEA1", "date": "2026-03-02"}, {"available": True}),
        call("add_late_checkout", {"confirmation_number": "H2I1CA6L", "checkout_time": "13:00"}, {"ok": True}),
        assistant("Done, you can check out at 1pm."),
    )
    refined = _stay(
        user("oh, make it three nights"),
        call("modify_reservation", {"confirmation_number": "H2I1CA6L", "check_out": "2026-03-03"}, {"ok": True}),
        assistant("Updated: you now check out on Mar 3."),
    )

    assert [len(task.calls) for task in split_tasks(asked_more)] == [2, 2]
    assert [len(task.calls) for task in split_tasks(refined)] == [3]


def test_what_happened_told_after_a_dash_is_not_the_title() -> None:
    [draft] = (
        HeuristicExtractor()
        .extract(
            trace_of(
                user("I need to file a claim — a storm tore shingles off the roof on Jun 12. Policy MM-HO-4843536"),
                call("get_policy", {"policy_number": "MM-HO-4843536"}, {"status": "active"}),
                call("create_claim", {"policy_number": "MM-HO-4843536", "kind": "wind", "date": "2026-06-12"}, {}),
                assistant("Your claim is filed."),
            )
        )
        .drafts
    )

    assert draft.title == "File a claim"


def test_unrelated_inside_a_request_moves_on_to_nothing() -> None:
    trace = trace_of(
        user("Revert the unrelated formatting changes in utils.py and open a PR"),
        call("git.checkout_file", {"path": "utils.py", "ref": "main"}, "ok"),
        call("github.create_pull_request", {"title": "Revert formatting in utils.py"}, {"number": 88}),
        assistant("Reverted and opened #88."),
    )

    assert len(HeuristicExtractor().extract(trace).drafts) == 1


def test_also_acting_on_what_a_search_found_continues_the_search() -> None:
    trace = trace_of(
        user("Which of my open tickets are about the printer?"),
        call("helpdesk.search_tickets", {"query": "printer", "status": "open"}, {"tickets": [{"id": "T-8812"}]}),
        assistant("One: T-8812, 'Printer jam on 3rd floor'."),
        user("Also close the printer jam ticket, it's fixed now"),
        call("helpdesk.close_ticket", {"ticket_id": "T-8812", "resolution": "fixed"}, {"ok": True}),
        assistant("Closed T-8812."),
    )

    assert [len(task.calls) for task in split_tasks(trace)] == [2]
