"""The merge candidates' index: a procedure is near a new run worded like any run merged into it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from deftly.tools.match_index import MatchIndex
from deftly.tools.models import Procedure, Step

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def procedure(procedure_id: str) -> Procedure:
    return Procedure(
        id=procedure_id,
        title=f"Procedure {procedure_id}",
        steps=[Step(action="x", tool="a"), Step(action="y", tool="b")],
        created_at=NOW,
        updated_at=NOW,
    )


def test_a_wording_merged_into_a_procedure_brings_runs_worded_like_it_near() -> None:
    store: Any = None  # the whole namespace is in memory: the store is never asked
    manager, other = f"manager-{uuid4().hex}", f"other-{uuid4().hex}"  # wordings outlive an index: fresh ids
    index = MatchIndex(store, [(procedure(manager), [1.0, 0.0, 0.0]), (procedure(other), [0.6, 0.8, 0.0])])
    worded_like_the_second_run = [0.0, 0.2, 1.0]

    before = {p.id: score for p, score in index.nearest(worded_like_the_second_run, 2)}
    index.add_wording(manager, [0.0, 0.0, 1.0])
    after = {p.id: score for p, score in index.nearest(worded_like_the_second_run, 2)}

    assert before[manager] < before[other]
    assert after[manager] > 0.95 > after[other]
    assert [p.id for p, _ in index.nearest([1.0, 0.0, 0.0], 1)] == [manager]  # its first wording still counts
    # the next batch's index (loaded again from the store) still knows the wording
    again = MatchIndex(store, [(procedure(manager), [1.0, 0.0, 0.0]), (procedure(other), [0.6, 0.8, 0.0])])
    assert again.nearest(worded_like_the_second_run, 1)[0][0].id == manager


def test_a_fresh_process_meets_the_wordings_merged_before_it_started(store: Any, embedder: Any) -> None:
    from test_learn import record_and_learn
    from tracebuilders import assistant, call, chat, user

    from deftly.tools import match_index

    def lead(request: str, email: str) -> Any:
        return chat(
            user(request.format(email=email)),
            call("crm.create_lead", {"email": email, "company": "Acme", "source": "web"}, {"id": "L-1"}),
            call("crm.add_note", {"lead_id": "L-1", "text": "Came in through the website"}, {"ok": True}),
            assistant("Created the lead and noted where it came from."),
        )

    record_and_learn(store, embedder, lead("Create a lead for {email} and note where it came from.", "a@x.io"), "a")
    record_and_learn(store, embedder, lead("Please create a lead for {email}, and note the source.", "b@y.io"), "b")
    (procedure,) = store.list_procedures(10)
    assert len(procedure.asked) == 2  # the two runs merged: their second wording is known to this process
    match_index._WORDINGS.pop(store.namespace, None)  # as a new process would start

    record_and_learn(store, embedder, lead("New lead: {email}. Add a note on the source.", "c@z.io"), "c")

    # the new process embedded the earlier second wording before matching, then added the third run's
    assert len(match_index._WORDINGS[store.namespace][procedure.id]) >= 2
