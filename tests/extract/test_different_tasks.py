"""Different tasks done through the same tools stay apart, and nothing of one run's instance leaks.

Found by reviewing the merge rules of test_same_task.py: the same command line with another operation
(GET / DELETE, restart / stop, SELECT / DELETE, archive / delete) is another task, however alike the rest.
"""

from __future__ import annotations

from typing import Any

from test_learn import record_and_learn
from tracebuilders import assistant, call, chat, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.values import RELATIVE_PATH

EXTRACT = HeuristicExtractor().extract


def shell(request: str, command: str, tool: str = "bash", **arguments: Any) -> list[dict[str, Any]]:
    return chat(user(request), call(tool, {**arguments, "command": command}, "ok"), assistant("Done."))


def learned_apart(store: Any, embedder: Any, *sessions: list[dict[str, Any]]) -> int:
    for n, session in enumerate(sessions):
        record_and_learn(store, embedder, session, f"s{n}")
    return len(store.list_procedures(10))


def test_one_curl_command_line_reading_or_deleting_is_two_tasks(store: Any, embedder: Any) -> None:
    def curl(method: str, user_id: int) -> str:
        return f"curl -s -X {method} https://admin.acme.io/api/v1/users/{user_id} -H 'Authorization: Bearer $TOKEN'"

    read = shell("Fetch user 17 from the admin API.", curl("GET", 17))
    delete = shell("Delete user 42 through the admin API please.", curl("DELETE", 42))

    assert learned_apart(store, embedder, read, delete) == 2


def test_restarting_and_stopping_a_service_are_two_tasks(store: Any, embedder: Any) -> None:
    def systemctl(verb: str, service: str) -> str:
        return f"sudo systemctl {verb} {service} && systemctl is-active {service} || true"

    restart = shell("Restart the nginx service on web-3.", systemctl("restart", "nginx"), "remote_shell", host="web-3")
    stop = shell("Stop the redis service on cache-1.", systemctl("stop", "redis"), "remote_shell", host="cache-1")

    assert learned_apart(store, embedder, restart, stop) == 2


def test_showing_and_deleting_the_same_rows_are_two_tasks(store: Any, embedder: Any) -> None:
    def sql(request: str, verb: str) -> list[dict[str, Any]]:
        query = (
            f"{verb} FROM sessions WHERE user_id = 42 AND created_at < now() - interval '30 days' AND revoked = false"
        )
        return chat(user(request), call("run_sql", {"query": query}, "ok"), assistant("Done."))

    show = sql("Show me sessions of user 42 older than 30 days that are not revoked.", "SELECT *")
    delete = sql("Delete sessions of user 42 older than 30 days that are not revoked.", "DELETE")

    assert learned_apart(store, embedder, show, delete) == 2


def test_counting_another_table_is_another_query(store: Any, embedder: Any) -> None:
    def count(request: str, table: str) -> list[dict[str, Any]]:
        query = f"SELECT count(*) FROM {table} WHERE country = 'Chile' AND created_at >= now() - interval '7 days'"
        return chat(user(request), call("run_sql", {"query": query}, "[[12]]"), assistant("12."))

    users = count("How many users signed up from Chile in the last week?", "users")
    orders = count("How many orders were placed from Chile in the last week?", "orders")

    assert learned_apart(store, embedder, users, orders) == 2


def test_archiving_and_deleting_a_repository_are_two_tasks(store: Any, embedder: Any) -> None:
    def gh(request: str, verb: str, repo: str) -> list[dict[str, Any]]:
        return chat(
            user(request),
            call("bash", {"command": f"gh repo view northwind/{repo} --json name,isArchived"}, "{}"),
            call(
                "bash", {"command": f"gh repo {verb} northwind/{repo} --yes && gh repo list northwind --limit 5"}, "ok"
            ),
            assistant("Done."),
        )

    archive = gh("Please archive the northwind/legacy-billing repository.", "archive", "legacy-billing")
    delete = gh("Delete the northwind/old-website repository for good.", "delete", "old-website")

    assert learned_apart(store, embedder, archive, delete) == 2


def test_a_failed_change_is_not_recovered_by_a_change_of_something_else() -> None:
    trace = trace_of(
        user("Cancel my order #W1234, please."),
        call("get_order_details", {"order_id": "#W1234"}, {"status": "pending"}),
        call("cancel_pending_order", {"order_id": "#W1234", "reason": "no longer needed"}, "Error: order is locked"),
        call("modify_pending_order_address", {"order_id": "#W1234", "city": "Austin"}, {"ok": True}),
        assistant("I updated the address instead."),
    )

    extraction = EXTRACT(trace)

    assert not extraction.drafts
    assert "failed" in extraction.skipped[0].reason


def test_why_a_call_was_made_does_not_name_what_it_did() -> None:
    """cancel_reservation(reason="change_of_plan") cancels: "move my flight" does not title it."""
    trace = trace_of(
        user("Hi, I'd like to move my flight HAT123 to next week."),
        call("get_reservation_details", {"reservation_id": "ZFA04Y"}, {"flights": ["HAT123"]}),
        call("cancel_reservation", {"reservation_id": "ZFA04Y", "reason": "change_of_plan"}, {"status": "cancelled"}),
        assistant("Cancelled."),
    )

    (draft,) = EXTRACT(trace).drafts

    assert not draft.title.lower().startswith("move")


def test_a_media_type_or_a_slash_in_prose_is_not_a_path() -> None:
    for text in ("application/vnd.github+json", "application/vnd.ms-excel", "w/o.Thanks", "I/O.Our", "pass/fail.Next"):
        assert not RELATIVE_PATH.search(text), text
    assert RELATIVE_PATH.fullmatch("src/auth/session.py")


def test_an_address_in_a_request_and_a_quoted_name_never_reach_the_procedure() -> None:
    moved = trace_of(
        user("Please change the shipping address of order #W7781 to 4417 Maple Ridge Drive Apt 12, Austin."),
        call(
            "modify_pending_order_address",
            {"order_id": "#W7781", "address1": "4417 Maple Ridge Drive Apt 12", "city": "Austin"},
            {"ok": True},
        ),
        call("get_order_details", {"order_id": "#W7781"}, {"address": "4417 Maple Ridge Drive Apt 12"}),
        assistant("Updated."),
    )
    totals = trace_of(
        user("Total the open invoices of customer Maria Lopez."),
        call("run_sql", {"query": "SELECT sum(amount) FROM invoices WHERE customer_name = 'Maria Lopez'"}, "[[90]]"),
        call("python", {"code": "print(90)"}, "90"),
        assistant("90."),
    )

    (address,) = EXTRACT(moved).drafts
    (invoices,) = EXTRACT(totals).drafts

    assert "Maple" not in address.goal and "Maple" not in address.title
    assert all("Maria" not in p.example for p in invoices.parameters)
    assert "Maria" not in invoices.title


def test_a_shell_by_another_name_is_a_shell_and_the_request_titles_the_task() -> None:
    """remote_shell, ssh_exec, sql_query say nothing of the task, like bash: the request says it."""
    for tool in ("remote_shell", "ssh_exec", "run_ssh_command"):
        trace = trace_of(
            user("Restart the nginx service on web-3, it's serving stale pages."),
            call(tool, {"host": "web-3", "command": "sudo systemctl restart nginx && systemctl is-active nginx"}, "ok"),
            assistant("Restarted; nginx is active."),
        )

        (draft,) = EXTRACT(trace).drafts

        assert draft.title.startswith("Restart the nginx service"), (tool, draft.title)
