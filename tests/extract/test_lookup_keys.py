"""How a run found the thing it changed (by email, by name), and whether it read it back after, is that run's,
not the task's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from test_learn import record_and_learn
from tracebuilders import assistant, call, chat, trace_of, user

from deftly.tools.extract.heuristic import HeuristicExtractor
from deftly.tools.merge import Origin, new_procedure
from deftly.tools.models import Step
from deftly.tools.same_task import MergePolicy, argument_words

EXTRACT = HeuristicExtractor().extract


def _merge_session(request: str, search: dict[str, Any], ids: list[str]) -> list[dict[str, Any]]:
    return chat(
        user(request),
        call("searchTickets", {**search, "status": ["new", "open", "pending"]}, {"tickets": [{"id": i} for i in ids]}),
        call("mergeTickets", {"targetId": ids[0], "sourceIds": ids[1:], "comment": "Merged duplicates"}, {"ok": True}),
        assistant(f"Merged {len(ids) - 1} duplicates into {ids[0]}."),
    )


def test_runs_that_found_the_tickets_by_other_identifiers_are_one_procedure(store: Any, embedder: Any) -> None:
    by_email = _merge_session(
        "Could you clean up the duplicates from dana.whitfield@driftwood.io? She wrote in four times about a double"
        " charge. Keep the oldest ticket.",
        {"requesterEmail": "dana.whitfield@driftwood.io"},
        ["T-8812", "T-8840", "T-8871"],
    )
    by_name = _merge_session(
        "Priya Raman keeps opening new tickets for login problems, pls merge em",
        {"requester": "Priya Raman"},
        ["T-5120", "T-5133"],
    )
    record_and_learn(store, embedder, by_email, "helpdesk-1")
    record_and_learn(store, embedder, by_name, "helpdesk-2")
    [first], [second] = EXTRACT(trace_of(by_email)).drafts, EXTRACT(trace_of(by_name)).drafts
    known = new_procedure(first, Origin("helpdesk-1"), "default", datetime.now(UTC))

    [procedure] = store.list_procedures(10)
    assert sorted(procedure.sources) == ["helpdesk-1", "helpdesk-2"]
    # worded as far apart as two users may (0.3), the same calls on the same tickets are the same task
    assert MergePolicy().same_task(second, known, similarity=0.3)


def test_what_a_lookup_filtered_by_still_tells_runs_apart() -> None:
    open_ones = [
        Step(action="search", tool="searchTickets", arguments={"requester": "{requester}", "status": "open"}),
        Step(action="close", tool="closeTickets", arguments={"ids": ["{ticket_id}"]}),
    ]
    spam = [
        Step(action="search", tool="searchTickets", arguments={"requesterEmail": "{email}", "status": "spam"}),
        Step(action="close", tool="closeTickets", arguments={"ids": ["{ticket_id}"]}),
    ]

    by_sender = [
        Step(action="search", tool="mail.search", arguments={"sender": "{email}"}),
        Step(action="archive", tool="mail.archive", arguments={"ids": ["{message_id}"]}),
    ]
    by_recipient = [
        Step(action="search", tool="mail.search", arguments={"recipient_email": "{email}"}),
        Step(action="archive", tool="mail.archive", arguments={"ids": ["{message_id}"]}),
    ]

    mine, theirs = argument_words(open_ones), argument_words(spam)

    assert "searchTickets:requester" in mine & theirs  # whose, not which identifier
    assert {"searchTickets:open", "searchTickets:spam"} <= mine ^ theirs
    assert {"mail.search:sender", "mail.search:recipient"} <= argument_words(by_sender) ^ argument_words(by_recipient)
    before, after = (
        [Step(action="search", tool="crm.search", arguments={f"updated_{when}": "{date}"})]
        for when in ("before", "after")
    )
    assert argument_words(before) != argument_words(after)  # which side of the date is the question


def _close_lost(request: str, reason: str, read_back: bool) -> list[dict[str, Any]]:
    change = {"deal_id": "D-4410", "stage": "closed_lost", "loss_reason": reason}
    return chat(
        user(request),
        call("crm.search_deals", {"query": "Northwind renewal"}, {"deals": [{"id": "D-4410", "stage": "proposal"}]}),
        call("crm.update_deal_stage", change, {"ok": True}),
        *([call("crm.get_deal", {"deal_id": "D-4410"}, {"stage": "closed_lost"})] if read_back else []),
        assistant("The Northwind renewal is closed as lost."),
    )


def test_a_run_that_read_the_record_back_after_changing_it_did_the_same_work() -> None:
    checked = _close_lost("close the Northwind renewal opp as lost, reason: no decision", "no_decision", True)
    trusted = _close_lost("Northwind went with an in-house build, please mark the deal as lost", "no_decision", False)
    [first], [second] = EXTRACT(trace_of(checked)).drafts, EXTRACT(trace_of(trusted)).drafts
    known = new_procedure(first, Origin("crm-1"), "default", datetime.now(UTC))

    assert MergePolicy().same_task(second, known, similarity=0.3)
    assert not MergePolicy().same_task(second, known, similarity=0.2)  # the wording still has to be near
