"""Extraction decided by what the trace shows, on small sessions of coding, devops, office and data work.

Each rule of the generalization issue has a case here: read-only tasks are tasks; only a failed last
attempt, the user saying it did not work, a refusal or a dropped request is skipped; a session with two
goals gives two procedures; runs merge only when they are the same task; titles are short abstractions;
no instance value survives.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_learn import record_and_learn
from tracebuilders import assistant, call, chat, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.tools_kind import is_read_only
from deftly.tools.same_task import side_effects

EXTRACT = HeuristicExtractor().extract


def summarize_emails(
    sender: str, person: str, request: str = "Find the emails from {} about the budget and summarize them for me."
) -> list[dict[str, Any]]:
    """Office, read-only: find a person's emails and summarize them."""
    return chat(
        user(request.format(sender)),
        call("mail.search_messages", {"from": sender, "query": "budget"}, {"ids": ["m_812", "m_813"]}),
        call("mail.get_message", {"id": "m_812"}, {"subject": "Budget", "body": f"{person} proposes 40k."}),
        call("mail.get_message", {"id": "m_813"}, {"subject": "Re: Budget", "body": "Approved."}),
        assistant(f"{person} proposed 40k for the budget and it was approved."),
    )


def disk_check(host: str) -> list[dict[str, Any]]:
    """Devops, check then do nothing: the condition is false, so nothing needs cleaning."""
    return chat(
        user(f"Check whether {host} is running out of disk and clean old logs if it is."),
        call("ssh.run", {"host": host, "command": "df -h /var"}, "/dev/sda1  50G  12G  38G  24% /var"),
        call("ssh.run", {"host": host, "command": "du -sh /var/log"}, "1.1G /var/log"),
        assistant(f"{host} uses 24% of /var; no cleanup needed."),
    )


def deploy(service: str, version: str, *, fails_last: bool = False) -> list[dict[str, Any]]:
    """Devops, acting: build, push and roll out; the rollout may fail at the end."""
    rollout = f"kubectl set image deployment/{service} {service}=registry.acme.io/{service}:{version}"
    return chat(
        user(f"Deploy {service} version {version} to staging."),
        call("bash", {"command": f"docker build -t registry.acme.io/{service}:{version} ."}, "Successfully built"),
        call("bash", {"command": f"docker push registry.acme.io/{service}:{version}"}, "pushed"),
        call(
            "bash",
            {"command": rollout},
            "error: deployment not found" if fails_last else "image updated",
            error=fails_last,
        ),
        assistant("The rollout failed." if fails_last else f"{service} {version} is rolling out on staging."),
    )


def test_a_read_only_task_of_several_steps_is_learned() -> None:
    [draft] = EXTRACT(trace_of(summarize_emails("dana@acme.com", "Dana Whitfield"))).drafts

    assert [s.tool for s in draft.steps] == ["mail.search_messages", "mail.get_message"]
    assert is_read_only("mail.search_messages") and is_read_only("calendar.search_events")


def test_a_tool_named_again_after_its_server_is_known_by_what_it_does() -> None:
    # Slack's MCP server names its tools mcp__slack__slack_list_channels, mcp__slack__slack_post_message.
    trace = trace_of(
        user("post in #eng-announce: the deploy freeze starts Friday at 18:00 UTC"),
        call("mcp__slack__slack_list_channels", {"limit": 200}, {"channels": [{"id": "C07", "name": "eng-announce"}]}),
        call(
            "mcp__slack__slack_post_message", {"channel_id": "C07", "text": "Deploy freeze starts Friday"}, {"ok": True}
        ),
        assistant("Posted."),
    )
    [draft] = EXTRACT(trace).drafts

    assert is_read_only("mcp__slack__slack_list_channels") and not is_read_only("mcp__slack__slack_post_message")
    # a product's name before a verb that only reads, unprefixed; but a tool whose first word acts, acts
    assert is_read_only("drive_search_files") and is_read_only("gmail_list_messages")
    assert not is_read_only("export_query_results") and not is_read_only("drive_share_file")
    assert side_effects(draft.steps) == {"mcp__slack__slack_post_message"}
    assert not any(step.action.lower().startswith("slack") for step in draft.steps), [s.action for s in draft.steps]


def test_checking_and_finding_nothing_to_do_is_learned() -> None:
    [draft] = EXTRACT(trace_of(disk_check("db-7.prod.acme.io"))).drafts

    assert len(draft.steps) == 2
    assert "db-7" not in json.dumps([draft.title, draft.goal, draft.requests, [s.arguments for s in draft.steps]])


def test_a_failed_last_attempt_is_not_learned() -> None:
    extraction = EXTRACT(trace_of(deploy("billing", "2.4.1", fails_last=True)))

    assert extraction.drafts == []
    assert "last attempt failed" in extraction.skipped[0].reason


def test_a_failure_the_agent_recovered_from_is_learned() -> None:
    trace = trace_of(
        user("Export the March sales table to CSV."),
        call("sql.query", {"sql": "SELECT * FROM sales_march"}, "relation does not exist", error=True),
        call("sql.list_tables", {}, ["sales_2026_03", "customers"]),
        call("sql.export_csv", {"table": "sales_2026_03", "path": "/tmp/exports/sales.csv"}, "wrote 1204 rows"),
        assistant("Exported 1,204 rows."),
    )
    [draft] = EXTRACT(trace).drafts

    assert "sql.export_csv" in [s.tool for s in draft.steps]
    assert all(s.tool != "sql.query" or s.decision for s in draft.steps)  # the failed call is no plain step


def test_the_user_saying_it_did_not_work_is_not_learned() -> None:
    trace = trace_of(
        user("Fix the flaky login test in tests/test_auth.py."),
        call("read_file", {"path": "tests/test_auth.py"}, "def test_login(): ..."),
        call("edit_file", {"path": "tests/test_auth.py", "old": "sleep(1)", "new": "wait_for(login)"}, "ok"),
        assistant("I replaced the sleep with an explicit wait."),
        user("That didn't fix it, it still fails on CI."),
    )
    extraction = EXTRACT(trace)

    assert extraction.drafts == []
    assert extraction.skipped[0].reason == "the user said it did not work"


def test_a_task_only_talked_about_is_not_learned() -> None:
    trace = trace_of(user("How would I set up a cron job to rotate logs?"), assistant("Use logrotate with ..."))

    assert EXTRACT(trace).drafts == []


def test_two_goals_in_one_session_become_two_procedures_each_with_its_own_steps() -> None:
    trace = trace_of(
        user("Schedule a 30 minute sync with priya@acme.com next Tuesday at 10."),
        call("calendar.find_free_slots", {"attendees": ["priya@acme.com"], "date": "2026-12-15"}, ["10:00"]),
        call("calendar.create_event", {"attendees": ["priya@acme.com"], "start": "2026-12-15T10:00"}, {"id": "ev_9"}),
        assistant("Booked for Tuesday 10:00."),
        user("Thanks. Also, send the Q3 report to finance@acme.com."),
        call("drive.search_files", {"query": "Q3 report"}, {"files": [{"id": "f_31"}]}),
        call("mail.send", {"to": "finance@acme.com", "attachment_id": "f_31"}, {"sent": True}),
        assistant("Sent."),
    )
    drafts = EXTRACT(trace).drafts

    assert [[s.tool for s in d.steps] for d in drafts] == [
        ["calendar.find_free_slots", "calendar.create_event"],
        ["drive.search_files", "mail.send"],
    ]


def test_setting_something_up_is_a_change_worth_learning() -> None:
    trace = trace_of(
        user("Set up a sync between the marketing drive folder and the shared Dropbox."),
        call("drive.get_folder", {"name": "marketing"}, {"id": "fold_12"}),
        call("sync.create_rule", {"source": "fold_12", "target": "dropbox:/shared"}, {"rule": "r_4"}),
        assistant("The sync is set up."),
    )

    [draft] = EXTRACT(trace).drafts
    assert draft.title.lower().startswith("set up a sync")


def test_runs_of_the_same_task_with_other_people_and_values_merge_into_one(store: Any, embedder: Any) -> None:
    first = record_and_learn(store, embedder, summarize_emails("dana@acme.com", "Dana Whitfield"), "s1")
    reworded = "Could you summarize the budget emails {} sent me?"
    second = record_and_learn(store, embedder, summarize_emails("omar@globex.com", "Omar Haddad", reworded), "s2")

    assert (first.created, second.merged) == (1, 1)
    [procedure] = store.list_procedures(10)
    assert procedure.sources == ["s1", "s2"] and len(procedure.examples) == 2
    text = procedure.model_dump_json()
    assert not any(v in text for v in ("dana@acme.com", "omar@globex.com", "Dana", "Omar", "m_812"))


def test_the_same_tools_for_another_goal_stay_apart(store: Any, embedder: Any) -> None:
    def api_session(request: str, path: str) -> list[dict[str, Any]]:
        return chat(
            user(request),
            call("http.request", {"method": "GET", "url": f"https://api.acme.io{path}"}, {"id": "x_1"}),
            call("http.request", {"method": "DELETE", "url": f"https://api.acme.io{path}"}, {"deleted": True}),
            assistant("Done."),
        )

    record_and_learn(store, embedder, api_session("Cancel my dentist appointment on Friday.", "/appointments/51"), "a")
    record_and_learn(store, embedder, api_session("Delete the draft blog post about pricing.", "/posts/77"), "b")

    assert len(store.list_procedures(10)) == 2


def test_similar_words_with_other_side_effects_stay_apart(store: Any, embedder: Any) -> None:
    def order_session(tool: str) -> list[dict[str, Any]]:
        return chat(
            user("I need to do something about order #W4417 that arrived broken."),
            call("get_order_details", {"order_id": "#W4417"}, {"status": "delivered"}),
            call(tool, {"order_id": "#W4417", "item_ids": ["9921"]}, {"status": "requested"}),
            assistant("Done."),
        )

    record_and_learn(store, embedder, order_session("return_delivered_order_items"), "r")
    record_and_learn(store, embedder, order_session("exchange_delivered_order_items"), "e")

    assert sorted(p.tools[-1] for p in store.list_procedures(10)) == [
        "exchange_delivered_order_items",
        "return_delivered_order_items",
    ]


def test_titles_are_never_a_pronoun_a_dangling_phrase_or_a_tool_with_an_id() -> None:
    vague = trace_of(
        user("Fix them."),
        call("bash", {"command": "ruff check --fix src/"}, "Found 3 errors (3 fixed)"),
        call("bash", {"command": "pytest -q"}, "58 passed"),
        assistant("Fixed the lint errors; tests pass."),
    )
    long = trace_of(
        user("Run the unit tests and then rebuild the docs site so the new API pages show up on the"),
        call("bash", {"command": "pytest -q"}, "58 passed"),
        call("bash", {"command": "mkdocs build"}, "Documentation built"),
        assistant("Done."),
    )
    [vague_draft] = EXTRACT(vague).drafts
    [long_draft] = EXTRACT(long).drafts

    assert vague_draft.title.lower() not in {"fix them", "fix it"} and "them" not in vague_draft.title.lower().split()
    assert long_draft.title.split()[-1].lower() not in {"the", "on", "to", "and", "of"}


def test_no_instance_value_survives_in_what_is_stored_of_a_data_analysis_task() -> None:
    trace = trace_of(
        user(
            "Load /data/exports/churn_2026-11-30.csv, count customers who left in November and email it to lee@acme.com"
        ),
        call("python", {"code": "pd.read_csv('/data/exports/churn_2026-11-30.csv')"}, "12034 rows"),
        call("python", {"code": "df[df.left_on.str.startswith('2026-11')].shape[0]"}, "412"),
        call("mail.send", {"to": "lee@acme.com", "body": "412 customers left in November."}, {"sent": True}),
        assistant("412 customers left in November; I emailed Lee."),
    )
    [draft] = EXTRACT(trace).drafts
    stored = json.dumps(
        [draft.title, draft.when_to_use, draft.goal, draft.requests, [s.model_dump() for s in draft.steps]]
    )

    for literal in ("churn_2026-11-30", "lee@acme.com", "2026-11-30"):
        assert literal not in stored


def test_a_title_retold_from_several_runs_still_names_what_a_pronoun_pointed_at(store: Any, embedder: Any) -> None:
    def share_session(request: str, file_id: str, email: str) -> list[dict[str, Any]]:
        return chat(
            user(request.format(email=email, file_id=file_id)),
            call("drive.get_file", {"file_id": file_id}, {"id": file_id, "owner": "me"}),
            call("drive.share_file", {"file_id": file_id, "email": email, "role": "reader"}, {"shared": True}),
            assistant(f"Shared with {email} as read-only."),
        )

    requests = [
        "Share it with {email}, read-only. It's the doc {file_id} in my drive.",
        "Please share it with {email} as read-only, it's doc {file_id} in my drive.",
        "Share it with {email}, read-only please. The doc is {file_id} in my drive.",
    ]
    emails = ["dana@acme.com", "li.wei@acme.com", "sam@partner.io"]
    for n, (request, email) in enumerate(zip(requests, emails, strict=True)):
        record_and_learn(store, embedder, share_session(request, f"f_{9921 + n}", email), f"s{n}")

    [procedure] = store.list_procedures(10)
    assert len(procedure.examples) == 3
    assert procedure.title == "Share the file with {email}"


def _stored_text(draft: Any) -> str:
    return json.dumps(
        [draft.title, draft.when_to_use, draft.goal, draft.requests, [s.model_dump() for s in draft.steps]]
    )


def test_people_the_tools_know_by_address_or_handle_are_placeholders() -> None:
    invoice = trace_of(
        user("Email Tom Baker the latest invoice and cc Maria."),
        call("billing.latest_invoice", {"customer_id": "c_7781"}, {"id": "INV-2231", "pdf": "https://x.io/i.pdf"}),
        call("mail.send", {"to": "tom.baker@client.com", "cc": "maria@acme.com", "attachment": "INV-2231"}, {"ok": 1}),
        assistant("Sent the invoice to Tom, Maria in copy."),
    )
    review = trace_of(
        user("Open a PR on acme/web from branch fix-login-redirect and ask Jordan Lee to review it."),
        call("github.create_pull_request", {"repo": "acme/web", "head": "fix-login-redirect", "base": "main"}, 412),
        call("github.request_review", {"repo": "acme/web", "number": 412, "reviewers": ["jlee"]}, {"ok": True}),
        assistant("PR #412 is open and Jordan is asked to review."),
    )

    [invoice_draft] = EXTRACT(invoice).drafts
    [review_draft] = EXTRACT(review).drafts

    assert invoice_draft.title == "Email {name} the latest invoice and cc {name}"
    for literal in ("Tom", "Baker", "Maria"):
        assert literal not in _stored_text(invoice_draft)
    for literal in ("Jordan", "Lee", "fix-login-redirect"):
        assert literal not in _stored_text(review_draft)


def test_a_first_and_last_name_where_only_a_person_fits_is_a_placeholder_but_a_product_is_not() -> None:
    meeting = trace_of(
        user("Schedule a meeting with Priya Sharma on 2026-12-08 at 15:00 about the budget."),
        call("calendar.create_event", {"attendees": ["p_5521"], "start": "2026-12-08T15:00"}, {"id": "ev_1"}),
        assistant("Booked."),
    )
    product = trace_of(
        user("Please order two Bluetooth Speakers for the Berlin office."),
        call("catalog.search", {"query": "bluetooth speaker"}, {"items": [{"sku": "BT-220"}]}),
        call("orders.create_order", {"sku": "BT-220", "quantity": 2, "site": "berlin"}, {"order": "o_1"}),
        assistant("Ordered."),
    )

    [meeting_draft] = EXTRACT(meeting).drafts
    [product_draft] = EXTRACT(product).drafts

    assert meeting_draft.title == "Schedule a meeting with {name} on {date} at {time} about the budget"
    assert "Bluetooth Speakers" in product_draft.title


def test_a_person_named_only_by_how_the_user_speaks_of_them_is_a_placeholder() -> None:
    """No tool knows these people: an approver, a doctor, the user themself, a contact at a company."""
    sessions = [
        (
            "Please grant repo admin on payments-api to jdoe. Should be approved by Marta Kowalczyk.",
            call("github.add_collaborator", {"repo": "payments-api", "user": "jdoe", "role": "admin"}, {"ok": True}),
        ),
        (
            "Can Dr. Tomasz Wr\u00f3bel renew my inhaler prescription?",
            call("rx.create_refill_request", {"medication": "inhaler"}, {"request_id": "rr_77"}),
        ),
        (
            "I'm Ingrid, head of finance. Export the Q3 ledger to CSV please.",
            call("ledger.export", {"quarter": "Q3", "format": "csv"}, {"file": "q3.csv"}),
        ),
        (
            "Update: Kofi Mensah at Brightwater just emailed that they're signing, mark opp 5512 as won.",
            call("crm.update_opportunity", {"id": "5512", "stage": "closed_won"}, {"ok": True}),
        ),
    ]
    for request, change in sessions:
        [draft] = EXTRACT(trace_of(user(request), change, assistant("Done."))).drafts
        written = " ".join([draft.title, draft.goal, *draft.requests])
        for name in ("Marta", "Kowalczyk", "Tomasz", "Wr\u00f3bel", "Ingrid", "Kofi", "Mensah"):
            assert name not in written, (name, written)
    [thing] = EXTRACT(
        trace_of(
            user("Restart Billing Service at Prod now, it is stuck."),
            call("ops.restart_service", {"service": "billing"}, {"ok": True}),
            assistant("Restarted."),
        )
    ).drafts
    assert "{name}" not in thing.title + thing.goal, thing.title  # a thing somewhere, not a person at a company


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Can Dr Samuel Achebe renew my prescription?", ["Samuel Achebe"]),  # a title without its dot
        ("The refill for Ms Patel is overdue", ["Patel"]),
        ("Created by Lena Fischer, escalated by Ben Kirkland", ["Ben Kirkland", "Lena Fischer"]),
        ("Export the pipeline to MS Excel and share it in MS Teams", []),
        ("Ship the replacement to 42 Elm Dr. Springfield, IL", []),
        ("Hi, I'm Head of IT at Acme, please reset the SSO policy", []),
        ("Support Team at Zendesk replied that the macro is fixed", []),
        ("Close the ticket raised by Pager Duty and owned by Platform Engineering", []),
        ("Interviewers: Svetlana, Dev and Anjali, 45 minutes each", ["Anjali", "Dev", "Svetlana"]),
        ("set up a sync with Ana and Raj tomorrow", ["Ana", "Raj"]),
        ("integrate the alerts with Slack, Jira and GitHub", []),
        ("book Paris and Rome hotels for the offsite", []),
        ("invite Slack and Jira users to the workspace", []),
        ("Book a meeting with Acme, Globex and Initech reps", []),
        ("set up a sync with Ana and Raj this week", ["Ana", "Raj"]),
    ],
)
def test_who_a_capitalized_phrase_is_depends_on_its_cue_and_its_words(text: str, people: list[str]) -> None:
    from deftly.tools.extract.people import request_names
    from deftly.tools.trace import Message, Trace

    assert sorted(request_names(Trace(format="x", turns=[Message(role="user", text=text)]))) == people


def test_a_shell_investigation_keeps_each_command_and_is_titled_by_the_problem_it_fixed() -> None:
    trace = trace_of(
        user("The checkout-api pods in staging keep crashlooping since this morning, can you find out why and fix it?"),
        call(
            "bash", {"command": "kubectl -n staging get pods -l app=checkout-api"}, "checkout-api-7d9f8 0/1 CrashLoop"
        ),
        call("bash", {"command": "kubectl -n staging logs checkout-api-7d9f8 --previous"}, "panic: REDIS_URL not set"),
        call(
            "bash", {"command": "kubectl -n staging set env deployment/checkout-api REDIS_URL=redis://cache:6379"}, "ok"
        ),
        call(
            "bash", {"command": "kubectl -n staging rollout status deployment/checkout-api"}, "successfully rolled out"
        ),
        assistant("REDIS_URL was missing; I set it and the rollout succeeded."),
    )

    [draft] = EXTRACT(trace).drafts

    assert [s.arguments["command"].split()[3] for s in draft.steps] == ["get", "logs", "set", "rollout"]
    assert draft.title == "Fix the {deployment} pods in {namespace} crashlooping"


def test_one_query_worth_writing_down_is_a_procedure_titled_by_the_question() -> None:
    query = (
        "SELECT count(*) FROM orders WHERE country = 'FR' AND created_at >= '2026-11-01' AND created_at < '2026-12-01'"
    )
    counted = trace_of(
        user("How many orders did we get from France last month?"),
        call("warehouse.run_sql", {"sql": query}, "[[1843]]"),
        assistant("1,843 orders from France in November."),
    )
    glanced = trace_of(
        user("What's in my home folder?"),
        call("shell.exec", {"command": "ls ~"}, "notes.txt projects"),
        assistant("notes.txt and projects."),
    )

    [draft] = EXTRACT(counted).drafts

    assert draft.title == "Find out how many orders did we get from France last month"
    assert draft.steps[0].arguments["sql"].endswith("created_at >= '{date}' AND created_at < '{date_2}'")
    assert EXTRACT(glanced).drafts == [], "a one-word command is nothing to remember"


def test_the_user_asking_to_undo_the_wrong_change_means_it_failed() -> None:
    trace = trace_of(
        user("Rename the 'tmp' folder in the project to 'scratch'."),
        call("bash", {"command": "mv /srv/project/tmp /srv/project/scratch"}, ""),
        assistant("Renamed tmp to scratch."),
        user("That's the wrong folder, I meant the one in src/. Undo that please."),
    )

    extraction = EXTRACT(trace)

    assert extraction.drafts == []
    assert extraction.skipped[0].reason == "the user said it did not work"


def test_a_search_querys_syntax_is_kept_and_only_its_values_generalized() -> None:
    trace = trace_of(
        user("Find the emails from Lisa Chen about the offsite and add the dates to my calendar."),
        call("gmail.search", {"q": "from:lisa.chen@acme.com offsite"}, {"messages": [{"id": "18c2a9"}]}),
        call("gmail.get", {"id": "18c2a9"}, {"body": "The offsite is January 14-15."}),
        call("calendar.create_event", {"summary": "Offsite", "start": "2027-01-14", "end": "2027-01-15"}, {"id": "e9"}),
        assistant("Added the offsite on Jan 14-15 to your calendar."),
    )

    [draft] = EXTRACT(trace).drafts

    assert draft.steps[0].arguments == {"q": "from:{email} offsite"}
    assert "Lisa" not in draft.title and "lisa.chen" not in _stored_text(draft)


def test_other_users_wording_of_the_same_task_merges_and_another_task_on_the_same_calendar_does_not(
    store: Any, embedder: Any
) -> None:
    people = [("Priya Sharma", "priya.sharma"), ("Tom Baker", "tom.baker"), ("Ana Ruiz", "ana.ruiz")]
    schedule = [
        "Schedule a 30 minute meeting with {p} on {d} at 10:00 about the roadmap.",
        "Can you set up a meeting with {p} for {d} at 14:00? We need to discuss hiring.",
        "I need a call with {p} on {d}, 16:00 works, topic is the Q1 launch.",
    ]
    cancel = [
        "Cancel my meeting with {p} on {d}.",
        "Please call off the {d} meeting with {p}, something came up.",
        "Can you remove the meeting with {p} on {d} from my calendar?",
    ]
    for n, (request, (person, handle)) in enumerate(zip(schedule, people, strict=True)):
        day, email = f"2026-12-{10 + n}", f"{handle}@acme.com"
        booked = chat(
            user(request.format(p=person, d=day)),
            call("directory.lookup", {"email": email}, {"email": email, "display_name": person}),
            call("calendar.create_event", {"attendees": [email], "start": f"{day}T10:00", "minutes": 30}, {"id": n}),
            assistant("Booked."),
        )
        record_and_learn(store, embedder, booked, f"s{n}")
    for n, (request, (person, handle)) in enumerate(zip(cancel, people, strict=True)):
        day = f"2026-12-{10 + n}"
        cancelled = chat(
            user(request.format(p=person, d=day)),
            call("calendar.list_events", {"date": day, "attendee": f"{handle}@acme.com"}, {"events": [f"ev_{n}"]}),
            call("calendar.delete_event", {"event_id": f"ev_{n}"}, {"deleted": True}),
            assistant("Cancelled."),
        )
        record_and_learn(store, embedder, cancelled, f"c{n}")

    learned = {p.tools[-1]: len(p.sources) for p in store.list_procedures(10)}
    assert learned == {"calendar.create_event": 3, "calendar.delete_event": 3}


def test_two_coding_tasks_through_the_same_shell_and_editor_stay_apart(store: Any, embedder: Any) -> None:
    def coding_session(request: str, path: str, test: str) -> list[dict[str, Any]]:
        return chat(
            user(request),
            call("Read", {"file_path": path}, "def main(): ..."),
            call("Edit", {"file_path": path, "old_string": "def main():", "new_string": "def main(argv=None):"}, "ok"),
            call("Bash", {"command": f"pytest {test} -q"}, "14 passed"),
            assistant("Done; tests pass."),
        )

    fix = "Fix the failing login tests."
    rename = "Rename the login helper to authenticate and update the tests."  # 0.79 from the other request
    record_and_learn(store, embedder, coding_session(fix, "src/login.py", "tests/test_login.py"), "a")
    record_and_learn(store, embedder, coding_session(rename, "src/login.py", "tests/test_login.py"), "b")

    assert len(store.list_procedures(10)) == 2


def test_after_a_change_that_failed_the_next_request_is_its_own_task() -> None:
    trace = trace_of(
        user("Restart the payments service on web-3."),
        call(
            "ssh.run", {"host": "web-3", "command": "sudo systemctl restart payments"}, "permission denied", error=True
        ),
        assistant("I couldn't restart it: permission denied for my account on web-3."),
        user("OK. Can you check the disk usage on web-3 and clear out /tmp/payments-cache?"),
        call("ssh.run", {"host": "web-3", "command": "df -h /"}, "/dev/sda1 50G 47G 3G 94% /"),
        call("ssh.run", {"host": "web-3", "command": "rm -rf /tmp/payments-cache/*"}, ""),
        call("ssh.run", {"host": "web-3", "command": "df -h /"}, "/dev/sda1 50G 31G 19G 62% /"),
        assistant("Disk was at 94%; after clearing the cache it is at 62%."),
    )

    extraction = EXTRACT(trace)

    assert [s.reason for s in extraction.skipped] == ["no tool call succeeded (attempted, not completed)"]
    [draft] = extraction.drafts
    assert draft.title.startswith("Check the disk usage on {host}")


def test_the_same_cleanup_on_two_hosts_through_a_remote_shell_is_one_procedure(store: Any, embedder: Any) -> None:
    def cleanup(host: str, service: str) -> list[dict[str, Any]]:
        return chat(
            user(f"Disk on {host} is almost full, clean up old {service} logs please."),
            call("ssh.run", {"host": host, "command": "df -h /var"}, "94%"),
            call(
                "ssh.run",
                {"host": host, "command": f"find /var/log/{service} -name '*.gz' -mtime +14 -delete"},
                "",
            ),
            call("ssh.run", {"host": host, "command": "df -h /var"}, "61%"),
            assistant("Cleaned up; /var is at 61%."),
        )

    record_and_learn(store, embedder, cleanup("web-3", "payments"), "a")
    record_and_learn(store, embedder, cleanup("web-7", "search"), "b")

    [procedure] = store.list_procedures(10)
    assert len(procedure.sources) == 2
    assert procedure.title.startswith("Clean up old")


def test_the_agent_agreeing_with_the_users_doubt_about_the_result_is_not_learned() -> None:
    cleaned = (
        user("dedupe /data/raw/badges.csv by email and save it as badges_clean.csv"),
        call("python", {"code": "df = pd.read_csv('/data/raw/badges.csv'); print(len(df))"}, "8954"),
        call("python", {"code": "df = df.dropna().drop_duplicates('email'); df.to_csv('badges_clean.csv')"}, "25"),
        assistant("Saved badges_clean.csv (25 rows)."),
        user("wait, 25 rows? there were almost 9000, that can't be right"),
        assistant("You're right, sorry — dropna() removed every row with any blank field."),
    )
    confirmed = (*cleaned[:-2], user("great, thanks"), assistant("You're welcome!"))

    assert not EXTRACT(trace_of(*cleaned)).drafts
    assert "agreed it was wrong" in EXTRACT(trace_of(*cleaned)).skipped[0].reason
    assert EXTRACT(trace_of(*confirmed)).drafts


def test_a_failed_shell_command_is_not_made_good_by_a_different_command_after_it() -> None:
    def bump(install_result: str) -> tuple[Any, ...]:
        return (
            user("bump axios to 1.7.9 in notifier and open a PR"),
            call("bash", {"command": "gh run list --repo acme/notifier --limit 3"}, "exit code 1: no runs"),
            call("bash", {"command": "git checkout -b chore/bump-axios"}, "Switched to a new branch"),
            call("bash", {"command": "npm install axios@1.7.9"}, install_result),
            call("bash", {"command": "git checkout - && git branch -D chore/bump-axios"}, "Deleted branch"),
            assistant("Done."),
        )

    conflict = json.dumps({"exit_code": 1, "stdout": "", "stderr": "npm ERR! code ERESOLVE"})
    assert not EXTRACT(trace_of(*bump(conflict))).drafts  # the install failed; the cleanup is no retry
    assert EXTRACT(trace_of(*bump("added 1 package"))).drafts  # a look that exited 1 is no failed change


def test_the_agent_admitting_it_did_something_else_than_asked_is_not_learned() -> None:
    notes = (
        user("Put today's standup notes into Notion, in the Team Journal database."),
        call("notion.search", {"query": "Team Journal"}, {"results": [{"id": "p1", "title": "Team Journal (old)"}]}),
        call("notion.create_page", {"parent": {"page_id": "p1"}, "title": "Standup"}, {"id": "n9"}),
        assistant("The notes are in Notion."),
        user("it's not showing up in the database, where did it go?"),
        assistant('Sorry — I created it under the old page "Team Journal (old)" instead of the Team Journal database.'),
    )
    thanked = (*notes[:-2], user("perfect, thanks"), assistant("Anytime!"))

    assert not EXTRACT(trace_of(*notes)).drafts
    assert EXTRACT(trace_of(*thanked)).drafts


def backfill(table: str, polls: list[str]) -> list[dict[str, Any]]:
    """Data work, acting through a job: start a backfill, then look at the job until it ends."""
    started = call(
        "warehouse.start_backfill",
        {"table": table, "from": "2026-01-01", "to": "2026-03-31"},
        {"job": {"job_id": "bf-20931", "state": "queued"}},
    )
    looks = [call("warehouse.get_job", {"job_id": "bf-20931"}, {"job_id": "bf-20931", "state": s}) for s in polls]
    return chat(user(f"Backfill {table} for Q1, please."), started, *looks, assistant("The backfill has ended."))


def test_work_a_later_look_reports_failed_is_not_learned() -> None:
    extraction = EXTRACT(trace_of(backfill("analytics.orders_daily", ["running", "ERRORED"])))

    assert extraction.drafts == []
    assert "warehouse.get_job reported the work warehouse.start_backfill started as ERRORED" in [
        s.reason for s in extraction.skipped
    ]


def test_work_seen_to_finish_and_a_look_at_a_failed_build_are_learned() -> None:
    [backfilled] = EXTRACT(trace_of(backfill("analytics.orders_daily", ["running", "succeeded"]))).drafts
    diagnosis = trace_of(
        user("Why did last night's build of the mobile app fail?"),
        call(
            "ci.list_builds", {"branch": "main", "limit": 1}, {"builds": [{"build_id": "b-7731", "status": "failed"}]}
        ),
        call("ci.get_build", {"build_id": "b-7731"}, {"build_id": "b-7731", "status": "failed", "step": "lint"}),
        assistant("It failed at the lint step: two unused imports in the login screen."),
    )

    assert backfilled.steps[0].tool == "warehouse.start_backfill"
    assert len(EXTRACT(diagnosis).drafts) == 1


def test_a_record_the_user_named_that_a_tool_listed_by_id_is_a_placeholder_though_no_call_used_it() -> None:
    trace = trace_of(
        user("Before I build the churn dashboard on `dim_accounts`, can you count its rows and its null emails?"),
        call("warehouse.list_tables", {"dataset": "analytics"}, {"tables": [{"table_id": "dim_accounts"}]}),
        call(
            "warehouse.run_query",
            {"sql": "SELECT COUNT(*) AS n, COUNTIF(email IS NULL) AS null_emails FROM analytics.dim_accounts_v2"},
            {"rows": [{"n": 48211, "null_emails": 17}]},
        ),
        assistant("48,211 rows, 17 without an email."),
    )
    [draft] = EXTRACT(trace).drafts

    assert "dim_accounts" not in json.dumps([draft.title, draft.goal, draft.when_to_use, draft.requests])


_LOOKED_AT_AND_FINE = {
    "a kill that was asked for": chat(
        user("The backfill job bf-20931 is hogging the cluster, please kill it."),
        call("kill_job", {"job_id": "bf-20931"}, {"job_id": "bf-20931", "status": "terminating"}),
        call("get_job", {"job_id": "bf-20931"}, {"job_id": "bf-20931", "status": "KILLED"}),
        assistant("Done: bf-20931 is killed."),
    ),
    "an id the change echoes names what failed before it": chat(
        user("The nightly export job exp-5512 failed. Open an incident for it and attach the error logs."),
        call("get_job", {"job_id": "exp-5512"}, {"job_id": "exp-5512", "status": "failed"}),
        call("create_incident", {"title": "Export failed"}, {"incident_id": "INC-3391", "job_id": "exp-5512"}),
        call("get_job_logs", {"job_id": "exp-5512"}, {"job_id": "exp-5512", "status": "failed", "lines": ["OOM"]}),
        call("add_incident_note", {"incident_id": "INC-3391", "note": "OOM"}, {"note_id": "n-1"}),
        assistant("Opened INC-3391 and attached the OOM error."),
    ),
    "an earlier attempt's state inside a record that succeeded": chat(
        user("Retry the payout po_88213 to the vendor."),
        call(
            "retry_payout",
            {"payout_id": "po_88213"},
            {"payout_id": "po_88213", "attempt_id": "att_2", "status": "pending"},
        ),
        call("get_attempt", {"attempt_id": "att_2"}, {"attempt_id": "att_2", "last_attempt": {"status": "failed"}}),
        assistant("The retry went through."),
    ),
    "a failed deploy the agent then fixed another way": chat(
        user("Deploy the new version of the checkout service to staging."),
        call("create_deployment", {"app": "checkout"}, {"deployment_id": "dpl_81x7", "status": "queued"}),
        call("get_deployment", {"deployment_id": "dpl_81x7"}, {"deployment_id": "dpl_81x7", "status": "error"}),
        call("set_env_var", {"app": "checkout", "name": "REDIS_URL"}, "OK"),
        call("Bash", {"command": "flyctl deploy --app checkout-staging"}, "--> v42 deployed successfully"),
        assistant("Deployed v42 after setting REDIS_URL."),
    ),
    "a failure that was the aim": chat(
        user("Trigger a run of suite checkout-e2e on staging so we can reproduce the flaky failure."),
        call("trigger_test_run", {"suite": "checkout-e2e"}, {"test_run_id": "tr_5518", "status": "running"}),
        call("get_test_run", {"test_run_id": "tr_5518"}, {"test_run_id": "tr_5518", "result": "failed"}),
        assistant("Reproduced: the login step timed out again."),
    ),
}


@pytest.mark.parametrize("case", sorted(_LOOKED_AT_AND_FINE))
def test_a_look_that_reads_failed_does_not_fail_a_task_where_that_was_not_the_work_breaking(case: str) -> None:
    extraction = EXTRACT(trace_of(_LOOKED_AT_AND_FINE[case]))

    assert extraction.drafts, [s.reason for s in extraction.skipped]


def test_ids_a_tool_returned_that_read_as_words_stay_words_in_the_request() -> None:
    trace = trace_of(
        user("How many customers placed orders last week? Break it down by region."),
        call("list_tables", {"dataset_id": "shop"}, {"tables": [{"table_id": "orders"}, {"table_id": "customers"}]}),
        call(
            "run_query",
            {"sql": "SELECT region, COUNT(DISTINCT c.id) FROM shop.orders o JOIN shop.customers c USING (cid)"},
            {"rows": [["EMEA", 412]]},
        ),
        call("create_report", {"title": "Weekly buyers by region"}, {"report_id": "rep_7"}),
        assistant("412 in EMEA; the report is rep_7."),
    )
    [draft] = EXTRACT(trace).drafts

    assert draft.requests[0].startswith("How many customers placed orders")


def _deploy_that_failed(request: str, *after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("deploys.create", {"service": "billing-api", "version": "2.3"}, {"deploy_id": "dep-88213"}),
        call("deploys.get", {"deploy_id": "dep-88213"}, {"deploy_id": "dep-88213", "status": "failed"}),
        *after,
        assistant("The deploy failed."),
    )


_FAILED_WORK = {
    "polled through a shell command": chat(
        user("Submit the nightly-etl batch job to the prod queue."),
        call(
            "bash",
            {"command": "aws batch submit-job --job-name nightly-etl --job-queue prod"},
            {"jobId": "8d1c2f4e-9b7a"},
        ),
        call(
            "bash",
            {"command": "aws batch describe-jobs --jobs 8d1c2f4e-9b7a"},
            {"jobs": [{"status": "FAILED"}], "status": "FAILED"},
        ),
        assistant("The job failed."),
    ),
    "rolled back": _deploy_that_failed(
        "Deploy billing-api v2.3 to staging.", call("deploys.rollback", {"deploy_id": "dep-88213"}, {"ok": True})
    ),
    "reported in a ticket": _deploy_that_failed(
        "Deploy billing-api v2.3 to staging.",
        call("jira.create_issue", {"summary": "billing-api deploy failed"}, {"key": "OPS-12"}),
    ),
    "asked not to fail": _deploy_that_failed(
        "Deploy billing-api v2.3 to staging and make sure the rollout doesn't fail."
    ),
}


@pytest.mark.parametrize("case", sorted(_FAILED_WORK))
def test_work_a_look_read_as_failed_is_not_learned_however_it_was_polled_or_followed_up(case: str) -> None:
    extraction = EXTRACT(trace_of(_FAILED_WORK[case]))

    assert extraction.drafts == [], [d.title for d in extraction.drafts]


def test_a_code_a_tool_listed_that_the_user_named_is_a_placeholder_but_a_state_is_not() -> None:
    trace = trace_of(
        user("Restock the BLUEMUG item, it has been PENDING all week: 40 units."),
        call(
            "inv.search_items", {"q": "mug"}, {"items": [{"sku": "BLUEMUG", "item_id": "it_7731", "status": "PENDING"}]}
        ),
        call("inv.restock", {"item_id": "it_7731", "quantity": 40}, {"ok": True}),
        assistant("Restocked 40."),
    )
    [draft] = EXTRACT(trace).drafts

    assert "BLUEMUG" not in draft.requests[0] and "PENDING" in draft.requests[0]
