"""Runs of one task by different users merge, however they asked; other tasks through the same tools do not.

Hand-written sessions of coding, data and ticket work, each run with other names, values and wordings
(sentence vectors put some of these requests 0.2-0.4 apart), and the titles such runs get.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from test_learn import record_and_learn
from tracebuilders import assistant, call, chat, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.extract.tools_kind import is_generic, is_read_only
from deftly.tools.extract.vocabulary import phrasal
from deftly.tools.same_calls import same_calls

EXTRACT = HeuristicExtractor().extract


def bump_session(request: str, package: str, old: str, new: str) -> list[dict[str, Any]]:
    branch = f"deps/{package}-{new}"
    return chat(
        user(request.format(package=package, version=new)),
        call("bash", {"command": f"git checkout -b {branch}"}, f"Switched to a new branch '{branch}'"),
        call("edit_file", {"path": "pyproject.toml", "old": f"{package}=={old}", "new": f"{package}=={new}"}, "ok"),
        call("bash", {"command": "pip install -e . && pytest -q"}, "148 passed in 9.80s"),
        call("bash", {"command": f"git commit -am 'Bump {package} to {new}' && git push -u origin {branch}"}, "ok"),
        call(
            "mcp__github__create_pull_request",
            {"repo": "northwind/api", "head": branch, "base": "main", "title": f"Bump {package} to {new}"},
            {"number": 412},
        ),
        assistant(f"Opened a PR bumping {package} to {new}; the tests pass."),
    )


def test_dependency_bumps_worded_far_apart_are_one_procedure(store: Any, embedder: Any) -> None:
    runs = [
        ("Bump {package} to {version} and open a PR.", "sqlalchemy", "2.0.25", "2.0.36"),
        ("Upgrade {package} to version {version}, run the tests and make a pull request.", "numpy", "1.26.4", "2.1.1"),
        ("Please move {package} to {version} in pyproject and send a PR.", "fastapi", "0.110.0", "0.115.4"),
    ]
    for n, (request, package, old, new) in enumerate(runs):
        record_and_learn(store, embedder, bump_session(request, package, old, new), f"bump-{n}")

    procedures = store.list_procedures(10)
    assert len(procedures) == 1
    assert len(procedures[0].sources) == 3
    # each run wrote its own package where the others wrote theirs: an instance, not part of the task
    shown = "\n".join([procedures[0].title, procedures[0].when_to_use, *procedures[0].examples])
    assert not {"sqlalchemy", "numpy", "fastapi"} & set(shown.split())


def signups_session(request: str, country: str, since: str) -> list[dict[str, Any]]:
    query = (
        f"SELECT date_trunc('week', created_at) AS week, count(*) FROM users WHERE country = '{country}' "
        f"AND created_at >= '{since}' GROUP BY 1 ORDER BY 1"
    )
    return chat(
        user(request.format(country=country, since=since)),
        call(
            "run_sql", {"database": "analytics", "query": query}, {"rows": [["2026-11-02", 412], ["2026-11-09", 455]]}
        ),
        call(
            "python",
            {"code": "import pandas as pd\ndf = pd.DataFrame(rows)\ndf.plot().figure.savefig('signups.png')"},
            "saved signups.png",
        ),
        assistant(f"Weekly signups in {country} since {since}: 412, then 455. Chart saved as signups.png."),
    )


def test_the_same_query_for_other_countries_is_one_procedure(store: Any, embedder: Any) -> None:
    runs = [
        ("How many signups did we get per week in {country} since {since}? Make a chart.", "Germany", "2026-11-01"),
        ("Pull the weekly signup numbers for {country} since {since} and chart them.", "Brazil", "2026-10-01"),
        ("Plot weekly new users from {country} starting {since}.", "India", "2026-09-15"),
    ]
    for n, (request, country, since) in enumerate(runs):
        record_and_learn(store, embedder, signups_session(request, country, since), f"signups-{n}")

    assert len(store.list_procedures(10)) == 1


def issue_state_session(request: str, number: int, state: str) -> list[dict[str, Any]]:
    return chat(
        user(request.format(number=number)),
        call("github.get_issue", {"repo": "northwind/api", "number": number}, {"number": number, "state": "open"}),
        call("github.update_issue", {"repo": "northwind/api", "number": number, "state": state}, {"ok": True}),
        assistant(f"Issue #{number} is now {state}."),
    )


def test_the_same_call_with_another_fixed_option_is_another_task(store: Any, embedder: Any) -> None:
    """Closing and reopening an issue are one call apart: "state": "closed" against "open"."""
    record_and_learn(store, embedder, issue_state_session("Close issue #{number}, it's fixed.", 311, "closed"), "a")
    record_and_learn(store, embedder, issue_state_session("Please close #{number}.", 412, "closed"), "b")
    record_and_learn(store, embedder, issue_state_session("Issue #{number} is back, reopen it.", 513, "open"), "c")

    by_state = {p.steps[-1].arguments.get("state"): len(p.sources) for p in store.list_procedures(10)}
    assert by_state == {"closed": 2, "open": 1}


def test_a_ticket_title_names_the_request_not_the_symptom_and_no_handle() -> None:
    trace = trace_of(
        user("checkout requests keep timing out. File a bug in Jira for it and assign it to kito."),
        call("jira.create_issue", {"project": "OPS", "type": "Bug", "summary": "checkout times out"}, {"key": "OPS-7"}),
        call("jira.assign_issue", {"key": "OPS-7", "assignee": "kito"}, {"ok": True}),
        assistant("Filed OPS-7 and assigned it to kito."),
    )

    (draft,) = EXTRACT(trace).drafts

    assert draft.title.startswith("File a bug")
    assert "kito" not in draft.title


def test_an_ip_address_is_an_address_and_a_time_stays_a_time() -> None:
    dns = trace_of(
        user("Add an A record for status.northwind.io pointing to 10.12.7.224."),
        call("cloudflare.list_dns_records", {"zone": "northwind.io", "name": "status.northwind.io"}, {"records": []}),
        call(
            "cloudflare.create_dns_record", {"zone": "northwind.io", "type": "A", "content": "10.12.7.224"}, {"id": 1}
        ),
        assistant("Added."),
    )
    meeting = trace_of(
        user("Schedule a 30 minute meeting with Ana Ruiz on 2026-12-08 at 09:30 about hiring."),
        call("directory.lookup", {"query": "Ana Ruiz"}, {"email": "ana.ruiz@northwind.io"}),
        call(
            "calendar.create_event",
            {"attendees": ["ana.ruiz@northwind.io"], "start": "2026-12-08T09:30", "duration_minutes": 30},
            {"id": "evt_1"},
        ),
        assistant("Booked."),
    )

    (record,) = EXTRACT(dns).drafts
    (booked,) = EXTRACT(meeting).drafts

    assert "10.12" not in record.title and "{version}" not in record.title
    assert "{time}" in booked.title and "09" not in booked.title and "Ana" not in booked.title


def test_a_test_id_with_double_colons_is_one_value_and_the_title_stays_whole() -> None:
    trace = trace_of(
        user("The test tests/test_invoice.py::test_rounding broke after yesterday's merge, fix it please"),
        call("bash", {"command": "pytest tests/test_invoice.py::test_rounding -q"}, "1 failed"),
        call("edit_file", {"path": "billing/invoice.py", "old": "round(x, 1)", "new": "round(x, 2)"}, "ok"),
        call("bash", {"command": "pytest tests/test_invoice.py -q"}, "12 passed"),
        assistant("Fixed the rounding; all 12 tests pass."),
    )

    (draft,) = EXTRACT(trace).drafts

    assert draft.title == "Fix the test {test_id} that broke after yesterday's merge"  # not cut at "::"
    assert draft.steps[0].arguments["command"] == "pytest {test_id} -q"


def merge_session(fallback: str) -> Any:
    fallback_call = {
        "auto_merge": call(
            "github.enable_auto_merge_pull_request", {"repo": "northwind/api", "number": 88}, {"enabled": True}
        ),
        "comment": call("github.add_issue_comment", {"repo": "northwind/api", "number": 88, "body": "Ping"}, {"id": 1}),
    }[fallback]
    return trace_of(
        user("Merge PR 88 in northwind/api once it's approved."),
        call(
            "github.get_pull_request", {"repo": "northwind/api", "number": 88}, {"approved": True, "checks": "pending"}
        ),
        call(
            "github.merge_pull_request",
            {"repo": "northwind/api", "number": 88},
            "Error: required status checks are still pending",
            error=True,
        ),
        fallback_call,
        assistant("Done."),
    )


def test_a_failed_change_done_another_way_on_the_same_thing_is_recovered() -> None:
    """Merging is blocked by pending checks; auto-merge on the same pull request gets it done."""
    recovered = EXTRACT(merge_session("auto_merge"))
    not_recovered = EXTRACT(merge_session("comment"))

    assert [s.tool for s in recovered.drafts[0].steps][-1] == "github.enable_auto_merge_pull_request"
    assert not not_recovered.drafts
    assert "failed" in not_recovered.skipped[0].reason


def test_a_place_the_user_names_and_a_quoted_literal_from_the_request_become_placeholders() -> None:
    address = trace_of(
        user("Please update my default address to the one in Springfield from my last order."),
        call("orders.get_last_order", {"customer": "c_88"}, {"address": {"city": "Springfield", "zip": "62704"}}),
        call("customers.update_address", {"customer": "c_88", "city": "Springfield", "zip": "62704"}, {"ok": True}),
        assistant("Updated."),
    )
    report = trace_of(
        user("How many orders did we ship to Portugal last month?"),
        call(
            "run_sql",
            {"query": "SELECT count(*) FROM orders WHERE country = 'Portugal' AND shipped_at >= date '2026-11-01'"},
            {"rows": [[1204]]},
        ),
        call("python", {"code": "print(1204)"}, "1204"),
        assistant("1,204 orders."),
    )

    (moved,) = EXTRACT(address).drafts
    (counted,) = EXTRACT(report).drafts

    assert "Springfield" not in moved.title
    assert "Portugal" not in counted.title
    assert "country = '{country}'" in counted.steps[0].arguments["query"]


def test_a_file_the_agent_picked_in_the_project_is_a_path_not_a_literal() -> None:
    trace = trace_of(
        user("The invoice totals are off by a cent, fix the rounding."),
        call("read_file", {"path": "billing/invoice.py"}, "def total(items):\n    return round(sum(items), 1)\n"),
        call(
            "edit_file",
            {"path": "billing/invoice.py", "old": "round(sum(items), 1)", "new": "round(sum(items), 2)"},
            "ok",
        ),
        call("bash", {"command": "pytest tests/test_invoice.py -q"}, "12 passed"),
        assistant("Fixed: totals round to cents now."),
    )

    (draft,) = EXTRACT(trace).drafts

    assert draft.steps[0].arguments["path"] == draft.steps[1].arguments["path"] == "{path}"
    assert "tests/test_invoice.py" not in draft.steps[-1].arguments["command"]


def invite_session(request: str, response: str, event: str) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("calendar.list_events", {"date": "2026-12-08", "organizer": "lea.roth@acme.com"}, {"events": [event]}),
        call("calendar.respond_to_event", {"event_id": event, "response": response}, {"ok": True}),
        assistant(f"Done: {response}."),
    )


def test_the_option_a_call_chose_names_the_action_in_the_title(store: Any, embedder: Any) -> None:
    """ "Accept Lea's invite" names what respond_to_event(response=accepted) did, so it titles the procedure."""
    for n, (request, response) in enumerate(
        [
            ("Accept Lea Roth's invite for 2026-12-08.", "accepted"),
            ("Please say yes to the meeting Lea Roth sent for 2026-12-08.", "accepted"),
            ("Decline Lea Roth's invite for 2026-12-08.", "declined"),
            ("I can't attend Lea Roth's meeting on 2026-12-08, decline it for me.", "declined"),
        ]
    ):
        record_and_learn(store, embedder, invite_session(request, response, f"evt_{n}"), f"invite-{n}")

    titles = {p.steps[-1].arguments["response"]: p.title for p in store.list_procedures(10)}
    assert set(titles) == {"accepted", "declined"}
    assert titles["accepted"].startswith("Accept") and titles["declined"].startswith("Decline")


def test_a_title_chosen_from_several_runs_keeps_no_count(store: Any, embedder: Any) -> None:
    for n, request in enumerate(
        [
            "Could you cancel two of my upcoming reservations?",
            "Please cancel three of my upcoming reservations.",
            "I need to cancel two of my upcoming reservations, please.",
        ]
    ):
        codes = [f"R{n}A{n}X1", f"R{n}B{n}X2"]
        record_and_learn(
            store,
            embedder,
            chat(
                user(f"{request} My user id is user_{n}41."),
                call("get_user_details", {"user_id": f"user_{n}41"}, {"reservations": codes}),
                *(call("cancel_reservation", {"reservation_id": code}, {"status": "cancelled"}) for code in codes),
                assistant("Cancelled."),
            ),
            f"cancel-{n}",
        )

    [procedure] = store.list_procedures(10)
    assert len(procedure.sources) == 3
    assert not {"two", "three"} & set(procedure.title.lower().split())


def lookup_session(question: str, field: str, session: str) -> list[dict[str, Any]]:
    return chat(
        user(f"{question} My user id is mia_li_3668."),
        call("get_user_details", {"user_id": "mia_li_3668"}, {"reservations": ["ZFA04Y"]}),
        call("get_reservation_details", {"reservation_id": "ZFA04Y"}, {field: "2"}),
        assistant(f"{field}: 2"),
    )


def test_two_questions_answered_by_the_same_lookups_stay_apart(store: Any, embedder: Any) -> None:
    """Looking up a user and a reservation answers many questions: the same calls by the same ids are no
    evidence of the same task, so the wording has to be (0.6)."""
    record_and_learn(store, embedder, lookup_session("How many bags can I bring on my next flight?", "bags", "a"), "a")
    record_and_learn(store, embedder, lookup_session("Is my upcoming trip insured?", "insurance", "b"), "b")

    assert len(store.list_procedures(10)) == 2


def scale_session(
    request: str, deployment: str, namespace: str, replicas: int, harness: str = "Bash"
) -> list[dict[str, Any]]:
    def kubectl(arguments: str, output: str) -> dict[str, Any]:
        command = f"kubectl -n {namespace} {arguments}"
        if harness == "Bash":  # Claude Code describes each command; Codex gives its directory and a timeout
            return call("Bash", {"command": command, "description": arguments.split()[0].capitalize()}, output)
        return call("shell", {"command": command, "workdir": "/home/dev/infra", "timeout_ms": 120000}, output)

    return chat(
        user(request.format(deployment=deployment, namespace=namespace, replicas=replicas)),
        kubectl(f"get deploy {deployment}", f"NAME  READY\n{deployment}  3/3"),
        kubectl(f"scale deployment/{deployment} --replicas={replicas}", f"deployment.apps/{deployment} scaled"),
        kubectl(f"rollout status deployment/{deployment} --timeout=120s", "successfully rolled out"),
        assistant(f"{deployment} now runs {replicas} replicas."),
    )


def test_shell_runs_on_other_deployments_are_one_procedure_without_their_names(store: Any, embedder: Any) -> None:
    """The names a user gives a command (``-n``, ``deployment/...``, ``--replicas=``) are the run's values, as
    they would be as a tool's arguments; the agent's own ``--timeout=120s`` is the how."""
    runs = [
        ("Scale {deployment} in {namespace} to {replicas} replicas.", "event-router", "ingest", 8),
        ("we expect a load test tomorrow, bump {deployment} ({namespace}) to {replicas} pods", "geo-lookup", "maps", 6),
        ("Need {deployment} in {namespace} at {replicas} replicas please", "thumbnailer", "media", 5),
    ]
    for n, (request, deployment, namespace, replicas) in enumerate(runs):
        harness = "shell" if n == 1 else "Bash"  # one run through Codex: the same commands, other arguments
        session = scale_session(request, deployment, namespace, replicas, harness)
        record_and_learn(store, embedder, session, f"scale-{n}")

    [procedure] = store.list_procedures(10)
    commands = [step.arguments["command"] for step in procedure.steps]
    assert commands == [
        "kubectl -n {namespace} get deploy {deployment}",
        "kubectl -n {namespace} scale deployment/{deployment} --replicas={replicas}",
        "kubectl -n {namespace} rollout status deployment/{deployment} --timeout=120s",
    ]
    shown = procedure.model_dump_json()
    assert not {"event-router", "geo-lookup", "thumbnailer", "ingest", "maps", "media"} & set(
        re.findall(r"[\w-]+", shown)
    )


def terraform_session(request: str, directory: str, *, chdir: bool, check_again: bool) -> list[dict[str, Any]]:
    def terraform(arguments: str, output: str) -> dict[str, Any]:
        line = f"terraform -chdir={directory} {arguments}" if chdir else f"cd {directory} && terraform {arguments}"
        return call("bash", {"command": line}, output)

    return chat(
        user(request.format(directory=directory)),
        terraform("init -input=false", "Terraform has been successfully initialized!"),
        terraform("plan -no-color -out=tfplan", "Plan: 2 to add, 1 to change, 0 to destroy."),
        terraform("apply -no-color tfplan", "Apply complete! Resources: 2 added, 1 changed, 0 destroyed."),
        *([terraform("plan -no-color -detailed-exitcode", "No changes.")] if check_again else []),
        assistant("Applied: 2 added, 1 changed."),
    )


def test_the_same_commands_run_from_another_directory_or_checked_again_are_one_task(store: Any, embedder: Any) -> None:
    """``terraform -chdir=X apply`` and ``cd X && terraform apply`` are one command; a plan run again after the
    apply to check it is the same work done more carefully."""
    runs = [
        ("Apply the terraform changes in {directory}.", "infra/envs/prod", True, True),
        ("go ahead and apply {directory}", "infra/envs/staging", False, False),
    ]
    for n, (request, directory, chdir, check_again) in enumerate(runs):
        session = terraform_session(request, directory, chdir=chdir, check_again=check_again)
        record_and_learn(store, embedder, session, f"apply-{n}")

    [procedure] = store.list_procedures(10)
    assert len(procedure.sources) == 2
    assert "infra/envs" not in procedure.model_dump_json()


def export_session(request: str, query: str, *, count_first: bool) -> list[dict[str, Any]]:
    return chat(
        user(request),
        *(
            [call("run_query", {"sql": f"SELECT COUNT(*) AS n FROM ({query}) q"}, {"rows": [[318]]})]
            if count_first
            else []
        ),
        call("export_query_results", {"sql": query, "format": "csv", "filename": "export.csv"}, {"export_id": "ex_81"}),
        call(
            "create_share_link", {"export_id": "ex_81", "expires_in_hours": 72}, {"url": "https://files.example/ex_81"}
        ),
        assistant("Here is the link: https://files.example/ex_81"),
    )


def test_a_query_run_first_to_count_the_rows_changes_nothing(store: Any, embedder: Any) -> None:
    """One agent counts the rows before exporting them: a ``SELECT`` through a query runner is a look, not a
    side effect that makes the run another task."""
    query = "SELECT device_id, site_id, last_seen_at FROM devices WHERE last_seen_at < now() - interval '30 days'"
    record_and_learn(
        store,
        embedder,
        export_session("Export devices silent for 30+ days as csv and send me a link.", query, count_first=False),
        "a",
    )
    record_and_learn(
        store,
        embedder,
        export_session(
            "I need a csv of devices that haven't reported in 30 days, link please", query, count_first=True
        ),
        "b",
    )

    [procedure] = store.list_procedures(10)
    assert len(procedure.sources) == 2


def test_a_statement_that_only_reads_is_a_look_and_one_that_writes_is_not() -> None:
    from deftly.tools.generalize.commands import only_looks

    assert only_looks("run_sql", {"query": "WITH recent AS (SELECT 1) SELECT * FROM recent"})
    assert not only_looks("run_sql", {"query": "WITH stale AS (SELECT id FROM t) DELETE FROM t USING stale"})
    assert not only_looks("run_sql", {"query": "UPDATE accounts SET plan = 'pro' WHERE id = 4"})


def test_a_shell_task_is_retitled_by_the_request_that_names_what_its_commands_did(store: Any, embedder: Any) -> None:
    runs = [
        (
            "Capacity request from the product team: {deployment} in {namespace}, {replicas} replicas",
            "geo-lookup",
            "maps",
            6,
        ),
        ("Scale {deployment} in {namespace} to {replicas} replicas.", "event-router", "ingest", 8),
        ("pls scale {deployment} ({namespace}) up to {replicas}", "thumbnailer", "media", 5),
    ]
    for n, (request, deployment, namespace, replicas) in enumerate(runs):
        record_and_learn(store, embedder, scale_session(request, deployment, namespace, replicas), f"scale-{n}")

    [procedure] = store.list_procedures(10)
    assert procedure.title.startswith("Scale {deployment}")


def test_a_person_the_user_names_with_their_address_is_a_name_whatever_the_address() -> None:
    trace_ = trace_of(
        user("share Roadmap H2 w/ Kwame (kishikawa@mossbank.bio) - viewer"),
        call("drive.search_files", {"query": "Roadmap H2"}, {"files": [{"id": "f1", "name": "Roadmap H2"}]}),
        call("drive.share", {"file_id": "f1", "email": "kishikawa@mossbank.bio", "role": "reader"}, {"ok": True}),
        assistant("Shared Roadmap H2 with Kwame as a viewer."),
    )

    [draft] = EXTRACT(trace_).drafts

    assert "Kwame" not in " ".join([draft.title, draft.when_to_use, *draft.requests])


def merge_tickets_session(request: str, email: str, ids: list[str]) -> list[dict[str, Any]]:
    found = [{"id": i, "subject": "Charged twice", "created": f"2026-11-0{n + 1}"} for n, i in enumerate(ids)]
    return chat(
        user(request.format(email=email)),
        call("helpdesk.search_tickets", {"requester_email": email, "status": "open"}, found),
        call("helpdesk.merge_tickets", {"target_id": ids[0], "source_ids": ids[1:]}, {"merged": len(ids) - 1}),
        assistant(f"Merged {len(ids) - 1} duplicates into ticket {ids[0]}, the oldest."),
    )


def ticket_session(request: str, tool: str, arguments: dict[str, Any]) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("helpdesk.search_tickets", {"requester_email": "ops@acme.io", "status": "open"}, [{"id": "T-90"}]),
        call(tool, {"ticket_id": "T-90", **arguments}, {"ok": True}),
        assistant("Done."),
    )


def test_a_run_worded_unlike_its_task_finds_it_among_nearer_wordings_by_what_it_changed(
    store: Any, embedder: Any
) -> None:
    # Helpdesk work whose requests read like "clean up the duplicates ..." more than the first merge did.
    others = [
        ("Could you clean up the stale tickets from ops@acme.io? Close them.", "helpdesk.close_ticket", {}),
        ("Please clean up the old tickets from ops@acme.io; archive them.", "helpdesk.archive_ticket", {}),
        ("Could you clean up the spam from ops@acme.io? They've written in several times. Block them.",
         "helpdesk.block_requester", {}),
        ("Could you sort out the tickets from ops@acme.io? They've written in several times. Reply to them.",
         "helpdesk.reply", {"body": "We are on it."}),
        ("Could you clean up the tickets from ops@acme.io? Keep the oldest open and close the rest.",
         "helpdesk.bulk_close", {"keep": "oldest"}),
        ("Could you escalate the tickets from ops@acme.io? They have written in several times.",
         "helpdesk.escalate", {"level": 2}),
        ("Could you clean up the test tickets from ops@acme.io? Delete them.", "helpdesk.delete_ticket", {}),
        ("Could you clean up the tickets from ops@acme.io? They've written in several times. Lower their priority.",
         "helpdesk.set_priority", {"priority": "low"}),
        ("Could you clean up the tickets from ops@acme.io? They've written in several times. Tag them as duplicates.",
         "helpdesk.add_tag", {"tag": "duplicate"}),
    ]  # fmt: skip
    first = "{email} keeps opening tickets about login problems, pls merge em into one"
    record_and_learn(store, embedder, merge_tickets_session(first, "anna@driftwood.example", ["T-11", "T-14"]), "m1")
    for n, (request, tool, arguments) in enumerate(others):
        record_and_learn(store, embedder, ticket_session(request, tool, arguments), f"o{n}")
    second = "Could you clean up the duplicates from {email}? They've written in several times. Keep the oldest."
    session = merge_tickets_session(second, "bo@kestrel.example", ["T-20", "T-23", "T-31"])

    procedures = store.list_procedures(20)
    [merging] = [p for p in procedures if "helpdesk.merge_tickets" in p.tools]
    asked = embedder.embed_documents([second.format(email="{email}"), *(p.goal for p in procedures)])
    nearer = sum(
        float(np.dot(asked[0], v)) > float(np.dot(asked[0], asked[1 + procedures.index(merging)])) for v in asked[1:]
    )
    assert nearer >= 5  # the first merge is not among the nearest wordings: only what the runs changed finds it

    result = record_and_learn(store, embedder, session, "m2")
    assert result.merged == 1 and result.procedure_ids == [merging.id]
    assert store.get_procedure(merging.id).sources == ["m1", "m2"]


def invoice_trace(request: str, send: dict[str, Any]) -> Any:
    return trace_of(
        user(request),
        call("crm.get_deal", {"deal_id": "D-5501"}, {"account": "Kestrel Labs", "amount": 12000}),
        call("billing.create_invoice", {"customer_id": "C-88", "amount": 12000}, {"invoice_id": "INV-301"}),
        call("billing.send_invoice", {"invoice_id": "INV-301", "to": ["ap@kestrel.example"], **send}, {"sent": True}),
        assistant("Invoice INV-301 is out."),
    )


def test_an_argument_passed_empty_is_no_other_call() -> None:
    [plain] = EXTRACT(invoice_trace("Invoice deal D-5501 and send it to ap@kestrel.example.", {})).drafts
    [empty] = EXTRACT(invoice_trace("Bill deal D-5501, email it to ap@kestrel.example", {"cc": [], "bcc": []})).drafts
    [copied] = EXTRACT(
        invoice_trace(
            "Bill deal D-5501, email it to ap@kestrel.example", {"cc": ["cfo@kestrel.example"], "bcc": ["x@y.io"]}
        )
    ).drafts
    assert same_calls(plain.steps, empty.steps)
    assert not same_calls(plain.steps, copied.steps)  # copying two more people is more than this call did


def linked_export_session(request: str, sql: str, name: str) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("export_query_results", {"sql": sql, "format": "csv", "filename": name}, {"export_id": f"exp_{name[:4]}"}),
        call(
            "create_share_link", {"export_id": f"exp_{name[:4]}", "expires_in_hours": 72}, {"url": "https://x.io/dl/1"}
        ),
        assistant(f"Exported to {name}; the link is valid for 72 hours."),
    )


def test_runs_that_change_the_same_several_things_the_same_way_merge_though_worded_apart(
    store: Any, embedder: Any
) -> None:
    first = linked_export_session(
        "Finance asked for a list of accounts whose contract renews in Q2 2026. Please export it from the "
        "warehouse as CSV and share a link I can forward.",
        "SELECT account_id, renewal_date FROM dim_accounts WHERE renewal_date BETWEEN '2026-04-01' AND '2026-06-30'",
        "accounts_renewing_q2.csv",
    )
    second = linked_export_session(
        "export the customers who churned last month with their plan and MRR to csv and send me a link",
        "SELECT customer_id, plan, mrr FROM customers "
        "WHERE churned_at >= date_trunc('month', now()) - interval '1 month'",
        "churned_customers.csv",
    )
    record_and_learn(store, embedder, first, "e1")
    result = record_and_learn(store, embedder, second, "e2")

    assert result.merged == 1
    [procedure] = store.list_procedures(10)
    assert procedure.sources == ["e1", "e2"]


def clear_field_trace(request: str, field: str) -> Any:
    return trace_of(
        user(request),
        call("helpdesk.get_ticket", {"ticket_id": "T-311"}, {"id": "T-311", field: "x"}),
        call("helpdesk.update_ticket", {"ticket_id": "T-311", field: None}, {"ok": True}),
        assistant("Done."),
    )


def test_clearing_one_field_is_not_clearing_another() -> None:
    [unassign] = EXTRACT(clear_field_trace("Unassign ticket T-311", "assignee_id")).drafts
    [undate] = EXTRACT(clear_field_trace("Clear the due date on ticket T-311", "due_date")).drafts
    assert not same_calls(unassign.steps, undate.steps)


def test_a_server_named_after_its_verb_keeps_the_verb_and_giving_logs_is_no_sharing() -> None:
    assert is_read_only("mcp__search__search_docs") and is_read_only("mcp__fetch__fetch_url")
    assert "share" not in phrasal("give me the nginx access logs for the last hour")
    assert "share" not in phrasal("give me a list of who has access to the finance drive")


def test_a_procedure_retitled_from_its_runs_requests_still_says_it_only_checked(store: Any, embedder: Any) -> None:
    asked = [
        "Hi! Traffic is picking up. Could you make sure geo-lookup runs with 8 replicas in streaming?",
        "scale geo-lookup in streaming to 8 replicas",
        "please scale geo-lookup in streaming to 8 replicas",
    ]
    for n, request in enumerate(asked):
        session = chat(
            user(request),
            call("bash", {"command": "kubectl -n streaming get deploy geo-lookup"}, "geo-lookup   8/8   8   8   92d"),
            assistant("Already scaled: geo-lookup runs 8 ready replicas."),
        )
        record_and_learn(store, embedder, session, f"s{n}")

    [procedure] = store.list_procedures(10)
    assert len(procedure.sources) == 3
    assert procedure.title.startswith("Check whether to scale"), procedure.title


def test_an_optional_object_only_one_agent_passed_is_one_argument_not_one_per_field() -> None:
    def snooze(request: str, extra: dict[str, Any]) -> Any:
        return trace_of(
            user(request),
            call("pagerduty.get_incident", {"incident_id": "P7Q2X9K"}, {"status": "triggered", "service": "checkout"}),
            call("pagerduty.snooze_incident", {"incident_id": "P7Q2X9K", "duration_minutes": 60, **extra}, "ok"),
            assistant("Snoozed for an hour."),
        )

    [plain] = EXTRACT(snooze("snooze P7Q2X9K for an hour, we're on it", {})).drafts
    [noted] = EXTRACT(
        snooze("Please snooze incident P7Q2X9K for 60 minutes", {"note": {"author": "sre-bot", "text": "on it"}})
    ).drafts
    [other] = EXTRACT(
        snooze("snooze P7Q2X9K for an hour", {"escalation_policy": "EP1", "urgency": "low", "notify": True})
    ).drafts

    [refunded] = EXTRACT(
        snooze("snooze P7Q2X9K for an hour", {"credit": {"amount": 20, "method": "sla_credit", "account": "A-1"}})
    ).drafts

    assert same_calls(plain.steps, noted.steps)  # was 2 of 4 argument paths shared: another call
    assert not same_calls(plain.steps, other.steps)  # three more arguments of its own are more than this call did
    assert not same_calls(plain.steps, refunded.steps)  # a larger object may be another thing done


def test_opening_a_page_reads_and_opening_a_case_acts() -> None:
    assert is_read_only("browser.open_url") and is_read_only("open_file")
    assert not is_read_only("open_billing_dispute") and not is_read_only("mcp__zendesk__open_ticket")


def test_a_phone_number_with_its_country_or_area_code_is_a_value_in_the_request() -> None:
    from deftly.tools.values import redact_patterns

    said = "add 5GB to (518) 217-7760 pls, or +1 518 217 7761? since 2026-03-01, from 10.0.0.12, up +1250000"
    assert redact_patterns(said) == (
        "add {number}GB to {phone} pls, or {phone}? since {date}, from {ip_address}, up +{id}"
    )  # a count that grew is no phone number


def test_a_tools_name_as_compared_keeps_every_namespace_and_the_case_its_words_are_read_from() -> None:
    from deftly.tools.extract.tools_kind import as_compared

    assert as_compared("mcp__Slack__post_message") == as_compared("slack.post_message")
    assert as_compared("prod.k8s.delete_pod") != as_compared("staging.k8s.delete_pod")
    assert is_read_only(as_compared("mcp__calendar__lookupContact"))  # not "lookupcontact", which acts


def close_ticket_session(request: str, ticket: str, spell: Any) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call(spell("tickets", "get"), {"id": ticket}, {"id": ticket, "status": "open", "subject": "VPN drops"}),
        call(spell("tickets", "add_comment"), {"id": ticket, "body": "Fixed by the new VPN profile."}, {"ok": True}),
        call(spell("tickets", "update"), {"id": ticket, "status": "resolved"}, {"ok": True}),
        assistant(f"{ticket} is resolved, with a comment saying why."),
    )


def test_one_servers_tools_spelled_with_dots_or_flattened_by_a_harness_are_one_task(store: Any, embedder: Any) -> None:
    """An agent whose harness allows no dots in a tool's name calls ``tickets.get`` as ``tickets_get``: the
    same tool, which only reads."""
    from deftly.tools.extract.tools_kind import as_compared

    assert is_read_only("tickets_get") and is_read_only("issues_list") and is_read_only("mcp__notion__notion-search")
    assert not is_read_only("tickets_update") and not is_read_only("add_search_filter")
    assert not is_read_only("sql_query") and not is_read_only("postgres_query")  # its statement tells
    # The server's name stays apart from the tool's own: these only look, this one acts
    assert is_read_only(as_compared("mcp__claude_ai_Linear__list_issues"))
    assert is_read_only(as_compared("mcp__deploy__get_status"))
    assert not is_read_only(as_compared("mcp__search__index_document"))
    # Two words of product before the verb that only reads
    assert is_read_only("mcp__claude_ai_Google_Drive__google_drive_search") and is_read_only("aws_s3_list_buckets")
    dotted = lambda server, tool: f"{server}.{tool}"  # noqa: E731
    flat = lambda server, tool: f"{server}_{tool}"  # noqa: E731
    record_and_learn(
        store, embedder, close_ticket_session("close out IT-4411, the vpn fix worked", "IT-4411", dotted), "a"
    )
    record_and_learn(
        store, embedder, close_ticket_session("Please resolve ticket IT-5020 with a note.", "IT-5020", flat), "b"
    )
    [procedure] = store.list_procedures(10)
    assert len(procedure.sources) == 2
    assert len(procedure.steps) == 3, [s.tool for s in procedure.steps]


def test_runs_asked_in_shorthand_opening_with_a_value_do_not_retitle_the_procedure(store: Any, embedder: Any) -> None:
    """ "{number}+ minutes of errors on {service} — page + statuspage" says what happened, not what to do."""
    asked = [
        (
            "Declare an incident: checkout-api has been down 25 minutes, page on-call and update the status page",
            "checkout-api",
        ),
        ("30+ minutes of errors on search-api — page + statuspage", "search-api"),
        ("40+ minutes of errors on payments-api — page + statuspage", "payments-api"),
        ("20+ minutes of errors on auth-api — page + statuspage", "auth-api"),
    ]
    for n, (request, service) in enumerate(asked):
        session = chat(
            user(request),
            call("pagerduty.create_incident", {"service": service, "title": f"{service} degraded"}, {"id": f"PD-{n}"}),
            call("statuspage.create_incident", {"component": service, "status": "investigating"}, {"id": f"SP-{n}"}),
            assistant("Paged on-call and posted on the status page."),
        )
        record_and_learn(store, embedder, session, f"s{n}")

    [procedure] = store.list_procedures(10)
    assert len(procedure.sources) == 4
    assert procedure.title == "Declare an incident", procedure.title


def test_a_statement_runner_or_a_package_manager_is_no_look_by_its_name() -> None:
    from deftly.tools.generalize.commands import is_read_command, only_looks

    assert not only_looks("postgres_query", {"sql": "DELETE FROM sessions WHERE created_at < now() - interval '30d'"})
    assert not is_read_command({"command": "sudo apt-get remove -y postgresql"})
    assert not is_read_command({"command": "apt-get install -y nginx"})


def test_a_statement_run_through_a_query_tool_changes_what_it_says_whatever_the_tools_name() -> None:
    from deftly.tools.same_task import compared_steps, side_effects

    for tool in ("postgres_query", "mcp__postgres__query", "warehouse.query"):
        trace = trace_of(
            user("Delete the sessions older than 30 days from the prod database"),
            call(tool, {"sql": "DELETE FROM sessions WHERE created_at < now() - interval '30 days'"}, "DELETE 18233"),
            call(tool, {"sql": "SELECT count(*) FROM sessions"}, [{"count": 1200}]),
            assistant("Deleted 18,233 old sessions; 1,200 remain."),
        )
        [draft] = EXTRACT(trace).drafts
        assert side_effects(compared_steps(draft.steps)), tool
        assert not draft.title.startswith("Check whether"), draft.title


def work_order_session(request: str, unit: str, spell: Any) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call(spell("pm", "create_work_order"), {"unit": unit, "category": "plumbing"}, {"work_order_id": f"WO-{unit}"}),
        call(spell("pm", "dispatch_vendor"), {"work_order_id": f"WO-{unit}", "trade": "plumber"}, {"ok": True}),
        assistant(f"Work order WO-{unit} is open and a plumber is on the way."),
    )


def test_one_tool_named_bare_or_in_another_case_style_by_another_harness_is_one_tool(store: Any, embedder: Any) -> None:
    """A harness without servers calls ``mcp__pm__create_work_order`` ``create_work_order``; another agent's
    client spells it ``createWorkOrder``: the same calls, one procedure with its two steps once."""
    spellings = [
        lambda server, tool: f"mcp__{server}__{tool}",
        lambda server, tool: tool,
        lambda server, tool: re.sub(r"_([a-z])", lambda m: m.group(1).upper(), tool),
    ]
    asked = [
        ("The kitchen sink in unit 4B is leaking, open a work order and send a plumber", "4B"),
        ("leak under the sink at 12C — work order + plumber pls", "12C"),
        ("Tenant in 7A reports a leaking pipe. Create a work order and dispatch a plumber.", "7A"),
    ]
    for n, ((request, unit), spell) in enumerate(zip(asked, spellings, strict=True)):
        record_and_learn(store, embedder, work_order_session(request, unit, spell), f"wo-{n}")
    [procedure] = store.list_procedures(10)
    assert len(procedure.sources) == 3
    assert [s.tool for s in procedure.steps] == ["mcp__pm__create_work_order", "mcp__pm__dispatch_vendor"]


def test_a_query_tool_given_no_statement_reads_by_its_name_and_a_statement_by_its_words() -> None:
    from deftly.tools.generalize.commands import only_looks

    assert only_looks("mcp__linear__query", {"query": "assignee:me state:started"})
    assert only_looks("mcp__prometheus__query", {"query": "rate(http_requests_total[5m])"})
    assert only_looks("mcp__postgres__query", {"sql": "select * from audit_log where action = 'update'"})
    assert only_looks("mcp__postgres__query", {"sql": "/* weekly */ SELECT count(*) FROM signups"})
    assert not only_looks("mcp__postgres__query", {"sql": "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"})


def test_a_bare_tool_name_two_servers_could_own_or_a_one_word_one_is_left_as_it_was() -> None:
    from deftly.tools.models import Step
    from deftly.tools.tool_spelling import spelled_like

    def step(tool: str) -> Step:
        return Step(action="x", tool=tool)

    two = [step("mcp__staging_k8s__delete_pod"), step("mcp__prod_k8s__delete_pod")]
    assert [s.tool for s in spelled_like([step("delete_pod")], two)] == ["delete_pod"]
    assert [s.tool for s in spelled_like([step("Edit")], [step("mcp__figma__edit")])] == ["Edit"]
    assert [s.tool for s in spelled_like([step("createWorkOrder")], [step("pm.create_work_order")])] == [
        "pm.create_work_order"
    ]


def test_a_one_word_bare_tool_is_the_servers_where_the_runs_other_tools_were_that_servers() -> None:
    from deftly.tools.models import Step
    from deftly.tools.tool_spelling import spelled_like

    def steps(*tools: str) -> list[Step]:
        return [Step(action="x", tool=tool) for tool in tools]

    wiki = steps("wiki.update_page", "wiki.add_changelog", "wiki.publish")
    renamed = spelled_like(steps("updatePage", "addChangelog", "publish"), wiki)
    assert [s.tool for s in renamed] == ["wiki.update_page", "wiki.add_changelog", "wiki.publish"]
    assert [s.tool for s in spelled_like(wiki, steps("updatePage", "addChangelog", "publish"))] == [
        "updatePage",
        "addChangelog",
        "publish",
    ]
    alone = spelled_like(steps("updatePage", "publish"), steps("wiki.update_page", "blog.publish"))
    assert [s.tool for s in alone] == ["wiki.update_page", "publish"]  # another server's "publish"
    own = spelled_like(steps("getFile", "Edit"), steps("mcp__figma__get_file", "mcp__figma__edit"))
    assert [s.tool for s in own] == ["mcp__figma__get_file", "Edit"]  # the harness's own editor


def test_instance_words_are_typos_of_shared_words_and_values_not_grammar_acronyms_or_hyphens() -> None:
    from deftly.tools.extract.shared_words import instance_words

    others = ["record the gift and email the receipt", "log the gift, send the receipt", "send a receipt for it"]
    assert instance_words("recrod the gift and email the reciept", others, []) == ["reciept"]  # "record": once
    assert instance_words("Silence ErrorRateHigh for 2h", ["silence an alert", "mute it"], []) == [
        "ErrorRateHigh",
        "2h",
    ]
    assert instance_words("Export churned accounts with MRR as on-demand csvs", ["export accounts as csv"], []) == []
    assert instance_words("Change the grade from C to B", ["grade C+ to B", "from C- to B+"], []) == ["C", "B"]


def test_a_titles_own_typos_are_counted_against_the_requests_it_was_not_written_from() -> None:
    from deftly.tools.extract.shared_words import instance_words, without_source

    examples = ["annouce the relase in the eng channel", "announce the release on slack", "post the release notes"]
    others = without_source("Annouce the relase in the eng channel", examples)
    assert others == examples[1:]
    assert instance_words("Annouce the relase in the eng channel", others, []) == ["relase"]


def test_a_write_word_after_a_read_verb_names_what_is_read() -> None:
    assert is_read_only("getSendChecklist") and is_read_only("list_delete_requests")
    assert not is_read_only("get_or_create_user") and not is_read_only("fetch_and_update_record")
    assert is_read_only("browser_snapshot") and not is_read_only("mcp__playwright__browser_click")
    assert not is_read_only("mcp__sharepoint__list_item_delete") and not is_read_only("read_replica_create")
    assert is_read_only("get_post") and is_read_only("get_book")  # a write word last may be a noun


def test_only_a_browser_driven_by_clicks_and_keys_is_generic() -> None:
    assert is_generic("browser_click") and is_generic("puppeteer_fill") and is_generic("page_click")
    assert not is_generic("mcp__voog__page_get") and not is_generic("browser_history_search")
    assert is_read_only("browser_get_state") and is_read_only("playwright_get_visible_text")
    assert is_read_only("browser_navigate_back") and is_read_only("mcp__voog__page_get")
    assert not is_read_only("mcp__playwright__browser_check")  # ticking a box changes the form
