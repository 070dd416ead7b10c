"""Runs of one task that differ in what they looked at, in which options their users named and in how
they put the request: one procedure, with every step that changed something, titled by what was asked.

Hand-written devops and ticket sessions; each case was found by extracting sessions of other kinds of work
(bench/work_sessions.py) and each failed before its fix.
"""

from __future__ import annotations

from typing import Any

from test_learn import record_and_learn
from tracebuilders import assistant, call, chat, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.titles import request_sentence
from deftly.tools.extract.vocabulary import primary_action, same_word
from deftly.tools.formats import parse_history
from deftly.tools.generalize.commands import is_read_command

EXTRACT = HeuristicExtractor().extract


def restart_session(request: str, app: str, *, look_at_logs: bool) -> list[dict[str, Any]]:
    logs = [call("bash", {"command": f"kubectl -n prod logs {app}-7f9c2-x2k --tail=50"}, "OOMKilled")]
    return chat(
        user(request),
        call("bash", {"command": f"kubectl -n prod get pods -l app={app}"}, f"{app}-7f9c2-x2k 0/1 CrashLoopBackOff"),
        *(logs if look_at_logs else []),
        call("bash", {"command": f"kubectl -n prod rollout restart deployment/{app}"}, "restarted"),
        assistant(f"Restarted {app}; the new pods are running."),
    )


def test_a_restart_with_or_without_a_look_at_the_logs_is_one_procedure_that_still_restarts(
    store: Any, embedder: Any
) -> None:
    runs = [
        ("The notifications service is crash looping in prod, restart it.", "notifications", False),
        ("billing pods keep crashing, can you take a look and restart the deployment?", "billing", True),
        ("Please restart the search deployment in prod, it's down.", "search", False),
        ("Check why auth is down in production and bounce it.", "auth", True),
    ]
    for n, (request, app, look) in enumerate(runs):
        record_and_learn(store, embedder, restart_session(request, app, look_at_logs=look), f"restart-{n}")

    (procedure,) = store.list_procedures(10)
    commands = [str(step.arguments.get("command")) for step in procedure.steps]
    assert len(procedure.sources) == 4
    assert any("rollout restart" in command for command in commands)  # aligned on "bash" alone, it was dropped
    assert [s.optional for s in procedure.steps if "logs" in str(s.arguments)] == [True]


def test_a_request_that_says_restart_it_is_titled_by_what_it_points_at() -> None:
    request = "The notifications service is crash looping in prod, restart it."
    (draft,) = EXTRACT(parse_history(restart_session(request, "notifications", look_at_logs=False))).drafts

    # the service is the one "deployment/notifications" names: the run's value, as a tool's argument would be
    assert draft.title == "Restart the {deployment} service"


def test_a_request_with_a_question_in_it_is_not_a_described_problem() -> None:
    request = "Check why auth is down in production and bounce it."
    (draft,) = EXTRACT(parse_history(restart_session(request, "auth", look_at_logs=True))).drafts

    assert not draft.title.lower().startswith("bounce check")


def ticket_session(request: str, subject: str, assignee: str, *, kind: str, priority: str) -> list[dict[str, Any]]:
    jql = f'project = OPS AND text ~ "{subject} timeout" AND status != Done'
    return chat(
        user(request),
        call("jira.search_issues", {"jql": jql}, {"issues": []}),
        call(
            "jira.create_issue",
            {"project": "OPS", "type": kind, "summary": f"{subject} requests time out", "priority": priority},
            {"key": "OPS-912"},
        ),
        call("jira.assign_issue", {"key": "OPS-912", "assignee": assignee}, {"ok": True}),
        assistant(f"Filed OPS-912 and assigned it to {assignee}."),
    )


def test_an_option_one_user_named_and_another_run_chose_is_the_same_task(store: Any, embedder: Any) -> None:
    """One user says "bug" (the agent picks High), another "high priority" (the agent picks Bug): one call."""
    runs = [
        ("checkout requests keep timing out. File a bug in Jira for it and assign it to dkim.", "checkout", "dkim"),
        ("Open a high priority OPS ticket about the auth timeouts and give it to tbaker.", "auth", "tbaker"),
        ("Please create a Jira bug for the payments timeout issue, assignee kito, unless one exists.", "payments",
         "kito"),
    ]  # fmt: skip
    for n, (request, subject, assignee) in enumerate(runs):
        record_and_learn(
            store, embedder, ticket_session(request, subject, assignee, kind="Bug", priority="High"), f"t{n}"
        )

    (procedure,) = store.list_procedures(10)
    assert len(procedure.sources) == 3
    search = str(procedure.steps[0].arguments["jql"])
    assert "status != Done" in search  # the query's know-how stays; "checkout" is not the verb "check"
    assert not {"checkout", "auth", "payments"} & set(search.replace('"', " ").split())


def test_a_title_too_long_ends_where_a_phrase_ends() -> None:
    session = ticket_session(
        "Open a high priority OPS ticket about the auth timeouts and give it to tbaker.",
        "auth",
        "tbaker",
        kind="Bug",
        priority="High",
    )

    (draft,) = EXTRACT(parse_history(session)).drafts

    assert not draft.title.endswith(("give it", "and", "to"))
    assert draft.title.startswith("Open a")


def test_a_change_asked_after_a_look_is_the_action_asked() -> None:
    assert primary_action("Check why auth is down and bounce it", reads_too=True) == primary_action("restart auth")
    assert primary_action("show me the sessions", reads_too=True) != primary_action("delete the sessions")
    assert primary_action("find the emails from Ann and delete them", reads_too=True) == primary_action("delete it")


def test_inflections_are_the_same_word_and_words_that_start_alike_are_not() -> None:
    assert same_word("cancel", "cancelled") and same_word("book", "bookings") and same_word("update", "updated")
    assert same_word("remove", "removal") and same_word("create", "creation")
    assert not same_word("check", "checkout") and not same_word("post", "poster") and not same_word("sets", "setup")


def test_commands_that_only_look_are_told_from_commands_that_act() -> None:
    looking = [
        "kubectl -n prod logs api-1 --tail=50 | grep error",
        "git log --oneline | head",
        "git status",
        "ls -la",
        "ls infra/prod && git -C infra/prod log --oneline -3",
        "cd repo; git status",
        # a query's own ">=" and "||" are not the shell's
        """psql -d app -c "SELECT count(*) FROM users WHERE created_at >= DATE '2026-11-01';\"""",
    ]
    acting = ["kubectl rollout restart deployment/api", "cat a > b", "find . -name '*.gz' -delete", "ls && rm x",
              "sed -i s/a/b/ f", "git log | tee out.txt", "pytest -q", "cd repo", "cat a || rm a",
              "kubectl get pods; kubectl delete pod api-1", 'ls "$(rm -rf build)"', "ls 'a' > out.txt",
              'cat "`rm x`"']  # fmt: skip

    assert all(is_read_command({"command": c}) for c in looking)
    assert not any(is_read_command({"command": c}) for c in acting)


def lead_session(request: str, person: tuple[str, str], company: str, source: str, extra: dict[str, str]) -> Any:
    first, last = person
    email = f"{first.lower()}.{last.lower()}@{company.split()[0].lower()}.com"
    return chat(
        user(request.format(name=f"{first} {last}", company=company, email=email)),
        call("crm.search_contacts", {"query": email}, {"contacts": []}),
        call(
            "crm.create_lead",
            {"first_name": first, "last_name": last, "email": email, "company": company, "source": source, **extra},
            {"lead_id": "L-20931"},
        ),
        assistant(f"Created lead L-20931 for {first} {last} at {company}."),
    )


def test_leads_created_with_other_optional_fields_and_sources_the_agent_picked_are_one_task(
    store: Any, embedder: Any
) -> None:
    """One agent adds "notes", another a "title"; each picks the lead's source from what the user said."""
    runs = [
        ("New lead please: {name} from {company}, {email}. Met them at Web Summit.", ("Ines", "Okafor"),
         "Lumen Wines", "trade_show", {"notes": "Met at Web Summit"}),
        ("Log a lead for {company}: contact {name}, {email}.", ("Tomas", "Berg"), "Pinecrest Cycles", "referral",
         {"title": "Controller"}),
        ("Could you put {name} ({company}) into the CRM as a lead? Reach them at {email}.", ("Aiko", "Mori"),
         "Harbor Labs", "website", {}),
    ]  # fmt: skip
    for n, (request, person, company, source, extra) in enumerate(runs):
        record_and_learn(store, embedder, lead_session(request, person, company, source, extra), f"lead-{n}")

    (procedure,) = store.list_procedures(10)
    assert len(procedure.sources) == 3


def time_off_session(request: str, person: str, decision: str) -> Any:
    return chat(
        user(request.format(name=person)),
        call("hr.search_employees", {"query": person}, {"employees": [{"id": "E-4410", "name": person}]}),
        call(
            "hr.list_time_off_requests", {"employee_id": "E-4410", "status": "pending"}, {"requests": [{"id": "TO-88"}]}
        ),
        call("hr.decide_time_off", {"request_id": "TO-88", "decision": decision}, {"ok": True}),
        assistant(f"Done: {person}'s request TO-88 is {decision}d."),
    )


def test_a_decision_the_user_named_stays_the_step_and_the_other_decision_is_another_task(
    store: Any, embedder: Any
) -> None:
    runs = [
        ("Please approve {name}'s time off request for next week.", "Sven Olsen", "approve"),
        ("{name} asked for Friday off, approve it please", "Maya Chen", "approve"),
        ("Please reject {name}'s time off request for next week.", "Lars Holm", "reject"),
    ]
    for n, (request, person, decision) in enumerate(runs):
        record_and_learn(store, embedder, time_off_session(request, person, decision), f"pto-{n}")

    decisions = {p.steps[-1].arguments.get("decision"): len(p.sources) for p in store.list_procedures(10)}
    assert decisions == {"approve": 2, "reject": 1}  # not "{decision}": what was asked is the task


def terraform_session(request: str, stack: str, *, confirm: bool) -> Any:
    def terraform(command: str, result: str) -> Any:
        return call("bash", {"command": f"cd {stack} && terraform {command}"}, result)

    confirmation = [assistant("Plan: 1 to add, 0 to change. Apply this?"), user("y")] if confirm else []
    return chat(
        user(request.format(stack=stack)),
        terraform("init -input=false -no-color", "Terraform has been successfully initialized!"),
        terraform("plan -no-color -input=false -out=tfplan", "Plan: 1 to add, 0 to change, 0 to destroy."),
        *confirmation,
        terraform("apply -no-color -input=false tfplan", "Apply complete! Resources: 1 added."),
        assistant("Applied: 1 resource added."),
    )


def test_a_plan_and_apply_behind_cd_is_three_steps_and_a_y_continues_the_task() -> None:
    trace = parse_history(terraform_session("go ahead and apply {stack}", "deploy/tf/eu-west-1/prod", confirm=True))

    extraction = EXTRACT(trace)

    (draft,) = extraction.drafts  # "y" is the user's go-ahead, not a request of its own
    commands = [str(step.arguments.get("command")) for step in draft.steps]
    assert [c.split("terraform ")[1].split()[0] for c in commands] == ["init", "plan", "apply"]  # not one "cd"
    assert all("eu-west-1" not in c and "{" in c for c in commands)  # the stack's directory is a value


def test_a_person_named_only_in_a_possessive_and_a_month_are_values() -> None:
    trace = parse_history(
        chat(
            user("Pull Keiko's payslip for 2025-03 and tell me the take-home amount."),
            call("hr.search_employees", {"email": "k.tanaka@acme.io"}, {"employees": [{"id": "E-2231"}]}),
            call("payroll.get_payslip", {"employee_id": "E-2231", "year": 2025, "month": 3}, {"net": 4210.55}),
            assistant("Keiko's net pay for March 2025 was 4,210.55."),
        )
    )

    (draft,) = EXTRACT(trace).drafts

    assert "{name}'s payslip for {month}" in draft.title  # the tools knew neither as written


def employee_update_session(request: str, person: str, changes: dict[str, str]) -> Any:
    return chat(
        user(request.format(name=person)),
        call("hr.search_employees", {"query": person}, {"employees": [{"id": "E-118"}]}),
        call("hr.update_employee", {"employee_id": "E-118", "changes": changes, "effective_date": "2026-01-01"}, "ok"),
        assistant(f"Updated {person}'s record."),
    )


def test_an_update_of_other_fields_through_the_same_tool_is_another_task(store: Any, embedder: Any) -> None:
    """The same ``changes`` argument, holding a manager or a job title: what changes is inside it."""
    record_and_learn(
        store, embedder, employee_update_session("Update {name}'s record: new manager is E-301.", "Ana Diaz",
                                                 {"manager_id": "E-301"}), "a")  # fmt: skip
    record_and_learn(
        store, embedder, employee_update_session("Update {name}'s record: new title is Staff Engineer.", "Bo Lee",
                                                 {"job_title": "Staff Engineer"}), "b")  # fmt: skip

    assert len(store.list_procedures(10)) == 2


def test_titles_keep_an_as_phrase_drop_a_pls_and_take_the_sentence_that_asks() -> None:
    assert request_sentence("Set Gabriela Larsen as the line manager for Elif Garcia.") == (
        "Set Gabriela Larsen as the line manager for Elif Garcia"
    )
    assert request_sentence("tf plan on infra/envs/prod pls") == "tf plan on infra/envs/prod"
    assert request_sentence(
        "Dunmore Pet Supply filed a chargeback on INV-2025-1306. Can you respond to the dispute and tell the bank?"
    ).startswith("respond to the dispute")
    assert request_sentence("Cancel my flight as soon as possible") == "Cancel the flight"


def test_a_user_saying_it_did_not_work_after_the_change_is_a_failure_though_the_agent_looked_again() -> None:
    trace = parse_history(
        chat(
            user("Keiko Thompson is locked out, can you reset her password? Username kthompson."),
            call("it.reset_password", {"username": "kthompson", "delivery": "email"}, {"status": "reset_sent"}),
            assistant("Done: a reset link went to her recovery email."),
            user("that didn't work — she still can't get in, says 'account locked'"),
            call("it.get_account", {"username": "kthompson"}, {"locked": True, "hold": "security"}),
            assistant("Sorry, the account is under a security hold; I can't lift it. Security will need to review it."),
        )
    )

    extraction = EXTRACT(trace)

    assert extraction.drafts == []
    assert [s.reason for s in extraction.skipped] == ["the user said it did not work"]


def test_an_option_contradicts_only_where_a_request_names_it_not_where_a_placeholder_reads_like_it() -> None:
    from deftly.tools.models import Step
    from deftly.tools.same_calls import same_options

    by_email = [
        Step(
            action="Reset password", tool="it.reset_password", arguments={"username": "{username}", "delivery": "email"}
        )
    ]
    by_sms = [
        Step(action="Reset password", tool="it.reset_password", arguments={"username": "{username}", "delivery": "sms"})
    ]

    assert same_options(by_email, by_sms, ("reset the password of {email}", "{name} forgot their password"))
    assert not same_options(by_email, by_sms, ("reset the password of {email}", "send {name} a reset link by sms"))


def test_a_problem_told_first_names_what_it_and_them_point_at_and_an_aside_is_left_out() -> None:
    helpdesk = (
        "Hi, I'm covering the helpdesk today. Keiko Sato (keiko.sato@quillon.ai) forgot their password after "
        "coming back from leave \u2014 could you reset it for them?"
    )
    assert request_sentence(helpdesk) == "reset Keiko Sato's password"
    assert request_sentence("our AWS key leaked, rotate it now") == "rotate the AWS key"
    assert request_sentence("Priya lost her laptop, wipe it remotely") == "wipe priya's laptop"
    assert request_sentence("Can you plan sandbox (no apply) and list what would be destroyed?") == (
        "plan sandbox and list what would be destroyed"
    )


def test_a_state_the_user_wants_is_a_request_to_set_it_and_the_system_is_not_an_object() -> None:
    wanted = "Goran Jansen's manager should be Sven Underwood now, not Mei Duarte \u2014 fix the record."

    assert request_sentence(wanted) == "set Goran Jansen's manager to Sven Underwood"
    assert request_sentence("The timeout should be 30 seconds.") == "set the timeout to 30 seconds"
    assert request_sentence("It should be fine, just restart the pod") == "restart the pod"
    assert request_sentence("after the reorg Liam now reports to Theo. Update the system pls.") is None


def plan_session(request: str, *later: Any, applied: bool) -> list[dict[str, Any]]:
    apply = [call("bash", {"command": "cd infra/envs/prod && terraform apply -auto-approve"}, "Apply complete!")]
    return chat(
        user(request),
        call("bash", {"command": "cd infra/envs/prod && terraform init -input=false"}, "Terraform initialized"),
        call("bash", {"command": "cd infra/envs/prod && terraform plan -no-color"}, "Plan: 2 to add"),
        *later,
        *(apply if applied else []),
        assistant("Plan: 2 to add, 0 to change." + (" I went ahead and applied it." if applied else "")),
    )


def test_a_run_that_did_what_the_user_ruled_out_is_a_failure_until_the_user_allows_it() -> None:
    applied_anyway = EXTRACT(parse_history(plan_session("dry-run terraform for prod", applied=True)))
    told_not_to = EXTRACT(parse_history(plan_session("plan prod, don't apply yet", applied=True)))
    allowed_later = EXTRACT(
        parse_history(
            plan_session("plan prod, don't apply yet", assistant("Apply?"), user("looks good, apply it"), applied=True)
        )
    )
    planned = EXTRACT(parse_history(plan_session("dry-run terraform for prod", applied=False)))

    assert not applied_anyway.drafts and "ruled out (apply" in applied_anyway.skipped[0].reason
    assert not told_not_to.drafts
    assert [s.tool for s in allowed_later.drafts[0].steps].count("bash") == 3
    assert planned.drafts and not planned.skipped


def test_a_move_that_cancelled_what_the_user_said_not_to_cancel_is_a_failure() -> None:
    def meeting(*calls: Any) -> Any:
        return parse_history(
            chat(
                user("Move my meeting with Ana Lopes to Friday 3pm, don't cancel it"),
                call("calendar.search_events", {"query": "Ana Lopes"}, {"events": [{"id": "ev_81"}]}),
                *calls,
                assistant("Done."),
            )
        )

    moved = EXTRACT(
        meeting(call("calendar.update_event", {"event_id": "ev_81", "start": "2026-12-11T15:00"}, {"ok": 1}))
    )
    recreated = EXTRACT(
        meeting(
            call("calendar.cancel_event", {"event_id": "ev_81"}, {"ok": True}),
            call("calendar.create_event", {"title": "Ana Lopes", "start": "2026-12-11T15:00"}, {"ok": True}),
        )
    )

    assert moved.drafts and not moved.skipped
    assert not recreated.drafts and "cancel" in recreated.skipped[0].reason


def test_a_question_someone_asked_the_user_is_what_to_find_out_and_remaining_is_not_a_verb() -> None:
    relayed = "Goran Ibrahim asked me how many holiday days they have left \u2014 what does the system say?"

    assert request_sentence(relayed) == "find out how many holiday days Goran Ibrahim has left"
    assert request_sentence("Quick one: remaining vacation days, Sofia Takahashi (People).") == (
        "remaining vacation days"
    )
    assert request_sentence("Outstanding balance for Acme?") == "Outstanding balance for Acme"
    assert request_sentence("Canceling the orders, please") == "cancel the orders"


def test_when_to_use_quotes_a_request_that_is_no_verb_phrase_and_keeps_a_verb_it_does_not_know() -> None:
    from deftly.tools.extract.titles import when_to_use

    assert when_to_use("Quick one: remaining vacation days, Sofia (People).", {}, []) == (
        'The user asks for: "remaining vacation days".'
    )
    assert when_to_use("count of new signups last week?", {}, []).startswith('The user asks for: "count of')
    # "pls" is "please": the request is "handle it", which says nothing, so the message is quoted whole
    assert when_to_use("customer disputed INV-2231 with their bank, pls handle it", {}, []).startswith(
        'The user says: "customer disputed {id}'
    )
    assert when_to_use("pls reset Keiko's password", {}, []) == "The user asks to reset {name}'s password."
    assert when_to_use("release version 2.1.0 to PyPI", {}, []) == "The user asks to release version {version} to PyPI."


def test_a_bucket_the_user_named_without_its_scheme_is_the_tools_value() -> None:
    from deftly.tools.extract.wording import generalize_words

    values = {"s3://brightlane-invoices-archive/tmp/": "prefix"}

    assert generalize_words("check size of brightlane-invoices-archive/tmp/", values, []) == "check size of {prefix}"


def drop_session(request: str, *, dropped: bool, answer: str) -> Any:
    look = call(
        "bash", {"command": 'psql -h db.internal -U ops -d billing -c "\\dt+ legacy_orders"'}, "legacy_orders | 80 GB"
    )
    drop = call(
        "bash", {"command": 'psql -h db.internal -U ops -d billing -c "DROP TABLE legacy_orders;"'}, "DROP TABLE"
    )
    return parse_history(chat(user(request), look, *([drop] if dropped else []), assistant(answer), user("ok")))


def test_a_statement_through_a_database_client_is_its_own_step_and_a_refusal_after_a_look_is_not_learned() -> None:
    dropped = EXTRACT(drop_session("Drop the legacy_orders table in prod", dropped=True, answer="Done, dropped it."))
    refused = EXTRACT(
        drop_session(
            "wipe legacy_orders in production asap",
            dropped=False,
            answer="I'm not going to run that directly: it needs an approved change request.",
        )
    )

    assert [s.arguments["command"].split('"')[1].split()[0] for s in dropped.drafts[0].steps] == ["\\dt+", "DROP"]
    assert not refused.drafts and "could not be done" in refused.skipped[0].reason
    assert is_read_command({"command": 'psql -d app -c "SELECT count(*) FROM users;"'})
    assert not is_read_command({"command": 'psql -d app -c "DROP TABLE users;"'})


def signup_count(request: str, table: str, *, describe_first: bool) -> Any:
    describe = [call("bash", {"command": f"psql -h pg-ro.internal -U readonly -d app -c '\\d {table}'"}, "created_at")]
    query = f"SELECT count(*) FROM {table} WHERE created_at BETWEEN '2025-07-21' AND '2025-07-27';"
    return chat(
        user(request),
        *(describe if describe_first else []),
        call("bash", {"command": f'psql -h pg-ro.internal -U readonly -d app -c "{query}"'}, " count \n 412"),
        assistant("412 sign-ups."),
    )


def test_a_query_run_with_or_without_a_look_at_the_table_first_is_one_procedure_titled_by_the_question(
    store: Any, embedder: Any
) -> None:
    first = record_and_learn(
        store,
        embedder,
        signup_count("how many users signed up between 2025-07-21 and 2025-07-27", "users", describe_first=False),
        "s1",
    )
    second = record_and_learn(
        store,
        embedder,
        signup_count("How many accounts were created 2025-07-21 to 2025-07-27?", "users", describe_first=True),
        "s2",
    )

    assert first.created == 1 and second.merged == 1, second
    assert store.list_procedures(10)[0].title.startswith("Find out how many users signed up between {date}")


def test_a_name_the_user_gave_with_its_address_is_a_placeholder_and_an_opener_alone_is_no_request() -> None:
    history = chat(
        user("yo"),
        assistant("Go ahead."),
        user(
            "Hi, I'm covering the helpdesk today. Keiko Sato (keiko.sato@quillon.ai) forgot their password after "
            "coming back from leave, could you reset it for them?"
        ),
        call("it.reset_password", {"username": "ksato", "delivery": "sms"}, {"status": "reset_initiated"}),
        assistant("A reset link went to Keiko by sms."),
    )
    [draft] = EXTRACT(parse_history(history)).drafts
    stored = " ".join([draft.title, draft.when_to_use, *draft.requests, draft.goal])

    assert draft.title == "Reset {name}'s password"
    assert "Keiko" not in stored and "Sato" not in stored and "{email}" in stored
    assert draft.requests[0].startswith("Hi, I'm covering the helpdesk")  # not "yo"


def test_an_object_store_address_is_a_value_and_closed_lost_is_no_described_problem() -> None:
    size = chat(
        user("check size of brightlane-invoices-archive/tmp/"),
        call(
            "bash",
            {"command": "aws s3 ls s3://brightlane-invoices-archive/tmp/ --recursive --summarize"},
            "Total Size: 2 GiB",
        ),
        assistant("2 GiB."),
    )
    [draft] = EXTRACT(parse_history(size)).drafts

    assert draft.title == "Check size of {url}"
    assert draft.steps[0].arguments["command"] == "aws s3 ls {url} --recursive --summarize"
    assert request_sentence("Bad news on DL-55012: they went with Salesforce. Can you set it to closed lost?") == (
        "set it to closed lost"
    )


def test_an_operation_ruled_out_for_one_thing_and_asked_for_another_is_not_ruled_out() -> None:
    history = chat(
        user("Don't cancel the whole order #W2231, cancel just the blue kettle"),
        call("orders.get_order", {"order_id": "W2231"}, {"items": [{"id": "it_9", "name": "blue kettle"}]}),
        call("orders.cancel_item", {"order_id": "W2231", "item_id": "it_9"}, {"ok": True}),
        assistant("Cancelled the kettle; the rest of the order stands."),
    )

    assert EXTRACT(parse_history(history)).drafts
    assert not EXTRACT(parse_history(plan_session("dry-run the terraform apply for prod", applied=True))).drafts


def test_a_look_and_the_command_after_it_through_one_program_are_two_steps_and_a_loop_is_one() -> None:
    sized = chat(
        user("I'm estimating storage costs. Can you tell me how much data is in vantapay-audit-eu right now?"),
        call("bash", {"command": "aws s3 ls | grep audit"}, "vantapay-audit-eu"),
        call(
            "bash",
            {"command": "aws s3 ls s3://vantapay-audit-eu --recursive --summarize | tail -2"},
            "Total Size: 3 TiB",
        ),
        assistant("About 3 TiB."),
    )
    cleaned = chat(
        user("delete the evicted pods in prod"),
        call("bash", {"command": "kubectl -n prod get pods --field-selector=status.phase=Failed"}, "api-1\napi-2"),
        call("bash", {"command": "kubectl -n prod delete pod api-1"}, "deleted"),
        call("bash", {"command": "kubectl -n prod delete pod api-2"}, "deleted"),
        assistant("Deleted 2 evicted pods."),
    )
    [size] = EXTRACT(parse_history(sized)).drafts
    [cleanup] = EXTRACT(parse_history(cleaned)).drafts

    assert [s.arguments["command"] for s in size.steps][1] == "aws s3 ls {url} --recursive --summarize | tail -2"
    assert size.title == "Tell the user how much data is in {url}"
    assert len(cleanup.steps) == 2 and (cleanup.steps[1].decision or "").startswith("Repeat")


def balance_session(request: str, employee: str, *, by_name: bool) -> list[dict[str, Any]]:
    find = [call("people.search", {"query": employee, "active": True}, {"results": [{"id": "E-20417"}]})]
    return chat(
        user(request),
        *(find if by_name else []),
        call("people.get_profile", {"employee_id": "E-20417"}, {"name": employee, "team": "Finance"}),
        call("timeoff.get_balance", {"employee_id": "E-20417", "kind": "annual"}, {"remaining_days": 11.5}),
        assistant(f"{employee} has 11.5 days of annual leave left."),
    )


def test_lookups_that_end_in_the_same_answering_call_are_one_task_whether_or_not_a_search_came_first(
    store: Any, embedder: Any
) -> None:
    runs = [
        ("How many vacation days does Tamsin Okafor have left?", "Tamsin Okafor", True),
        ("Remaining vacation days for E-20417?", "Rui Duarte", False),
    ]
    for n, (request, employee, by_name) in enumerate(runs):
        record_and_learn(store, embedder, balance_session(request, employee, by_name=by_name), f"balance-{n}")

    (procedure,) = store.list_procedures(10)  # the search for an id only one user did not give is no other task
    assert procedure.tools[-1] == "timeoff.get_balance" and len(procedure.sources) == 2


def invite_session(request: str, response: str) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("calendar.find_events", {"query": "vendor sync", "from": "2026-03-02"}, {"events": [{"id": "ev_81"}]}),
        call("calendar.respond_to_event", {"event_id": "ev_81", "response": response}, {"status": response}),
        assistant(f"Done, the vendor sync on Monday is {response}."),
    )


def mfa_session(request: str, tool: str) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("admin.get_user", {"email": "dara@acme.io"}, {"id": "u_19", "mfa": "on"}),
        call(tool, {"user_id": "u_19"}, {"ok": True}),
        assistant("All set."),
    )


def test_a_run_that_did_the_opposite_of_what_was_asked_is_a_failure_and_a_refusal_to_approve_asks_to_deny() -> None:
    accepted = EXTRACT(parse_history(invite_session("Please decline the vendor sync on Monday.", "accepted")))
    declined = EXTRACT(parse_history(invite_session("Please decline the vendor sync on Monday.", "declined")))
    disabled = EXTRACT(parse_history(mfa_session("Turn on (enable) MFA for dara@acme.io", "admin.disable_mfa")))
    enabled = EXTRACT(parse_history(mfa_session("Enable MFA for dara@acme.io", "admin.enable_mfa")))
    denied = EXTRACT(
        parse_history(invite_session("I can't approve this one, it clashes. Can you deny it for me?", "declined"))
    )

    assert not accepted.drafts and "opposite" in accepted.skipped[0].reason
    assert not disabled.drafts and "opposite" in disabled.skipped[0].reason
    assert declined.drafts and enabled.drafts and denied.drafts


def status_session(component: str, request: str) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("statuspage.list_components", {"page_id": "pg_7"}, {"components": [{"id": component, "name": "API"}]}),
        call(
            "statuspage.create_incident",
            {"page_id": "pg_7", "name": "API errors", "components": {component: "degraded_performance"}},
            {"incident_id": "inc_1"},
        ),
        assistant("Posted."),
    )


def test_an_object_keyed_by_a_records_id_names_the_record_in_a_placeholder_and_runs_stay_one_task(
    store: Any, embedder: Any
) -> None:
    first = status_session("tfbpsdomcbb6", "Put the API as degraded on the status page please")
    second = status_session("nhw0xo0g0khd", "status page: API degraded, post an incident")
    (draft,) = EXTRACT(parse_history(first)).drafts

    assert draft.steps[-1].arguments["components"] == {"{component_id}": "degraded_performance"}
    (lettered,) = EXTRACT(parse_history(status_session("khlvloulessv", "API degraded, status page pls"))).drafts
    assert "khlvloulessv" not in str(lettered.steps[-1].arguments)  # an id a tool returned, digits or not
    for n, session in enumerate((first, second)):
        record_and_learn(store, embedder, session, f"status-{n}")
    (procedure,) = store.list_procedures(10)  # the other run's id is not another field changed
    assert len(procedure.sources) == 2


def test_runs_through_different_harnesses_shells_are_one_task(store: Any, embedder: Any) -> None:
    def session(tool: str, wrap: Any, app: str) -> list[dict[str, Any]]:
        return chat(
            user(f"restart the {app} deployment in prod, it's stuck"),
            call(tool, {"command": wrap(f"kubectl -n prod get pods -l app={app}")}, f"{app}-1 0/1 CrashLoopBackOff"),
            call(tool, {"command": wrap(f"kubectl -n prod rollout restart deployment/{app}")}, "restarted"),
            assistant(f"Restarted {app}."),
        )

    record_and_learn(store, embedder, session("Bash", lambda c: c, "billing"), "claude-code")
    record_and_learn(store, embedder, session("shell", lambda c: ["bash", "-lc", c], "search"), "codex")

    (procedure,) = store.list_procedures(10)
    assert len(procedure.sources) == 2


def announcement_session(*requests: str, channel: str, message: str) -> list[dict[str, Any]]:
    turns = [user(requests[0])]
    for request in requests[1:]:
        turns += [assistant("Sure, which channel, and what should it say?"), user(request)]
    return chat(
        *turns,
        call("chat.list_channels", {"limit": 100}, {"channels": [{"id": "C07QX2M4", "name": channel}]}),
        call("chat.post_message", {"channel": "C07QX2M4", "text": message}, {"ok": True, "ts": "1775475601.59"}),
        assistant(f"Posted in #{channel}."),
    )


def test_a_message_the_user_dictated_is_the_runs_content_and_its_times_do_not_keep_it_apart(
    store: Any, embedder: Any
) -> None:
    restart = "Rolling restart of api-gateway at 14:00 UTC today, expect a few 502s for about a minute."
    freeze = "Release 4.2 goes out Thursday at 09:30 CET and the code freeze starts at 08:00."
    first = announcement_session(f"post in #deploys: {restart}", channel="deploys", message=restart)
    second = announcement_session(
        "can you put a message in slack for me", f"#releases: {freeze}", channel="releases", message=freeze
    )
    (draft,) = EXTRACT(parse_history(first)).drafts
    assert "Rolling" not in draft.goal and "{text}" in draft.goal  # not "Rolling restart … at {time} UTC"
    (on_its_line,) = EXTRACT(
        parse_history(announcement_session(f"post this in #deploys:\n{restart}", channel="deploys", message=restart))
    ).drafts
    assert on_its_line.goal == "post this in #{item}: {text}"  # the channel the lookup found is a value too
    assert not any("Rolling" in request for request in draft.requests)

    for n, session in enumerate((first, second)):
        record_and_learn(store, embedder, session, f"announce-{n}")
    (procedure,) = store.list_procedures(10)
    assert len(procedure.sources) == 2
    assert not any("freeze" in example or "Rolling" in example for example in procedure.examples)


def test_a_value_alone_after_a_dash_is_left_out_of_the_title() -> None:
    comment = "Sorry, the release week is blocked for the whole team."
    session = chat(
        user(f"Reject Dagny's leave request for 2026-03-02 to 2026-03-06 — {comment}"),
        call("hr.list_leave_requests", {"employee": "Dagny Lindgren"}, {"requests": [{"id": "LR-88412"}]}),
        call("hr.decide_leave", {"request_id": "LR-88412", "decision": "reject", "comment": comment}, {"ok": True}),
        assistant("Rejected, with your comment."),
    )
    (draft,) = EXTRACT(parse_history(session)).drafts

    assert draft.title == "Reject {name}'s leave request for {date} to {date}"


def test_one_servers_tools_spelled_by_different_harnesses_are_one_task(store: Any, embedder: Any) -> None:
    def session(spell: Any, request: str, email: str, user_id: str) -> list[dict[str, Any]]:
        return chat(
            user(request),
            call(spell("idp", "get_user"), {"email": email}, {"id": user_id, "status": "ACTIVE"}),
            call(spell("idp", "reset_factors"), {"user_id": user_id}, {"reset": ["totp", "push"]}),
            assistant("Done: their MFA factors are reset and they can enrol again at next sign-in."),
        )

    runs = [
        (lambda server, tool: f"mcp__{server}__{tool}", "reset the MFA for jdoe@acme.io, new phone", "jdoe@acme.io"),
        (lambda server, tool: f"{server}__{tool}", "Please reset MFA factors for m.ortiz@acme.io", "m.ortiz@acme.io"),
        (lambda server, tool: f"{server}.{tool}", "mfa reset for kpatel@acme.io pls", "kpatel@acme.io"),
    ]
    for n, (spell, request, email) in enumerate(runs):
        record_and_learn(store, embedder, session(spell, request, email, f"00u{n}x7Kq2"), f"mfa-{n}")

    (procedure,) = store.list_procedures(10)
    assert len(procedure.sources) == 3


def test_a_phone_number_the_agent_reformatted_and_a_code_the_user_read_out_are_placeholders() -> None:
    session = chat(
        user("my phone fell in the lake, i need my number on a new sim"),
        assistant("Sorry to hear that! Which number is it?"),
        user("its 608 208 9984"),
        call("lookup_subscriber", {"phone_number": "+16082089984"}, {"account_id": "BW-2270442", "line": "LN-72859"}),
        call("send_verification_code", {"account_id": "BW-2270442", "channel": "email"}, {"sent": True}),
        assistant("I've emailed you a code, please read it to me."),
        user("ok got it 306842"),
        call("verify_code", {"account_id": "BW-2270442", "code": "306842"}, {"verified": True}),
        call("swap_sim", {"line_id": "LN-72859", "iccid": "8901496369811215221"}, {"status": "active"}),
        assistant("Done, your number is on the new SIM."),
    )
    (draft,) = EXTRACT(parse_history(session)).drafts

    arguments = [step.arguments for step in draft.steps]
    assert arguments[0] == {"phone_number": "{phone_number}"}
    assert arguments[2]["code"] == "{code}"


def test_a_result_the_user_disputes_and_the_agent_cannot_correct_is_a_failure() -> None:
    def claim(after: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return chat(
            user("A pipe burst under the sink on Oct 19 and flooded the kitchen. How do I make a claim?"),
            call("get_policy", {"policy_number": "MM-HO-5838267"}, {"holder": "Sofia Kim", "status": "active"}),
            call("create_claim", {"policy_number": "MM-HO-5838267", "date_of_loss": "2026-10-29"}, {"claim": "C-4968"}),
            assistant("Your claim C-4968 is submitted."),
            *after,
        )

    disputed = claim(
        [
            user("wait, it says date of loss 2026-10-29? it happened on Oct 19"),
            assistant("I'm sorry, I'm not able to edit a claim once it's submitted. Your adjuster can correct it."),
        ]
    )
    thanked = claim([user("great, thanks"), assistant("You're welcome! I'm not able to do anything else today.")])

    assert EXTRACT(parse_history(disputed)).drafts == []
    assert len(EXTRACT(parse_history(thanked)).drafts) == 1
