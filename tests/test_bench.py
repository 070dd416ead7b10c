"""deftly bench on a user's own labelled data (the generic JSONL loader) scores every arm."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tracebuilders import assistant, call, cancel_session, chat, user

from deftly.server.cli import bench_data, bench_retrieval
from deftly.tools.errors import InvalidInput


def email_session() -> list[dict[str, Any]]:
    return chat(
        user("Email the quarterly report to finance@acme.com please"),
        call("search_files", {"query": "quarterly report"}, {"files": [{"id": "f_77"}]}),
        call("send_email", {"to": "finance@acme.com", "attachment_id": "f_77"}, {"sent": True}),
        assistant("Sent."),
    )


def test_a_jsonl_dataset_is_ingested_and_scored(tmp_path: Path, embedder: Any) -> None:
    (tmp_path / "cancel.json").write_text(json.dumps(cancel_session()))
    (tmp_path / "email.json").write_text(json.dumps(email_session()))
    lines = [
        {"trace_file": "cancel.json", "expected_group": "cancel"},
        {"trace_file": "email.json", "expected_group": "email"},
        {"query": "I want to cancel my booking", "expected_group": "cancel"},
        {"query": "mail the report to the accounting team", "expected_group": "email"},
    ]
    (tmp_path / "data.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    dataset = bench_data.jsonl(tmp_path / "data.jsonl")
    report = bench_retrieval.run(dataset, embedder=embedder)
    assert (report.traces, report.queries, report.procedures) == (2, 2, 2)
    deftly, bm25, dense = report.arms
    assert deftly.hit_at(1) == 1.0 and deftly.mrr == 1.0
    assert len(bm25.ranks) == len(dense.ranks) == 2
    assert "Hit@3" in bench_retrieval.format_report(report)


def test_a_malformed_dataset_line_says_where_and_what(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"query": "x", "expected_group": "a"}\n{"query": "no group"}\n')
    with pytest.raises(InvalidInput, match=r"bad.jsonl:2: expected a JSON object with 'expected_group'"):
        bench_data.jsonl(path)


def test_a_missing_trace_file_or_dataset_folder_says_what_to_send(tmp_path: Path) -> None:
    dataset = tmp_path / "mine.jsonl"
    dataset.write_text(json.dumps({"trace_file": "gone.json", "expected_group": "a"}) + "\n")

    with pytest.raises(InvalidInput, match=r"mine.jsonl:1: no trace file .*gone.json \(trace_file is relative"):
        bench_data.jsonl(dataset)
    with pytest.raises(InvalidInput, match=r"must hold gpt-4o-airline.json and index.jsonl"):
        bench_data.tau_bench(tmp_path)
