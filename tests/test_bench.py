"""deftly bench: the leave-runs-out split of both data-set layouts, each metric on a case with a known answer,
and one end-to-end run on a small hand-made data set (never ../shared)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tracebuilders import assistant, call, chat, user

from deftly.server.cli.bench import data as bench_data
from deftly.server.cli.bench import report as bench_report
from deftly.server.cli.bench import retrieval as bench_retrieval
from deftly.server.cli.bench import transcript as bench_transcript
from deftly.server.cli.bench.data import Dataset, Run
from deftly.server.cli.bench.metrics import Share, quality
from deftly.server.cli.main import main
from deftly.tools.errors import InvalidInput
from deftly.tools.find_procedure import FindResult, ProcedureHit
from deftly.tools.models import Procedure, Step

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def cancel_run(order: str, user_id: str, *, fail: bool = False) -> list[dict[str, Any]]:
    return chat(
        user(f"Please cancel my pending order {order}, I no longer need it."),
        call("find_user_id_by_email", {"email": f"{user_id}@example.com"}, user_id),
        call("get_order_details", {"order_id": order}, {"order_id": order, "status": "pending"}),
        call(
            "cancel_pending_order", {"order_id": order, "reason": "no longer needed"}, "order is delivered", error=fail
        )
        if fail
        else call("cancel_pending_order", {"order_id": order, "reason": "no longer needed"}, {"status": "cancelled"}),
        assistant("I could not cancel it." if fail else "Your order is cancelled."),
    )


def address_run(user_id: str, city: str) -> list[dict[str, Any]]:
    return chat(
        user(f"I moved to {city}; please update the default address on my account."),
        call("get_user_details", {"user_id": user_id}, {"user_id": user_id, "name": {"first_name": "Ana"}}),
        call("modify_user_address", {"user_id": user_id, "city": city, "zip": "10001"}, {"user_id": user_id}),
        assistant("Your address is updated."),
    )


def write_retail(folder: Path) -> Path:
    """Task 1 (cancel) and 2 (address) run by three agents, task 3 (a poem) by toolorchestra only."""
    rows: list[tuple[str, str, list[dict[str, Any]], bool, str]] = [
        ("1", "gpt-4.1", cancel_run("#W1000001", "ana_1"), True, ""),
        ("1", "ft-gpt-4.1-sft", cancel_run("#W1000002", "bo_2", fail=True), False, ""),
        ("1", "toolorchestra", [], True, "I want to cancel an order that hasn't shipped yet."),
        ("2", "gpt-4.1", address_run("cy_3", "Boston"), True, ""),
        ("2", "ft-gpt-4.1-sft", address_run("di_4", "Denver"), True, ""),
        ("2", "toolorchestra", [], True, "Please change the default address on my account, I moved."),
        ("3", "toolorchestra", [], True, "Which poem has the line about two roads in a yellow wood?"),
    ]
    folder.mkdir()
    traces, index = [], []
    for task, run, messages, success, request in rows:
        trace_id = f"{run}/{task}"
        spec = {"user_instructions": {"known_info": "You are Ana Lopez, email ana.lopez@example.com."}}
        traces.append(
            {"trace_id": trace_id, "run": run, "task_id": task, "messages": messages or user(request), "task": spec}
        )
        first = request or messages[0]["content"]
        index.append(
            {
                "id": trace_id,
                "task_key": task,
                "task_type": "t",
                "run": run,
                "success": success,
                "first_user_request": first,
            }
        )
    (folder / "tau2_retail_traces.json").write_text(json.dumps(traces))
    (folder / "index.jsonl").write_text("\n".join(json.dumps(row) for row in index))
    return folder


def write_airline(folder: Path, tasks: int = 6) -> Path:
    folder.mkdir()
    records, index = [], []
    for task in range(tasks):
        for trial in range(4):
            traj = cancel_run(f"#W{task}{trial}00000", f"user_{task}")
            info = {"task": {"user_id": f"user_{task}", "instruction": "", "actions": []}}
            records.append({"task_id": task, "trial": trial, "reward": float(trial % 2), "info": info, "traj": traj})
            index.append({"index": len(index), "task_id": task, "trial": trial, "task_type_from_gt_actions": "x"})
    (folder / "gpt-4o-airline.json").write_text(json.dumps(records))
    (folder / "index.jsonl").write_text("\n".join(json.dumps(row) for row in index))
    return folder


def test_airline_split_never_ingests_every_fifth_task_nor_any_query(tmp_path: Path) -> None:
    dataset = bench_data.airline(write_airline(tmp_path / "airline"))
    ingested = {run.run_id for run in dataset.runs}
    assert ingested == {f"airline-{task}-{trial}" for task in (1, 2, 3, 4) for trial in (0, 1)}
    assert {q.task for q in dataset.queries if q.novel} == {"0", "5"}
    assert len([q for q in dataset.queries if q.novel]) == 8  # all four trials of tasks 0 and 5
    assert {q.run_id for q in dataset.queries if not q.novel} == {
        f"airline-{task}-{trial}" for task in (1, 2, 3, 4) for trial in (2, 3)
    }
    assert not ingested & {q.run_id for q in dataset.queries}
    assert [run.success for run in dataset.runs[:2]] == [False, True]  # kept for scoring, never sent
    assert "cancel my pending order" in dataset.queries[0].text


def test_retail_split_asks_toolorchestra_and_never_ingests_its_single_run_tasks(tmp_path: Path) -> None:
    dataset = bench_data.retail(write_retail(tmp_path / "retail"))
    assert {run.run_id for run in dataset.runs} == {
        "retail-gpt-4.1/1", "retail-ft-gpt-4.1-sft/1", "retail-gpt-4.1/2", "retail-ft-gpt-4.1-sft/2"
    }  # fmt: skip
    assert [(q.task, q.novel) for q in dataset.queries] == [("1", False), ("2", False), ("3", True)]
    assert dataset.queries[0].text == "I want to cancel an order that hasn't shipped yet."
    failed = next(run for run in dataset.runs if run.success is False)
    assert failed.failure_signs == (
        "last call cancel_pending_order returned an error",
        "last assistant message says it cannot",
    )
    assert {"#W1000002", "bo_2", "bo_2@example.com", "Ana Lopez", "Lopez", "ana.lopez@example.com"} <= failed.literals
    assert "no longer needed" not in failed.literals  # free text is not an instance value


def test_missing_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "tau_bench_airline").mkdir()
    (tmp_path / "tau_bench_airline" / "index.jsonl").write_text("")
    with pytest.raises(InvalidInput, match=r"missing .*gpt-4o-airline.json"):
        bench_data.find(tmp_path)
    with pytest.raises(InvalidInput, match=r"missing .*tau2_retail_traces.json, .*index.jsonl"):
        bench_data.retail(tmp_path / "tau2_retail")


def test_the_bench_reads_calls_given_as_message_parts_too() -> None:
    """A Vercel AI SDK or Anthropic message list has roles too, but its calls are parts of the content."""
    vercel = [
        {"role": "user", "content": [{"type": "text", "text": "refund order 1182"}]},
        {
            "role": "assistant",
            "content": [{"type": "tool-call", "toolCallId": "c1", "toolName": "refund", "input": {"order": "1182"}}],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c1",
                    "toolName": "refund",
                    "output": {"type": "text", "value": "Error: order 1182 is not paid"},
                }
            ],
        },
        {"role": "assistant", "content": [{"type": "text", "text": "I could not refund it."}]},
    ]
    read = bench_transcript.from_history(vercel)
    assert [c.tool for c in read.calls] == ["refund"] and read.assistant_texts == ("I could not refund it.",)
    assert bench_transcript.failure_signs(read) == [
        "last call refund returned an error",
        "last assistant message says it cannot",
    ]


def test_failure_signs_follow_three_rules_and_ignore_helpers() -> None:
    def signs(*parts: list[dict[str, Any]]) -> list[str]:
        return bench_transcript.failure_signs(bench_transcript.from_openai(chat(*parts)))

    assert signs(call("book", {}, "no seats", error=True), call("think", {"thought": "hm"}, "")) == [
        "last call book returned an error"
    ]
    assert signs(call("book", {}, "no seats", error=True), call("book", {}, {"ok": True})) == []
    assert signs(call("transfer_to_human_agents", {"summary": "x"}, "ok")) == []  # a hand-off can be the right outcome
    assert signs(assistant("I can't change a basic economy flight.")) == ["last assistant message says it cannot"]
    assert signs(assistant("Done, your flight is changed.")) == []


def run(
    run_id: str, task: str, success: bool, literals: frozenset[str] = frozenset(), signs: tuple[str, ...] = ()
) -> Run:
    return Run(run_id, task, "[]", success, literals, signs)


def procedure(title: str, sources: list[str], action: str = "Look it up") -> Procedure:
    steps = [Step(action=action, tool="lookup", arguments={"id": "{order_id}"})]
    return Procedure(id=title, title=title, steps=steps, sources=sources, created_at=NOW, updated_at=NOW)


def test_quality_counts_coverage_mixing_leaks_and_learned_runs() -> None:
    dataset = Dataset(
        "hand-made",
        runs=[
            run("a1", "a", True),
            run("a2", "a", True, frozenset({"ZFA04Y"})),
            run("b1", "b", False, signs=("last call book returned an error",)),
            run("b2", "b", False),
            run("c1", "c", True),
            run("c2", "c", True),
        ],
    )
    learned = quality(
        dataset,
        [
            procedure("Cancel an order", ["a1", "b1"]),  # mixes tasks a and b, learned from a failed run
            procedure("Check the order", ["a2"], action="Look up reservation ZFA04Y"),  # leaks a2's value
        ],
    )
    assert learned.mixed == ["'Cancel an order' <- tasks a, b"]
    assert learned.leaking == Share(1, 2)
    assert learned.leaks == ["'Check the order': 'ZFA04Y' in steps"]
    assert learned.coverage_two_successes == Share(1, 2)  # a and c have two successes; only a is learned
    assert learned.coverage_one_success == Share(1, 2)
    assert learned.procedures_per_task == 1.5  # a: 2, b: 1
    assert learned.successful_learned == Share(2, 4)
    assert learned.failed_learned == Share(1, 2)
    assert learned.visibly_failed_learned == Share(1, 1)
    assert learned.failed_runs_learned == ["b1 [task b] last call book returned an error -> 'Cancel an order'"]


def test_a_sessions_second_request_is_the_source_of_its_tasks_procedure_not_a_mix() -> None:
    from dataclasses import replace

    from deftly.server.cli.bench.data import procedure_tasks

    transfer, freeze = run("t1", "transfer", True), run("f1", "freeze", True)
    both = replace(run("t2", "transfer", True), also=("freeze",))  # "move $100 to checking. Also, freeze my card"
    dataset = Dataset("hand-made", runs=[transfer, freeze, both])

    learned = quality(
        dataset,
        [
            procedure("Transfer between own accounts", ["t1", "t2"]),
            procedure("Freeze a card", ["f1", "t2"]),
            procedure("Cancel a card", ["t1", "f1"]),  # still a mix: no task both runs hold
        ],
    )

    assert procedure_tasks([freeze, both]) == {"freeze"} and procedure_tasks([both]) == {"transfer", "freeze"}
    assert learned.mixed == ["'Cancel a card' <- tasks freeze, transfer"]
    assert learned.procedures_per_task == 2.0  # transfer: 2 (one of them the mix), freeze: 2


def test_a_novel_request_counts_as_unanswered_when_nothing_or_only_low_confidence_comes_back() -> None:
    hit = ProcedureHit(
        id="p", title="t", text="", score=0.5, similarity=0.9, keywords=1.0, confidence="high", why="",
        success_rate=0.5, successes=1, failures=0, evidence=1, needs_review=False, version=1,
    )  # fmt: skip
    assert bench_retrieval._unanswered(FindResult(procedures=[], message=""))
    assert not bench_retrieval._unanswered(FindResult(procedures=[hit], message=""))
    low = hit.model_copy(update={"confidence": "low"})
    assert bench_retrieval._unanswered(FindResult(procedures=[low], message=""))


def test_a_small_retail_set_is_ingested_asked_and_scored(tmp_path: Path, embedder: Any) -> None:
    report = bench_retrieval.run(bench_data.retail(write_retail(tmp_path / "retail")), embedder=embedder)
    assert (report.runs, report.queries, report.novel_queries) == (4, 2, 1)
    assert [arm.name for arm in report.arms] == [
        "deftly find_procedures", "deftly vector arm", "deftly keyword arm",
        "BM25 over raw traces", "embeddings of raw traces",
    ]  # fmt: skip
    assert all(len(arm.ranks) == 2 and len(arm.latencies_ms) == 2 for arm in report.arms)
    assert report.arms[0].hit_at(3) == 1.0  # cancel and address each find their own task's procedure
    assert report.novel_unanswered == Share(1, 1)  # nothing learned is about poems
    assert report.quality.procedures >= 2 and report.with_success == [True, True]
    assert json.loads(json.dumps(bench_report.as_json([report])))[0]["arms"]["deftly keyword arm"]["hit@3"] >= 0
    text = bench_report.format_reports([report], verbose=True)
    assert "retail (tau2)" in text and "deftly keyword arm" in text and "novel requests answered with nothing" in text


def test_a_users_jsonl_labels_runs_by_task_with_an_optional_outcome(tmp_path: Path) -> None:
    (tmp_path / "cancel.json").write_text(json.dumps(cancel_run("#W1", "ana_1")))
    lines = [
        {"trace_file": "cancel.json", "task": "cancel", "success": False, "also": ["refund"]},
        {"query": "cancel my order", "task": "cancel"},
        {"query": "what is the weather", "expected_group": "weather"},
    ]
    (tmp_path / "mine.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    dataset = bench_data.jsonl(tmp_path / "mine.jsonl")
    assert [(r.run_id, r.task, r.success, r.also) for r in dataset.runs] == [("cancel", "cancel", False, ("refund",))]
    assert [(q.task, q.novel) for q in dataset.queries] == [("cancel", False), ("weather", True)]


def test_a_malformed_jsonl_line_or_a_missing_trace_file_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "x", "task": "a"}\n{"query": "no task"}\n')
    with pytest.raises(InvalidInput, match=r"bad.jsonl:2: expected a JSON object with 'task'"):
        bench_data.jsonl(bad)
    gone = tmp_path / "mine.jsonl"
    gone.write_text(json.dumps({"trace_file": "gone.json", "task": "a"}) + "\n")
    with pytest.raises(InvalidInput, match=r"mine.jsonl:1: no trace file .*gone.json \(trace_file is relative"):
        bench_data.jsonl(gone)


def test_the_command_exits_2_naming_the_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--retail", str(tmp_path)]) == 2
    assert "tau2_retail_traces.json" in capsys.readouterr().err
    assert main(["bench"]) == 2
    assert "name a data set" in capsys.readouterr().err


def test_a_value_that_is_an_everyday_word_is_no_literal_a_request_could_leak() -> None:
    found = set(bench_transcript.instance_values({"owner": "you", "created_at": "now", "email": "ana@umbra.io"}))

    assert "ana@umbra.io" in found and not found & {"you", "now"}


def test_a_state_or_a_type_every_record_takes_is_no_literal_but_an_id_under_such_a_key_is() -> None:
    record = {"status": "DELAYED", "type": "TABLE", "state": "running", "order_id": "ORD88213", "event": "ev_77Kq2"}
    found = set(bench_transcript.instance_values(record))

    assert "ORD88213" in found and "ev_77Kq2" in found and not found & {"DELAYED", "TABLE", "running"}


def test_a_pairs_name_and_a_states_inner_name_are_no_literals_but_the_values_a_pair_holds_are() -> None:
    record = {
        "matchers": [{"name": "alertname", "value": "HighErrorRate"}, {"name": "env", "value": "edge-proxy-7"}],
        "State": {"Name": "running"},
        "PreviousState": {"Name": "pending"},
        "result": {"name": "Mia Li", "order_id": "ORD88213"},
    }
    found = set(bench_transcript.instance_values(record))

    assert {"edge-proxy-7", "Mia Li", "ORD88213"} <= found and not found & {"alertname", "env", "running", "pending"}
