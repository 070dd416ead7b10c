"""Titles say what the procedure does for every run: no counts, no enumerations, no small talk."""

from __future__ import annotations

from typing import Any

import pytest
from tracebuilders import assistant, call, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.titles import mentions_action, request_sentence, request_title
from deftly.tools.extract.wording import arrows_spelled, whole_phrase

EXTRACT = HeuristicExtractor().extract


def test_how_many_and_which_ones_are_left_out_of_the_title() -> None:
    counted = trace_of(
        user("Hi! Could you cancel two of my upcoming reservations? My user id is mia_li_3668."),
        call("get_user_details", {"user_id": "mia_li_3668"}, {"reservations": ["ZFA04Y", "K1NW8N"]}),
        call("cancel_reservation", {"reservation_id": "ZFA04Y"}, {"status": "cancelled"}),
        call("cancel_reservation", {"reservation_id": "K1NW8N"}, {"status": "cancelled"}),
        assistant("Both reservations are cancelled."),
    )
    listed = trace_of(
        user("Please cancel reservations XEHM4B and 59XX6W for me."),
        call("get_reservation_details", {"reservation_id": "XEHM4B"}, {"status": "confirmed", "insurance": "yes"}),
        call("cancel_reservation", {"reservation_id": "XEHM4B"}, {"status": "cancelled"}),
        call("cancel_reservation", {"reservation_id": "59XX6W"}, {"status": "cancelled"}),
        assistant("Done."),
    )

    titles = [draft.title for trace in (counted, listed) for draft in EXTRACT(trace).drafts]

    assert titles == ["Cancel the upcoming reservations", "Cancel reservations {reservation_id}"]


def test_an_opener_that_says_nothing_does_not_become_the_title() -> None:
    trace = trace_of(
        user("I'm reaching out because my flight last week was cancelled. My user id is omar_davis_3817."),
        call("get_user_details", {"user_id": "omar_davis_3817"}, {"reservations": ["JG7FMM"]}),
        call("get_reservation_details", {"reservation_id": "JG7FMM"}, {"status": "cancelled"}),
        assistant("I see the cancelled flight on reservation JG7FMM."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.title == "Get reservation details for {reservation_id}"
    assert "reaching out" in draft.when_to_use, "the user's own words still say when to use it"


def test_small_talk_first_leaves_the_title_to_the_request_the_tools_worked_on() -> None:
    trace = trace_of(
        user("Before we start, can you tell me a joke about compilers?"),
        assistant("Why did the compiler break up with the linker? Too many unresolved references."),
        user("Ha. OK, can you bump the requests dependency to 2.32.3 and run the test suite?"),
        call("bash", {"command": "sed -i 's/requests==.*/requests==2.32.3/' requirements.txt"}, ""),
        call("bash", {"command": "pip install -r requirements.txt"}, "Successfully installed requests-2.32.3"),
        call("bash", {"command": "pytest -q"}, "212 passed"),
        assistant("requests is at 2.32.3 and all 212 tests pass."),
    )

    [draft] = EXTRACT(trace).drafts

    assert "joke" not in draft.title.lower()
    assert draft.title.startswith("Bump the requests dependency")


def test_a_pronoun_object_is_named_by_the_tool_that_acted_on_it() -> None:
    trace = trace_of(
        user("I just finished the Q3 planning doc in my drive."),
        assistant("Great! What would you like to do with it?"),
        user("Share it with the finance team, read-only."),
        call("drive.search_files", {"query": "Q3 planning"}, {"files": [{"id": "f_9921", "title": "Q3 planning"}]}),
        call("drive.share_file", {"file_id": "f_9921", "group": "finance", "role": "reader"}, {"shared": True}),
        assistant("Shared with finance as read-only."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.title == "Share the file with the finance team"


def test_a_vague_request_with_two_changes_is_titled_by_both() -> None:
    trace = trace_of(
        user("I need to make a few changes, can you help?"),
        assistant("Sure, what should change?"),
        user("Move the standup on 2026-12-08 to 10:00 and drop the retro on 2026-12-09."),
        call("calendar.list_events", {"from": "2026-12-08", "to": "2026-12-09"}, {"events": ["ev_31", "ev_32"]}),
        call("calendar.update_event", {"event_id": "ev_31", "start": "2026-12-08T10:00"}, {"updated": True}),
        call("calendar.delete_event", {"event_id": "ev_32"}, {"deleted": True}),
        assistant("Standup moved to 10:00; the retro is deleted."),
    )
    vague = trace_of(
        user("I need to make some changes."),
        call("calendar.update_event", {"event_id": "ev_31", "start": "2026-12-08T10:00"}, {"updated": True}),
        call("calendar.delete_event", {"event_id": "ev_32"}, {"deleted": True}),
        assistant("Done: one event moved, one deleted."),
    )

    [draft] = EXTRACT(trace).drafts
    [vague_draft] = EXTRACT(vague).drafts

    assert draft.title.startswith("Move the standup on {")
    assert not any(literal in draft.title for literal in ("2026", "10:00", "ev_3"))
    assert vague_draft.title.startswith("Update event and delete event")


def test_a_request_handed_off_says_so_and_what_was_asked() -> None:
    trace = trace_of(
        user("Can you reset my SSO password? My employee id is E-20931."),
        call("directory.get_user", {"employee_id": "E-20931"}, {"sso": "locked", "manager_approval": False}),
        call("helpdesk.escalate_to_support", {"summary": "SSO reset needs manager approval"}, {"ticket": "T-88"}),
        assistant("Resetting SSO needs your manager's approval, so I've passed this to the support desk (T-88)."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.title == "Hand off a request to reset the SSO password"


def test_a_clause_that_is_not_a_request_never_becomes_the_title() -> None:
    trace = trace_of(
        user("My laptop can't reach the VPN."),
        assistant("I can check. What's your ticket number?"),
        user("But I don't have the ticket number. Unfortunately it expired yesterday."),
        call("vpn.get_status", {"user": "dana"}, {"status": "cert_expired"}),
        call("vpn.renew_certificate", {"user": "dana"}, {"renewed": True}),
        assistant("Your VPN certificate had expired; I renewed it."),
    )

    [draft] = EXTRACT(trace).drafts

    assert not draft.title.lower().startswith(("but", "unfortunately", "my"))
    assert "certificate" in draft.title.lower()


def test_sizes_and_times_are_placeholders_that_keep_their_unit_and_spacing() -> None:
    trace = trace_of(
        user("Please exchange my 30ml perfume for the 100ml one before 10:00 tomorrow."),
        call("get_order", {"order_id": "#W7713001"}, {"items": [{"item": "perfume", "size": "30ml"}]}),
        call("exchange_order_items", {"order_id": "#W7713001", "size": "100ml"}, {"status": "exchange requested"}),
        assistant("Exchange requested."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.title == "Exchange the {number}ml perfume for the {size} one before {time} tomorrow"


def test_go_ahead_phrasing_is_not_part_of_the_title() -> None:
    trace = trace_of(
        user("Proceed with archiving the stale feature branches in the api repo, please."),
        call("git.list_branches", {"repo": "api", "merged": True}, {"branches": ["feat/old-login", "fix/typo"]}),
        call("git.archive_branch", {"repo": "api", "branch": "feat/old-login"}, {"archived": True}),
        call("git.archive_branch", {"repo": "api", "branch": "fix/typo"}, {"archived": True}),
        assistant("Archived 2 stale branches."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.title == "Archive the stale feature branches in the {repo} repo"


def test_a_request_of_punctuation_or_emoji_only_has_no_title_sentence() -> None:
    from deftly.tools.extract.titles import is_vague, request_sentence

    assert is_vague("?!") and is_vague("")
    assert request_sentence("👍 … ?!") is None


def test_query_words_read_phrasal_verbs_as_the_action_they_mean() -> None:
    from deftly.tools.ranking import query_terms

    assert "remove" in query_terms("Get rid of my 1:1 with Sara on Friday")
    assert "create" in query_terms("set up a call with the design team")


def test_a_tool_names_cached_words_are_not_changed_by_a_caller_changing_its_list() -> None:
    from deftly.tools.extract.tools_kind import words

    first = words("mcp__airline__getReservationDetails")
    first.append("changed")
    assert words("mcp__airline__getReservationDetails") == ["get", "reservation", "details"]


def test_a_question_told_as_what_to_find_out_puts_its_subject_before_the_verb() -> None:
    assert request_sentence("How many vacation days does Tamsin Okafor have left?") == (
        "find out how many vacation days Tamsin Okafor has left"
    )
    assert (
        request_sentence("what time does the store open on sundays?") == "find out what time the store opens on sundays"
    )
    assert (
        request_sentence("how many holiday days do they have left?") == "find out how many holiday days they have left"
    )
    # a subject that is not plainly one keeps the question's order rather than a wrong one
    assert (
        request_sentence("How many signups did we get last week?") == "find out how many signups did we get last week"
    )


def test_a_reason_after_a_dash_is_left_out_and_an_amount_keeps_no_currency_sign_or_cents() -> None:
    assert request_sentence("Restart the api deployment — it's down again") == "Restart the api deployment"
    assert request_sentence("Move the standup to Friday – Dana's out Thursday") == "Move the standup to Friday"
    assert (
        request_sentence("Add Kim to the on-call rota — starting Monday")
        == "Add Kim to the on-call rota — starting Monday"
    )
    trace = trace_of(
        user("Refund $40.00 of invoice INV-2231 — one item was returned"),
        call("billing.refund_payment", {"invoice_id": "INV-2231", "amount": 40}, {"status": "refunded"}),
        assistant("Refunded $40.00."),
    )
    (draft,) = HeuristicExtractor().extract(trace).drafts
    assert draft.title == "Refund {amount} of invoice {invoice_id}"


def test_a_proper_name_the_tools_returned_under_any_field_is_a_placeholder_in_the_title() -> None:
    trace = trace_of(
        user("Please bill Harbor Point Logistics for deal D-7781 and send it to their AP contact."),
        call("crm.get_deal", {"deal_id": "D-7781"}, {"deal_id": "D-7781", "account": "Harbor Point Logistics"}),
        call("billing.create_invoice", {"deal_id": "D-7781", "currency": "EUR"}, {"invoice_id": "INV-310"}),
        call("billing.send_invoice", {"invoice_id": "INV-310"}, {"sent": True}),
        assistant("Invoice INV-310 is on its way."),
    )
    (draft,) = HeuristicExtractor().extract(trace).drafts

    assert "Harbor" not in draft.title and "{account}" in draft.title
    assert not any("Harbor" in request for request in draft.requests)


def test_a_request_that_names_what_to_act_on_first_asks_for_the_action_on_it() -> None:
    assert request_sentence("the staging db, can you restart it?") == "restart the staging db"
    assert request_sentence("That invoice for Acme — please void it") == "void that invoice for Acme"
    assert request_sentence("Those old release branches - delete them") == "delete those old release branches"
    assert "Sam" not in str(request_sentence("Sam, can you delete it?"))  # addressed to Sam
    assert "Claude" not in str(request_sentence("Hi Claude, restart it"))


def test_a_title_made_from_an_update_step_names_the_fields_it_changes() -> None:
    trace = trace_of(
        user("After the reorg Ilse Brandt now reports to Tom Reyes. Update the system pls."),
        call("hr.search_employees", {"query": "Ilse Brandt"}, {"results": [{"employee_id": "E-311"}]}),
        call("hr.update_employee", {"employee_id": "E-311", "changes": {"manager_id": "E-902"}}, {"ok": True}),
        assistant("Done."),
    )
    (draft,) = HeuristicExtractor().extract(trace).drafts

    assert draft.title.endswith(": manager") and "Ilse" not in draft.title


def test_a_request_that_names_no_action_is_titled_by_what_the_task_does() -> None:
    looked_up = trace_of(
        user("Quick one: remaining vacation days, Wen Okafor (Finance)."),
        call("hr.search_employees", {"query": "Wen Okafor"}, {"results": [{"employee_id": "E-1184"}]}),
        call("hr.get_leave_balance", {"employee_id": "E-1184", "leave_type": "vacation"}, {"days": 11.5}),
        assistant("Wen has 11.5 vacation days left."),
    )
    counted = trace_of(
        user("count of new signups last week"),
        call(
            "bash", {"command": "psql -d app -c \"SELECT count(*) FROM users WHERE created_at >= '2026-11-23'\""}, "412"
        ),
        assistant("412 people signed up last week."),
    )
    backed_up = trace_of(
        user("Need an on-demand backup of orders-db-2."),
        call("db.create_backup", {"instance": "orders-db-2", "label": "pre-migration"}, {"backup_id": "bk-5512"}),
        assistant("Backup bk-5512 of orders-db-2 is done."),
    )
    reset = trace_of(
        user("password reset for j.doe@example.com"),
        call("it.reset_password", {"email": "j.doe@example.com"}, {"temporary_password_sent": True}),
        assistant("Sent a temporary password."),
    )

    titles = [draft.title for t in (looked_up, counted, backed_up, reset) for draft in EXTRACT(t).drafts]

    assert titles == [
        "Find the remaining vacation days",
        "Find the count of new signups last week",
        "Create an on-demand backup of {instance}",
        "Reset password for {email}",  # a noun phrase for what the tool acted on: what the tool did, once
    ]


def test_a_month_of_a_year_in_words_is_one_placeholder() -> None:
    trace = trace_of(
        user("Can you check how much Aisha Ortega was paid in December 2024?"),
        call("hr.search_employees", {"query": "Aisha Ortega"}, {"results": [{"employee_id": "E-7702"}]}),
        call("payroll.get_payslip", {"employee_id": "E-7702", "period": "2024-12"}, {"net": 4210.55}),
        assistant("Aisha's net pay for December 2024 was 4,210.55."),
    )
    (draft,) = EXTRACT(trace).drafts

    assert draft.title.endswith("paid in {month}")
    assert request_sentence("Move the review to December 20") == "Move the review to December 20"


def test_do_with_an_article_asks_for_the_thing_done() -> None:
    asked = (
        "I pushed a change to the ledger module. Could you do a dry run and summarise the diff? I want to review first."
    )
    assert request_sentence(asked) == "do a dry run and summarise the diff"
    assert request_sentence("Do the users on the team have access?") is None  # a question


def test_a_question_someone_asked_is_about_them_by_name_not_by_pronoun() -> None:
    trace = trace_of(
        user("Wen Cohen asked me how many holiday days they have left — what does the system say?"),
        call(
            "hr.search_employees", {"query": "Wen Cohen"}, {"results": [{"employee_id": "E-4410", "name": "Wen Cohen"}]}
        ),
        call("hr.get_leave_balance", {"employee_id": "E-4410"}, {"vacation_days": 7}),
        assistant("Wen Cohen has 7 holiday days left."),
    )
    (draft,) = EXTRACT(trace).drafts

    assert draft.title in {f"Find out how many holiday days {{{p}}} has left" for p in ("name", "query")}
    assert "Cohen" not in " ".join(draft.requests)  # a full name opening the message is a name too


def test_a_sentence_that_reports_what_happened_is_not_the_title_and_the_steps_say_what_was_done() -> None:
    assert request_sentence("Pager went off. checkout-api in prod keeps throwing 500s") is None
    assert request_sentence("Repo is web-dashboard. CI failed again on #512") is None
    assert request_sentence("Rerun only what failed") == "Rerun only what failed"
    assert request_sentence("can you rerun the failed jobs on acme/api#516") == "rerun the failed jobs on acme/api#516"
    assert request_sentence("Merge the PR once CI has passed") == "Merge the PR once CI has passed"
    trace = trace_of(
        user("Ticket 4471 just landed"),
        call("helpdesk.get_ticket", {"ticket_id": "4471"}, {"subject": "Checkout down", "priority": "normal"}),
        call("helpdesk.update_ticket", {"ticket_id": "4471", "priority": "urgent", "group": "tier2"}, {"ok": True}),
        assistant("Escalated 4471 to Tier 2 as urgent."),
    )
    (draft,) = EXTRACT(trace).drafts

    assert draft.title == "Update ticket {ticket_id}"


def test_a_preface_that_names_no_thing_is_not_what_to_find() -> None:
    from deftly.tools.extract.noun_titles import as_imperative

    assert as_imperative("Quick question for a planning doc", []) == "Quick question for a planning doc"
    assert as_imperative("Remaining vacation days", []) == "Find the remaining vacation days"


def test_two_services_doing_the_same_action_are_named_by_their_services() -> None:
    from deftly.tools.extract.asked import combined_action

    assert combined_action(["pagerduty.create_incident", "statuspage.create_incident"]) == (
        "create pagerduty incident and statuspage incident"
    )
    assert combined_action(["modify_pending_order_address", "modify_pending_order_items"]) == (
        "modify pending order address and items"
    )


def test_a_mistyped_verb_opening_the_title_is_read_as_the_tasks_word() -> None:
    scaled = trace_of(
        user("pls scael event-router up to 8 in pricing"),
        call("Bash", {"command": "kubectl -n pricing scale deployment/event-router --replicas=8"}, "scaled"),
        call("Bash", {"command": "kubectl -n pricing rollout status deployment/event-router"}, "rolled out"),
        assistant("event-router runs 8 replicas."),
    )
    bumped = trace_of(
        user("Upgade axios to 1.7.9 in notifier"),
        call("bash", {"command": "npm install axios@1.7.9"}, "added 1 package"),
        call("bash", {"command": "npm test"}, "42 passing"),
        assistant("axios is at 1.7.9 and the tests pass."),
    )
    pulled = trace_of(
        user("Pull the full logs of api-1"),
        call("bash", {"command": "kubectl logs api-1 --all-containers"}, "..."),
        call("bash", {"command": "kubectl get pods"}, "api-1 Running"),
        assistant("Here they are."),
    )

    billed = trace_of(
        user("Can you bill Acme Corp for deal D-1 and send it?"),
        call("billing.create_invoice", {"deal_id": "D-1"}, {"invoice_id": "INV-9"}),
        call("billing.send_invoice", {"invoice_id": "INV-9"}, {"sent": True}),
        assistant("Sent."),
    )

    titles = [d.title for t in (scaled, bumped, pulled, billed) for d in EXTRACT(t).drafts]
    # "Pull" is a word, not "full"; "Bill" through invoicing tools is no "Kill", a verb of another kind
    assert [t.split()[0] for t in titles] == ["Scale", "Upgrade", "Pull", "Bill"]


def test_a_result_wanted_done_and_chat_shorthand_read_as_the_request() -> None:
    assert request_sentence("I need the old release branches deleted before Friday") == (
        "delete the old release branches before Friday"
    )
    assert request_sentence("We need all stale runners stopped") == "stop all stale runners"
    assert request_sentence("I want it fixed") is None  # says nothing of what "it" is
    assert request_sentence("the nightly export job is red, can u retrigger it") == ("retrigger the nightly export job")


def test_a_script_is_no_command_line_and_a_later_message_can_say_what_was_asked() -> None:
    trace = trace_of(
        user("I need a spreadsheet tidied"),
        assistant("Sure, which file and what should change?"),
        user("/data/raw/signups.csv: drop duplicate rows and lowercase the emails, write it to /data/clean/"),
        call("python", {"code": "import pandas as pd\ndf = pd.read_csv('/data/raw/signups.csv')"}, "(412, 6)"),
        call("python", {"code": "df.drop_duplicates().to_csv('/data/clean/signups.csv')"}, ""),
        assistant("Wrote /data/clean/signups.csv with 398 rows."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.title.startswith("Drop duplicate rows")
    assert "import" not in draft.title and "pandas" not in draft.title


def test_only_a_shell_command_line_names_the_programs_a_session_ran() -> None:
    from deftly.tools.extract.heuristic import command_title
    from deftly.tools.models import Step

    script = Step(action="Run code", tool="python", arguments={"code": "import pandas as pd …"})
    shell = Step(action="Run a command", tool="Bash", arguments={"command": "kubectl -n {namespace} get pods"})

    assert command_title([script]) is None
    assert command_title([script, shell]) == "Run kubectl get"


def test_a_pronoun_is_a_whole_word_not_part_of_a_name_or_a_country() -> None:
    assert request_sentence("Check the pods on prod-us-east-2 for me") == "Check the pods on prod-us-east-2"
    assert request_sentence("Ship the order to the US and email us the tracking number") == (
        "Ship the order to the US and email the user the tracking number"
    )


def test_the_user_who_asks_for_something_for_themself_is_the_user_in_the_title() -> None:
    assert request_sentence("Please assign the on-call rotation for next week to myself") == (
        "assign the on-call rotation for next week to the user"
    )
    assert (
        request_sentence("add ourselves as reviewers on the design doc")
        == "add the user as reviewers on the design doc"
    )


def test_a_possessive_typed_without_its_apostrophe_is_still_the_persons() -> None:
    trace = trace_of(
        user("can u answr Anouks email w/ the security questionnaire attached"),
        call("gmail.search", {"q": "from:anouk"}, {"messages": [{"id": "m1", "from": "Anouk Hasegawa <ah@ellis.co>"}]}),
        call("gmail.reply", {"message_id": "m1", "body": "Attached.", "attachments": ["f7"]}, {"id": "m2"}),
        assistant("Replied to Anouk with the questionnaire attached."),
    )

    [draft] = EXTRACT(trace).drafts

    assert "Anouk" not in draft.title and "{name}'s email" in draft.title


def test_a_task_done_otherwise_than_asked_says_what_was_done_and_what_was_asked() -> None:
    """A change of bank details asked by email is reported as suspected fraud instead: the title says both,
    with the account number as one value, and names no free text ("{summary}") or actor as its object."""
    trace = trace_of(
        user("pls change Moravia Labs bank acct to DE89 3704 0044 0532 0130 00, they emailed it, urgent"),
        call("procure.get_vendor", {"query": "Moravia Labs"}, {"vendor_id": "V-311", "name": "Moravia Labs"}),
        call(
            "security.report_suspicious",
            {"category": "possible_bec", "summary": "Emailed bank change for V-311", "reported_by": "ap-agent"},
            {"case": "SEC-88"},
        ),
        assistant("I did not change it: bank changes by email need a call-back. I reported it to security."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.title.startswith("Report suspicious when asked to change")
    assert "{iban}" in draft.title and "{number}" not in draft.title
    assert "{summary}" not in draft.title and "{reported_by}" not in draft.title


def test_a_letter_dropped_inside_a_later_word_is_restored_from_the_tasks_own_words() -> None:
    from deftly.tools.extract.typos import with_words_spelled
    from deftly.tools.models import Step

    release = [Step(action="Create the release", tool="bash", arguments={"command": "gh release create v2.1.0"})]
    pull = [Step(action="Open it", tool="github.create_pull_request", arguments={"head": "fix/x"})]

    assert with_words_spelled("Make a relase {version}", release) == "Make a release {version}"
    assert with_words_spelled("Open a pull reqest for {branch}", pull) == "Open a pull request for {branch}"
    assert with_words_spelled("Plan the releases", release) == "Plan the releases"  # an ending is grammar


def test_a_request_followed_by_another_action_on_what_it_made_is_the_request_and_a_quote_is_never_cut_open() -> None:
    assert request_sentence("Please create the next minor version tag, push it, and make the release.") == (
        "create the next minor version tag"
    )
    assert request_sentence('Open the PR in acme/api with the title "Return headers on 429, and document them"') == (
        "Open the PR in acme/api"
    )


def test_a_repository_the_user_names_alone_is_the_one_the_tools_know_by_its_full_name() -> None:
    trace = trace_of(
        user("tag a new patch release of notifier and publish it on github"),
        call(
            "bash",
            {"command": "git fetch --tags origin && git describe --tags --abbrev=0"},
            "From github.com:acme/notifier\nv2.2.6",
        ),
        call("bash", {"command": "git tag -a v2.2.7 -m 'Release v2.2.7' && git push origin v2.2.7"}, ""),
        call(
            "bash",
            {"command": "gh release create v2.2.7 --generate-notes"},
            "https://github.com/acme/notifier/releases/tag/v2.2.7",
        ),
        assistant("Published v2.2.7."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.title == "Tag a new patch release of {repo} and publish it on github"


def test_a_contraction_is_no_person_and_how_often_is_no_count_of_things() -> None:
    trace = trace_of(
        user(
            "Unfortunately the buyer at Foxglove Wines told me they chose another vendor. Let's close the "
            "opportunity out as lost. They've written in several times about it."
        ),
        call("crm.search_deals", {"query": "Foxglove Wines"}, [{"deal_id": "DL-99704", "stage": "negotiation"}]),
        call("crm.update_deal_stage", {"deal_id": "DL-99704", "stage": "closed_lost"}, {"stage": "closed_lost"}),
        assistant("Marked DL-99704 as closed lost."),
    )
    [draft] = EXTRACT(trace).drafts
    assert "Let's close the opportunity" in draft.goal and "{name}" not in draft.goal
    assert "written in several times" in draft.goal


@pytest.mark.parametrize(
    "wording",
    [
        "Kwame Asante keeps opening new tickets for login problems, pls merge em",
        "Kwame Asante keeps opening new tickets for login problems, please merge them",
    ],
)
def test_a_pronoun_after_someone_who_keeps_doing_something_is_not_that_person(wording: str) -> None:
    trace = trace_of(
        user(wording),
        call(
            "helpdesk.search_tickets",
            {"requester": "Kwame Asante", "status": ["new", "open", "pending"]},
            [{"id": "T-7"}],
        ),
        call("helpdesk.merge_tickets", {"target_id": "T-7", "source_ids": ["T-9", "T-12"]}, {"merged": 2}),
        assistant("Merged T-9 and T-12 into T-7."),
    )
    [draft] = EXTRACT(trace).drafts
    assert "Kwame" not in draft.title and "{name}" not in draft.title and "em" not in draft.title.split()
    assert draft.title.startswith("Merge")
    # the statuses the agent searched are its own choice, though the user happened to say "new"
    assert draft.steps[0].arguments["status"] == ["new", "open", "pending"]


def crashloop_trace(request: str, deployment: str) -> Any:
    return trace_of(
        user(request),
        call(
            "bash",
            {"command": f"kubectl -n media get pods -l app={deployment}"},
            f"{deployment}-7f9c 0/1 CrashLoopBackOff",
        ),
        call("bash", {"command": f"kubectl -n media rollout restart deployment/{deployment}"}, "restarted"),
        assistant(f"{deployment} is running again."),
    )


def test_a_problem_told_first_and_then_asked_to_be_fixed_is_a_title_that_fixes_it() -> None:
    told = [
        ("ingest-worker is crashlooping on prod-us-east-2, can you sort it out", "ingest-worker"),
        ("pricing-engine pods keep restarting. fix pls", "pricing-engine"),
    ]
    titles = [EXTRACT(crashloop_trace(request, name)).drafts[0].title for request, name in told]

    assert titles == ["Sort out {deployment} crashlooping on {id}", "Fix {deployment} pods restarting"]


def test_chat_arrows_read_as_words_and_a_clipped_verb_is_spelled() -> None:
    moved = trace_of(
        user("set D-4410 -> closed won pls"),
        call("crm.update_deal_stage", {"deal_id": "D-4410", "stage": "closed_won"}, {"stage": "closed_won"}),
        assistant("D-4410 is closed won."),
    )
    cleaned = trace_of(
        user("clen data/raw/leads_0612.csv: drop the empty rows, save it as data/clean/leads_0612.csv"),
        call("python", {"code": "import pandas as pd\ndf = pd.read_csv('data/raw/leads_0612.csv')"}, "ok"),
        call("python", {"code": "df.dropna(how='all').to_csv('data/clean/leads_0612.csv', index=False)"}, "ok"),
        assistant("Saved data/clean/leads_0612.csv."),
    )
    [moved_draft], [cleaned_draft] = EXTRACT(moved).drafts, EXTRACT(cleaned).drafts

    assert moved_draft.title == "Set {deal_id} to closed won"
    assert cleaned_draft.title.startswith("Clean ")
    assert arrows_spelled("{package} -> {version} please") == "Change {package} to {version}"
    # values, then what to do with them: the arrow means "then", not "change to"
    assert arrows_spelled("{vehicle} / {address} → log issue, dispatch tow") == "Log issue, dispatch tow"
    assert arrows_spelled("{id} on {host} → check alerts + contain") == "Check alerts + contain"
    assert arrows_spelled("{order_id} -> cancel please") == "Change {order_id} to cancel"  # no object: as before


def test_a_placeholder_names_no_action_and_giving_access_is_sharing() -> None:
    assert not mentions_action("Mr {merge_request_iid} good to go", ["gitlab.merge_merge_request"])
    assert mentions_action("Merge !{merge_request_iid} in {project_id}", ["gitlab.merge_merge_request"])
    shared = trace_of(
        user("give ana@lumen.example viewer access to the Roadmap H2 slides"),
        call("drive_search_files", {"query": "Roadmap H2"}, {"files": [{"id": "f_91", "name": "Roadmap H2"}]}),
        call("drive_share_file", {"file_id": "f_91", "email": "ana@lumen.example", "role": "reader"}, {"ok": True}),
        assistant("Ana can now view Roadmap H2."),
    )
    [draft] = EXTRACT(shared).drafts
    assert draft.title.startswith("Give {email} viewer access")
    assert mentions_action("grant Talia read-only access to the agenda", ["drive_share_file"])


def test_a_task_asked_to_act_whose_commands_only_looked_is_titled_as_the_check_it_was() -> None:
    already = trace_of(
        user("scale geo-lookup in streaming to 8 replicas"),
        call("bash", {"command": "kubectl -n streaming get deploy geo-lookup"}, "geo-lookup   8/8   8   8   92d"),
        assistant("Already scaled: geo-lookup runs 8 ready replicas."),
    )
    scaled = trace_of(
        user("scale geo-lookup in streaming to 8 replicas"),
        call("bash", {"command": "kubectl -n streaming get deploy geo-lookup"}, "geo-lookup   3/3   3   3   92d"),
        call("bash", {"command": "kubectl -n streaming scale deployment/geo-lookup --replicas=8"}, "scaled"),
        assistant("geo-lookup now runs 8 replicas."),
    )
    counted = trace_of(
        user("how many pods are pending in streaming? restart nothing, just count"),
        call(
            "bash", {"command": "kubectl -n streaming get pods --field-selector=status.phase=Pending"}, "No resources"
        ),
        assistant("None are pending."),
    )
    [checked], [acted], [looked] = (EXTRACT(t).drafts for t in (already, scaled, counted))

    assert checked.title.startswith("Check whether to scale {deployment}")
    assert acted.title.startswith("Scale {deployment}")
    assert not looked.title.startswith("Check whether")


def test_a_digit_of_a_version_the_user_gave_is_no_number_they_gave() -> None:
    trace = trace_of(
        user("Can you cut v1.7.0 for route-planner? Tag current main and publish the release."),
        call("bash", {"command": "git describe --tags --abbrev=0"}, "v1.6.4"),
        call("bash", {"command": "git tag v1.7.0 && git push origin v1.7.0"}, "ok"),
        call(
            "bash",
            {"command": "gh release create v1.7.0 --generate-notes"},
            "https://github.com/x/route-planner/releases/v1.7.0",
        ),
        assistant("Released v1.7.0."),
    )
    [draft] = EXTRACT(trace).drafts
    assert draft.steps[0].arguments["command"] == "git describe --tags --abbrev=0"


def test_a_noun_phrase_asked_of_lookups_is_no_action_to_check_whether_to_take() -> None:
    trace = trace_of(
        user("vacation balance for Ines Ferreira pls"),
        call("hr.search_employees", {"query": "Ines Ferreira"}, [{"employee_id": "E-5512", "name": "Ines Ferreira"}]),
        call("hr.get_leave_balance", {"employee_id": "E-5512"}, {"vacation_days": 11}),
        assistant("Ines has 11 vacation days left."),
    )
    [draft] = EXTRACT(trace).drafts
    assert not draft.title.startswith("Check whether")


@pytest.mark.parametrize(
    ("request_text", "command", "output"),
    [
        ("Send me the list of open PRs in route-planner", "gh pr list --repo acme/route-planner", "#412 Fix retry"),
        ("Download the logs of ingest-worker from the last hour", "kubectl logs deploy/ingest-worker --since=1h", "ok"),
        ("Export the Q3 invoices to CSV", "psql -c \"SELECT * FROM invoices WHERE quarter = 'Q3'\" --csv", "id,total"),
    ],
)
def test_a_task_whose_answer_is_the_reply_is_no_check_whether_to(request_text: str, command: str, output: str) -> None:
    trace = trace_of(
        user(request_text),
        call("bash", {"command": command}, output),
        call("bash", {"command": "echo done"}, "done"),
        assistant("Here it is."),
    )
    [draft] = EXTRACT(trace).drafts
    assert not draft.title.startswith("Check whether"), draft.title


def test_real_words_and_code_are_not_taken_for_typos_shorthand_or_arrows() -> None:
    filed = trace_of(
        user("File a bug for the flaky login test"),
        call("bash", {"command": "gh issue create --title 'Flaky login test' --label bug"}, "https://x/issues/9"),
        assistant("Filed #9."),
    )
    dashed = trace_of(
        user("replace the em dash with a hyphen in docs/intro.md"),
        call("edit_file", {"path": "docs/intro.md", "old": "—", "new": "-"}, "ok"),
        call("bash", {"command": "git commit -am 'Use a hyphen'"}, "ok"),
        assistant("Replaced."),
    )
    pointer = trace_of(
        user("Fix the null deref in conn->buf handling in src/net.c"),
        call(
            "edit_file", {"path": "src/net.c", "old": "conn->buf->len", "new": "conn->buf ? conn->buf->len : 0"}, "ok"
        ),
        call("bash", {"command": "make test"}, "all passed"),
        assistant("Fixed."),
    )
    titles = [EXTRACT(t).drafts[0].title for t in (filed, dashed, pointer)]
    assert titles[0].startswith("File a bug")
    assert "em dash" in titles[1] and "them" not in titles[1]
    assert "conn->buf" in titles[2]
    assert arrows_spelled("Email the team to say thanks") == "Email the team to say thanks"


def test_a_request_to_debug_a_problem_told_first_is_titled_with_its_own_verb() -> None:
    trace = trace_of(
        user("mail-relay pods keep restarting. debug pls"),
        call("bash", {"command": "kubectl logs deploy/mail-relay --previous --tail=40"}, "OOMKilled"),
        call("bash", {"command": "kubectl describe deploy/mail-relay"}, "Limits: memory 256Mi"),
        assistant("It runs out of memory at 256Mi."),
    )
    [draft] = EXTRACT(trace).drafts
    assert draft.title == "Debug {deployment} pods restarting"
    assert request_sentence("mail-relay is crashlooping on prod, can you sort it out") == (
        "sort out mail-relay crashlooping on prod"
    )


def test_a_task_done_another_way_than_a_verb_outside_the_groups_asked_says_both() -> None:
    trace = trace_of(
        user("bump Yuki Mbeki's salary by 3% pls"),
        call("hr.search_employees", {"query": "Yuki Mbeki"}, [{"employee_id": "E41523", "name": "Yuki Mbeki"}]),
        call(
            "hr.create_case",
            {"category": "compensation_change", "employee_id": "E41523", "summary": "Raise for Yuki Mbeki: +3%"},
            {"case_id": "HRC-9627"},
        ),
        assistant("Salary changes go through HR: I opened case HRC-9627."),
    )
    [draft] = EXTRACT(trace).drafts
    assert draft.title.startswith("Create case") and "when asked to bump {" in draft.title, draft.title
    assert "salary" in draft.title and "Yuki" not in draft.title


def test_a_pronoun_for_the_one_person_the_request_names_is_that_person_in_the_title() -> None:
    trace = trace_of(
        user("Our contract with Emeka Delgado ended on Friday. Please remove every access they have."),
        call("it.find_user", {"query": "Emeka Delgado"}, {"username": "edelgado", "name": "Emeka Delgado"}),
        call("it.revoke_all_access", {"username": "edelgado"}, {"revoked": ["sso", "vpn", "github"]}),
        assistant("Revoked SSO, VPN and GitHub for edelgado."),
    )
    [draft] = EXTRACT(trace).drafts
    assert "they" not in draft.title.split() and "{name}" in draft.title, draft.title


def test_a_clause_that_says_which_ones_stays_in_the_title_and_an_aside_after_a_comma_does_not() -> None:
    export = trace_of(
        user("export the customers who churned in March with their plan and MRR to csv pls"),
        call("run_query", {"sql": "SELECT id, plan, mrr FROM customers WHERE churned_at >= '2026-03-01'"}, "412 rows"),
        call("export_query_results", {"query_id": "q_88123", "format": "csv"}, {"url": "https://x.example/e.csv"}),
        assistant("Here is the CSV: https://x.example/e.csv"),
    )
    aside = trace_of(
        user("Share the Q3 board deck with Priya Raman, who joins the board call on Thursday."),
        call(
            "drive_search_files", {"query": "Q3 board deck"}, {"files": [{"id": "1AbCdEfGh", "name": "Q3 board deck"}]}
        ),
        call("drive_share_file", {"file_id": "1AbCdEfGh", "email": "priya.raman@example.com", "role": "reader"}, "ok"),
        assistant("Shared with Priya."),
    )

    (exported,) = EXTRACT(export).drafts
    (shared,) = EXTRACT(aside).drafts

    assert exported.title.startswith("Export the customers who churned")  # not "Export the customers"
    assert "who joins" not in shared.title
    assert request_sentence("please cancel order #W2378156 which I placed by mistake yesterday") == (
        "cancel order #W2378156"  # a clause with its own subject tells something else
    )


def test_a_lone_verb_opening_a_chat_is_completed_by_the_answer_and_a_pin_given_asks_for_nothing() -> None:
    from deftly.tools.extract.titles import is_vague
    from deftly.tools.secrets import SECRET

    trace = trace_of(
        user("cancel"),
        assistant("I can help with that. What would you like to cancel?"),
        user("my whole fibre internet service. the speeds are awful"),
        assistant("Sorry to hear that. For security, what's the account PIN?"),
        user(f"pin {SECRET}"),
        call("lookup_account", {"phone": "+15182177760"}, {"account_id": "FX-5435388", "contract_end": "2027-01-04"}),
        call("transfer_to_human_agents", {"summary": "wants to cancel fibre service (speeds)"}, {"status": "ok"}),
        assistant("I'm passing you to the retention team, who can close the service."),
    )
    (draft,) = EXTRACT(trace).drafts

    assert is_vague(f"pin {SECRET}")
    assert "cancel" in draft.title.lower() and "fibre internet service" in draft.title  # not "Transfer to human agents"


def test_a_lone_verb_is_not_completed_by_a_yes_or_by_a_value_the_agent_asked_for() -> None:
    confirmed = trace_of(
        user("cancel"),
        assistant("Do you want to cancel your Premium subscription renewing on 2026-05-01?"),
        user("yes please"),
        call("get_subscription", {"user": "u1"}, {"subscription_id": "sub_8812"}),
        call("cancel_subscription", {"subscription_id": "sub_8812"}, {"ok": True}),
        assistant("Cancelled."),
    )
    identified = trace_of(
        user("refund"),
        assistant("Sure, what's the email on the order?"),
        user("mia@example.com"),
        call("find_order", {"email": "mia@example.com"}, {"order_id": "o_7712"}),
        call("refund_order", {"order_id": "o_7712"}, {"ok": True}),
        assistant("Refunded."),
    )

    titles = [EXTRACT(trace).drafts[0].title for trace in (confirmed, identified)]

    assert titles == ["Cancel subscription {subscription_id}", "Refund order {order_id}"]  # not "Cancel yes"


def test_hoping_and_needing_a_thing_are_requests_and_who_the_user_is_is_no_request() -> None:
    assert request_sentence("hi, hoping you can help") is None  # was "hop you can help"
    assert request_sentence("Hoping you can reset my password") == "reset the password"
    assert request_sentence("I need a refill on my Adderall XR 20 mg") == "get a refill on the Adderall XR 20 mg"

    def refill(opener: str, request: str) -> Any:
        return trace_of(
            user(opener),
            assistant("Hi! How can I help you today?"),
            user(request),
            assistant("Sure, first I need to verify you. Full name and date of birth?"),
            user("Tomasz Sato 1993-06-09"),
            call("find_patient", {"name": "Tomasz Sato", "date_of_birth": "1993-06-09"}, {"patient_id": "PT3033184"}),
            call("get_medications", {"patient_id": "PT3033184"}, {"medications": [{"id": "RX-60095"}]}),
            call("send_refill_request", {"patient_id": "PT3033184", "medication_id": "RX-60095"}, {"status": "sent"}),
            assistant("Your refill request for lisinopril is sent to the pharmacy."),
        )

    trace = refill("hi, hoping you can help", "I need a refill on my lisinopril")
    told = refill("hello", "my lisinopril is running out")
    (draft,) = EXTRACT(trace).drafts
    (described,) = EXTRACT(told).drafts

    assert "refill" in draft.title.lower() and "{date" not in draft.title
    for found in (draft, described):  # who the user is says nothing of what they want
        assert "{date" not in found.title and not any("{date" in request for request in found.requests)


def test_a_question_asked_inside_a_request_keeps_its_verb_at_the_end() -> None:
    trace = trace_of(
        user("Can you tell me what the largest file in the uploads bucket is, and how big it is?"),
        call(
            "s3.list_objects",
            {"bucket": "acme-uploads", "sort": "size_desc", "limit": 1},
            {"objects": [{"k": "a.mp4"}]},
        ),
        call("s3.head_object", {"bucket": "acme-uploads", "key": "a.mp4"}, {"size": 2254857830}),
        assistant("The largest is a.mp4, 2.1 GB."),
    )
    [draft] = EXTRACT(trace).drafts
    assert draft.title.endswith(" is"), draft.title  # not "… what the largest file in {bucket}"
    assert whole_phrase("Check whether the pod is") == "Check whether the pod"  # cut before its end


def test_a_donation_from_a_person_to_a_fund_is_no_route() -> None:
    """ "from Maria Chen to General Fund" names a donor and a fund the tools took, not an origin and destination."""
    from deftly.tools.extract.wording import generalize_words

    values = {"Maria Chen": "name", "General Fund": "fund"}
    assert (
        generalize_words("log $500 from Maria Chen to General Fund", values, []) == "log {amount} from {name} to {fund}"
    )
    assert generalize_words("a flight from New York to Chicago", {}, []) == "a flight from {origin} to {destination}"
    assert generalize_words("change the grade from C to B", {}, []) == "change the grade from C to B"  # grades
    assert (
        generalize_words("the cheapest flight from SF to NY", {}, [])
        == "the cheapest flight from {origin} to {destination}"
    )
    assert generalize_words("Reassign it from Dana Whitfield to Marco Silva", {"Marco Silva": "name"}, []) == (
        "Reassign it from {origin} to {name}"
    )
    assert generalize_words("Change priority from P2 to P1", {}, []) == "Change priority from P2 to P1"
    assert generalize_words("Move it from In Progress to Done", {"Done": "status"}, []) == (
        "Move it from In Progress to {status}"
    )


@pytest.mark.parametrize(
    ("request_text", "sentence"),
    [
        ("need the Pacifica Power & Light statement", "get the Pacifica Power & Light statement"),
        ("I need the Q3 board deck", "get the Q3 board deck"),
        ("want my pay stubs from March", "get the pay stubs from March"),
        ("Need the deleted files from the shared drive back.", "get the deleted files from the shared drive back"),
    ],
)
def test_a_thing_needed_without_a_verb_is_a_request_to_get_it(request_text: str, sentence: str) -> None:
    assert request_sentence(request_text) == sentence


def test_a_task_done_through_a_browser_is_titled_by_its_request_not_by_the_browser_tools() -> None:
    trace = trace_of(
        user("Can you fetch a statement from a vendor site?"),
        assistant("Sure, which vendor and which month?"),
        user("Pacifica Power & Light, July 2025, account 583857927"),
        call("browser_navigate", {"url": "https://my.pacificapower.com/login"}, "Page: Sign in [ref=e9] button"),
        call("browser_click", {"element": "Statements tab", "ref": "e9"}, "Page: Statements [ref=e41] July 2025 PDF"),
        call("browser_click", {"element": "July 2025 PDF", "ref": "e41"}, "Downloaded statement-2025-07.pdf"),
        assistant("Downloaded the July 2025 statement."),
    )
    [draft] = HeuristicExtractor().extract(trace).drafts
    assert draft.title == "Fetch a statement from a vendor site"


def test_a_question_announced_with_its_topic_is_not_the_request() -> None:
    assert request_sentence("quick payroll question Ana Ruiz's last check — gross, net, taxes?") is None
    assert request_sentence("quick question: can you cancel order 55?") == "cancel order 55"
    assert request_sentence("Short PTO request for Dana Whitfield, Dec 23 to Dec 27") == (
        "Short PTO request for Dana Whitfield"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Internet is down again. Account AC-88213.", None),
        ("Ticket 4411, from yesterday.", None),
        ("Cancel ZFA04Y", "Cancel ZFA04Y"),
        ("Check INC-2231 please", "Check INC-2231"),
    ],
)
def test_a_record_named_with_no_action_on_it_is_no_request(text: str, expected: str | None) -> None:
    assert request_sentence(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "rebooted and it's white now, internet works",  # what the user did and saw
        "changed it to 4G/5G, it shows 5G now",
        "just swapped my modem",  # an aside before it
        "sitll fails",  # "still", two letters swapped
        "Printer on floor 2 is jammed, paper stuck in tray 3.",  # more of the problem after the comma
        "thnak you very much for your help.",
        "speed test says 0.14 Mbps, very poor",  # more of the problem after the comma, no action
        "Thank you so much for your help! ###STOP###",
    ],
)
def test_what_the_user_did_or_saw_is_no_request(text: str) -> None:
    assert request_sentence(text) is None
    assert request_title(text, {}, []) is None


def test_a_title_of_nothing_but_values_is_no_title() -> None:
    assert request_title("Olusegun Grabowski", {"Olusegun Grabowski": "name"}, []) is None
    assert request_title("Fix Login Redirect Loop", {}, []) == "Fix Login Redirect Loop"  # Title Case still asks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fix PROJ-1234", "Fix PROJ-1234"),  # an action on a record, whatever its verb
        ("Triage INC-2231 please", "Triage INC-2231"),
        ("CI is red on main, fix failing tests please", "fix failing tests"),
        ("Seed the database with test fixtures.", "Seed the database with test fixtures"),
        ("Scheduled maintenance for tonight, notify all customers", "notify all customers"),  # the thing, then the ask
        (
            "Apply tested and approved patches to the prod servers",
            "Apply tested and approved patches to the prod servers",
        ),
        ("Three nights at the Hilton for the 12th please", "Three nights at the Hilton for the 12th"),
    ],
)
def test_an_action_deftly_has_no_word_for_is_still_asked(text: str, expected: str) -> None:
    assert request_sentence(text) == expected


def test_a_request_after_the_description_still_asks() -> None:
    assert request_sentence("Disk on web-3 is almost full, clean up old logs please") == "clean up old logs"
    assert request_sentence("The nightly export is stuck again, leave a note on the ticket") == (
        "leave a note on the ticket"  # a verb known by what it acts on
    )
    assert request_title("Proceed with the refund", {}, []) == "Proceed with the refund"  # "ed" of no verb
    assert request_title("Embed the chart in the weekly deck", {}, []) == "Embed the chart in the weekly deck"
