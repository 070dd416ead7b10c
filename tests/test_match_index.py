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
