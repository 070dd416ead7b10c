"""Guided support: the agent diagnoses with its own tools and the user acts on their device with theirs (tau2's
telecom domain, a home-internet desk, an IT helpdesk walking an employee through a fix)."""

from __future__ import annotations

import pytest
from tracebuilders import assistant, call, chat, trace_of, user, user_call

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.prompt import compact_trace
from deftly.tools.extract.segment import split_tasks
from deftly.tools.extract.select import failure_evidence

EXTRACT = HeuristicExtractor().extract


def _router_session(
    account: str, modem: str, name: str, report: str = "Restarted it, the internet light is blinking orange."
) -> list[dict[str, object]]:
    """The user restarts their router with their own tools and says what they see (``report``)."""
    return [
        *user(f"Hi, my home internet keeps dropping every few minutes. Account {account}, it's under {name}."),
        *call("get_account", {"account_id": account}, {"account_id": account, "name": name, "modem_id": modem}),
        *call("run_line_test", {"modem_id": modem}, {"sync": "ok", "noise_margin_db": 4.1, "verdict": "noisy"}),
        *assistant("The line is noisy. Could you restart your router and tell me what the lights show?"),
        *user_call("reboot_router", {}, "Router restarted."),
        *user_call("check_router_lights", {}, {"power": "green", "internet": "blinking orange"}),
        *user(report),
        *call("reprovision_modem", {"modem_id": modem, "profile": "stable"}, {"status": "applied"}),
        *assistant("I reprovisioned your modem with a stable profile. Is it steady now?"),
        *user("Yes, it's been fine for ten minutes now. Thanks!"),
    ]


def test_a_step_the_user_took_with_their_own_tool_is_asked_of_them() -> None:
    draft = EXTRACT(trace_of(_router_session("AC-88213", "MDM-5521", "Priya Raman"))).drafts[0]
    steps = {step.tool: step.action for step in draft.steps}

    assert steps["reboot_router"] == "Ask the user to reboot router"
    assert steps["check_router_lights"] == "Ask the user to check router lights"
    assert steps["reprovision_modem"] == "Reprovision modem"  # the agent's own tool stays the agent's
    assert "Priya" not in str(draft)


def test_claude_is_shown_which_calls_the_user_made() -> None:
    lines = compact_trace(trace_of(_router_session("AC-31007", "MDM-0918", "Tomasz Wojcik"))).splitlines()

    users = [line.split()[3] for line in lines if "] USER CALL " in line]
    agents = [line.split()[2] for line in lines if "] CALL " in line]

    assert users == ["reboot_router", "check_router_lights"]
    assert agents == ["get_account", "run_line_test", "reprovision_modem"]


def test_a_problem_reported_with_the_account_number_is_no_request_about_the_account() -> None:
    draft = EXTRACT(trace_of(_router_session("AC-50442", "MDM-7730", "Lena Fischer"))).drafts[0]

    assert draft.when_to_use.startswith('The user says: "my home internet keeps dropping')


def test_what_the_user_says_after_their_own_calls_is_a_report_not_the_request() -> None:
    draft = EXTRACT(
        trace_of(
            _router_session(
                "AC-61290",
                "MDM-3304",
                "Ines Duarte",
                "Reset the router like you said, the internet light blinks orange.",
            )
        )
    ).drafts[0]

    assert "router like you said" not in draft.title
    assert not any("like you said" in request for request in draft.requests)


def _picture_messages(complaint: str, *, sent_by: str) -> list[dict[str, object]]:
    """An MMS fix where the agent sends the test message itself (``sent_by="agent"``) or the user does."""
    send = call if sent_by == "agent" else user_call
    return chat(
        user(complaint),
        call("get_line", {"phone": "919-341-6376"}, {"line_id": "L7027", "status": "Active"}),
        call("reset_mms_profile", {"line_id": "L7027"}, {"status": "reset"}),
        send("send_test_mms", {"line_id": "L7027"}, {"delivered": True}),
        assistant("Picture messages work again."),
        user("great, thanks"),
    )


def test_a_thing_that_wont_do_something_rules_nothing_out() -> None:
    fixed = EXTRACT(trace_of(_picture_messages("my phone won't send MMS since last week", sent_by="agent")))
    told_not_to = EXTRACT(trace_of(_picture_messages("reset the MMS profile but don't send anything", sent_by="agent")))

    assert fixed.drafts and not fixed.skipped
    assert not told_not_to.drafts and "ruled out (send" in told_not_to.skipped[0].reason


def test_what_the_user_did_on_their_own_device_is_not_the_agent_doing_what_was_ruled_out() -> None:
    extraction = EXTRACT(
        trace_of(_picture_messages("reset the MMS profile, I don't send anything yet", sent_by="user"))
    )

    assert extraction.drafts and not extraction.skipped


def _walked_through(last_word: str) -> list[dict[str, object]]:
    """A fix done in words: the agent looks the line up, then tells the user what to try on the phone."""
    return chat(
        user("I can't send photos in group texts since Monday. My number is 509-245-5369."),
        call("get_customer_by_phone", {"phone_number": "509-245-5369"}, {"customer_id": "C9230", "line": "L3274"}),
        call("get_line_details", {"line_id": "L3274"}, {"status": "Active", "mms": "enabled"}),
        assistant("Your line is fine. Please try sending a picture message now."),
        user("still fails"),
        assistant("Please reset your APN settings to default and restart the phone, then try again."),
        user(last_word),
    )


def test_a_try_that_failed_on_the_way_to_the_fix_does_not_make_the_run_a_failure() -> None:
    recovered = EXTRACT(trace_of(_walked_through("it went through! thank you")))
    gave_up = EXTRACT(trace_of(_walked_through("nope, still not working. forget it")))

    assert recovered.drafts and not recovered.skipped
    assert not gave_up.drafts and gave_up.skipped[0].reason == "the user said it did not work"


def test_a_value_passed_as_a_bare_id_is_named_as_the_result_that_gave_it() -> None:
    draft = EXTRACT(
        trace_of(
            user("My data stopped working. Number 208-711-5182."),
            call(
                "get_customer_by_phone",
                {"phone_number": "208-711-5182"},
                {"customer_id": "C9725", "line_ids": ["L9793"]},
            ),
            call(
                "get_details_by_id", {"id": "L9793"}, {"line_id": "L9793", "data_used_gb": 15.0, "data_limit_gb": 15.0}
            ),
            call("refuel_data", {"customer_id": "C9725", "line_id": "L9793", "gb_amount": 2}, {"status": "ok"}),
            assistant("Added 2 GB to your line."),
        )
    ).drafts[0]

    assert draft.steps[1].arguments == {"id": "{line_id}"}
    assert draft.steps[2].arguments["line_id"] == "{line_id}"


@pytest.mark.parametrize(
    "last_word",
    [
        "That worked for a minute and then it stopped again.",
        "Now it just keeps loading forever.",
        "The error is back.",
        "When will it be fixed?",
        "You marked the ticket resolved but I still have the issue.",
        "It worked before the update, so something in the update broke it.",
        "It worked for a minute, then nothing.",
        "Works on wifi, but not on mobile data.",
        "Resolved. Never mind, spoke too soon, it's not loading.",
        "Data works now. Still no MMS though.",
    ],
)
def test_words_of_success_that_do_not_say_it_works_leave_the_failure_standing(last_word: str) -> None:
    extraction = EXTRACT(trace_of(_walked_through(last_word)))

    assert not extraction.drafts


@pytest.mark.parametrize(
    "last_word",
    [
        "It works now, thanks! Nothing else needed.",
        "Yes! That fixed it, no more errors.",
        "signal is back, ty",
        "That fixed the issue, thanks!",
        "It was failing before but now it works.",
        "Fixed! The crash is gone.",
    ],
)
def test_a_closing_that_says_it_works_ends_the_failure_whatever_else_it_says(last_word: str) -> None:
    assert EXTRACT(trace_of(_walked_through(last_word))).drafts


@pytest.mark.parametrize(
    "request_text",
    [
        "Bump the api deployment to 5 replicas, but make sure it doesn't restart the pods.",
        "I'd prefer it doesn't restart the pods; bump the api deployment to 5 replicas.",
        "We definitely won't restart the pods, just bump the api deployment to 5 replicas.",
    ],
)
def test_a_guardrail_said_of_it_or_with_an_adverb_still_rules_out(request_text: str) -> None:
    task = split_tasks(
        trace_of(
            user(request_text),
            call("k8s_scale_deployment", {"name": "api", "replicas": 5}, {"replicas": 5}),
            call("k8s_restart_pods", {"deployment": "api"}, {"restarted": 5}),
            assistant("Scaled to 5 and restarted the pods."),
        )
    )[0]

    assert "ruled out (restart" in (failure_evidence(task, None) or "")


def test_a_fault_reported_with_but_rules_nothing_out_and_a_wish_that_it_not_happen_does() -> None:
    def activated(request_text: str) -> str | None:
        task = split_tasks(
            trace_of(
                user(request_text),
                call("get_line_by_phone", {"phone": "555-201-3344"}, {"line_id": "L-88", "status": "inactive"}),
                call("activate_line", {"line_id": "L-88"}, {"status": "active"}),
                assistant("Your line is active now."),
                user("Thanks, it works."),
            )
        )[0]
        return failure_evidence(task, None)

    assert activated("I put the new SIM in but the line won't activate. Number is 555-201-3344.") is None
    assert "ruled out (activate" in (activated("Ideally the line won't activate until Monday, just check it.") or "")


def test_what_the_user_says_after_their_own_call_is_a_report_even_with_please() -> None:
    draft = EXTRACT(
        trace_of(_router_session("AC-70125", "MDM-1188", "Rui Costa", "Done, please let me know the next step."))
    ).drafts[0]

    assert "next step" not in draft.when_to_use and "next step" not in draft.title


def test_a_value_found_under_a_field_naming_another_record_is_not_named_after_it() -> None:
    draft = EXTRACT(
        trace_of(
            user("Alex Smith left today, please disable his account and end his sessions"),
            call(
                "search_users", {"query": "asmith"}, [{"username": "jdoe", "manager": "asmith"}, {"username": "asmith"}]
            ),
            call("disable_user", {"name": "asmith"}, {"status": "disabled"}),
            call("revoke_sessions", {"name": "asmith"}, {"revoked": 3}),
            assistant("Done."),
        )
    ).drafts[0]

    assert "{manager}" not in str(draft.steps)


def _slow_data(*said: str) -> list[dict[str, object]]:
    return chat(
        user("my data is crawling, number 208-919-5284"),
        call(
            "get_customer_by_phone", {"phone_number": "208-919-5284"}, {"customer_id": "C8963", "line_ids": ["L6694"]}
        ),
        call("reset_network_profile", {"line_id": "L6694"}, {"status": "reset"}),
        assistant("I reset your network profile. Please restart the phone and run a speed test."),
        *(user(text) for text in said),
    )


def test_a_try_that_changed_nothing_is_the_verdict_only_when_nothing_follows_it() -> None:
    gave_up = EXTRACT(trace_of(_slow_data("restarted, still slow", "still garbage. I'll call tomorrow, bye")))
    got_better = EXTRACT(trace_of(_slow_data("restarted, still slow", "set it to 4G, wow 94.7 Mbps now", "ty")))
    moved_on = EXTRACT(trace_of(_slow_data("restarted, still no data", "ok it's off, I have bars again!", "thanks")))

    assert not gave_up.drafts and gave_up.skipped[0].reason == "the user said it did not work"
    assert got_better.drafts and moved_on.drafts
