"""Provenance per step, the review gate (candidate -> approved -> retired), DEFTLY_REVIEW and auto-retirement."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from deftly_support import cancel_trace
from test_find_and_rate import learn
from tracebuilders import cancel_session

from deftly.server.cli.main import main
from deftly.server.cli.output import EXIT_BAD_INPUT, EXIT_OK
from deftly.server.settings import Settings
from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools.errors import InvalidInput
from deftly.tools.find_procedure import find_procedures
from deftly.tools.get_procedure import get_procedure
from deftly.tools.rate_procedure import rate_procedure
from deftly.tools.review import RetirePolicy, review_procedure, servable

NOW = datetime(2026, 11, 21, tzinfo=UTC)
QUERY = "cancel my reservation"


def found(store: Any, embedder: Any, review: Any = "off") -> list[str]:
    return [hit.id for hit in find_procedures(store, embedder, QUERY, now=NOW, review=review).procedures]


@pytest.fixture
def cancel_id(store: Any, embedder: Any) -> str:
    return learn(store, embedder, cancel_session(), "s1")


def test_each_step_records_the_call_it_came_from_and_merges_keep_the_union(store: Any, embedder: Any) -> None:
    first = learn(store, embedder, cancel_session(), "s1")
    second = learn(store, embedder, cancel_session("QX19PL", "ana_ruiz_1001"), "s2")
    assert first == second
    detail = get_procedure(store, first)
    for step in detail.steps:
        sessions = [source.split("#")[0] for source in step.sources]
        assert sessions == ["s1", "s2"], step
        assert all(source.split("#")[1].startswith("call_") for source in step.sources)
    assert "Learned from: s1, s2" in detail.text
    assert f"- step 1: {', '.join(detail.steps[0].sources)}" in detail.text
    assert detail.version == 1, "where a step came from is not a change of its steps"


def test_a_learned_procedure_is_a_candidate_served_while_review_is_off(
    store: Any, embedder: Any, cancel_id: str
) -> None:
    [hit] = find_procedures(store, embedder, QUERY, now=NOW).procedures
    assert (hit.id, hit.state) == (cancel_id, "candidate")
    detail = get_procedure(store, cancel_id)
    assert detail.state == "candidate" and "State: candidate" in detail.text


def test_required_review_serves_only_approved_procedures(store: Any, embedder: Any, cancel_id: str) -> None:
    assert found(store, embedder, "required") == []
    assert found(store, embedder, "agents") == []
    approved = review_procedure(store, cancel_id, "approve", now=NOW)
    assert approved.state == "approved"
    assert found(store, embedder, "required") == [cancel_id]
    assert find_procedures(store, embedder, QUERY, now=NOW, review="required").procedures[0].state == "approved"


def test_reject_retires_with_a_reason_everywhere_and_restore_brings_it_back(
    store: Any, embedder: Any, cancel_id: str
) -> None:
    review_procedure(store, cancel_id, "approve", now=NOW)
    review_procedure(store, cancel_id, "reject", now=NOW, reason="step 2 cancels without asking")
    assert found(store, embedder, "off") == [] and found(store, embedder, "required") == []
    [(retired, record)] = store.procedures_in_state(["retired"], 10)
    assert retired.id == cancel_id and record.state_reason == "step 2 cancels without asking"
    assert "State: retired (step 2 cancels without asking)" in get_procedure(store, cancel_id).text
    review_procedure(store, cancel_id, "restore", now=NOW)
    assert get_procedure(store, cancel_id).state == "candidate"
    assert found(store, embedder, "off") == [cancel_id]


def test_transitions_that_make_no_sense_are_refused(store: Any, cancel_id: str) -> None:
    with pytest.raises(InvalidInput, match="only a retired procedure can be restored"):
        review_procedure(store, cancel_id, "restore", now=NOW)
    review_procedure(store, cancel_id, "approve", now=NOW)
    with pytest.raises(InvalidInput, match="is approved"):
        review_procedure(store, cancel_id, "approve", now=NOW)


def test_the_state_is_seen_by_another_process_at_once(
    tmp_path: Path, embedder: Any, store: Any, cancel_id: str
) -> None:
    assert found(store, embedder, "required") == []  # cached in this process's ratings cache
    other = LanceStore(
        Database(tmp_path / "db", dimensions=embedder.dimensions, embedding_model=embedder.model_name), "default"
    )
    review_procedure(other, cancel_id, "approve", now=NOW)
    assert found(store, embedder, "required") == [cancel_id]
    assert store.get_procedure(cancel_id).state == "approved"


def test_a_procedure_that_keeps_failing_is_retired_and_can_be_restored(
    store: Any, embedder: Any, cancel_id: str
) -> None:
    policy = RetirePolicy()
    for n in range(policy.min_ratings - 1):
        rate_procedure(store, cancel_id, False, now=NOW + timedelta(minutes=n))
    assert get_procedure(store, cancel_id).state == "candidate", "not before enough ratings"
    last = rate_procedure(store, cancel_id, False, now=NOW + timedelta(hours=1))
    assert "retired" in last.message
    assert found(store, embedder) == []
    [(_, record)] = store.procedures_in_state(["retired"], 10)
    assert record.state_reason.startswith("retired automatically: success rate")
    review_procedure(store, cancel_id, "restore", now=NOW + timedelta(hours=2))
    assert found(store, embedder) == [cancel_id]
    rate_procedure(store, cancel_id, False, now=NOW + timedelta(hours=3))
    assert get_procedure(store, cancel_id).state == "candidate", "a restore starts the count again"


def test_a_procedure_rated_well_enough_is_never_retired(store: Any, cancel_id: str) -> None:
    for n in range(8):
        rate_procedure(store, cancel_id, n % 2 == 0, now=NOW + timedelta(minutes=n))
    assert get_procedure(store, cancel_id).state == "candidate"


def test_servable_follows_the_review_setting(store: Any, cancel_id: str, deftly_home: Path) -> None:
    procedure = store.get_procedure(cancel_id)
    assert servable(procedure, Settings(review="off"))
    assert not servable(procedure, Settings(review="required"))
    approved = procedure.model_copy(update={"state": "approved"})
    assert servable(approved, Settings(review="required")) and servable(approved, Settings(review="agents"))
    assert not servable(procedure.model_copy(update={"state": "retired"}), Settings(review="off"))


# --- deftly review -----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_the_review_commands_list_approve_reject_and_restore(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    trace = tmp_path / "cancel.json"
    trace.write_text(json.dumps(cancel_trace()), encoding="utf-8")
    code, out = run(capsys, "import", str(trace), "--json")
    assert code == EXIT_OK, out
    [pid] = json.loads(out)["results"][0]["procedure_ids"]

    code, out = run(capsys, "review", "--json")
    assert code == EXIT_OK and [row["id"] for row in json.loads(out)] == [pid]
    assert run(capsys, "review", "approve", pid)[0] == EXIT_OK
    assert json.loads(run(capsys, "review", "--json")[1]) == []
    code, out = run(capsys, "review", "reject", pid, "--reason", "unsafe step")
    assert code == EXIT_OK and "retired" in out
    [row] = json.loads(run(capsys, "review", "--retired", "--json")[1])
    assert (row["id"], row["reason"]) == (pid, "unsafe step")
    code, out = run(capsys, "review", "--retired")
    assert pid in out and "unsafe step" in out
    assert run(capsys, "review", "restore", pid)[0] == EXIT_OK
    assert [row["id"] for row in json.loads(run(capsys, "review", "--json")[1])] == [pid]
    assert run(capsys, "review", "approve")[0] == EXIT_BAD_INPUT
    assert run(capsys, "review", "restore", pid)[0] == EXIT_BAD_INPUT
