"""``deftly list``: the stored procedures of a namespace as a table or JSON, newest first, with filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from deftly_support import address_trace, cancel_trace, open_db

from deftly.server.cli.main import main
from deftly.server.cli.output import EXIT_OK
from deftly.server.storage.store import LanceStore
from deftly.tools.rate_procedure import rate_procedure


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "list", *argv, "--json")
    assert code == EXIT_OK, err
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.fixture
def two_procedures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> dict[str, str]:
    """Imports the cancel trace, then the address trace; returns their procedure ids."""
    ids = {}
    for name, trace in (("cancel", cancel_trace()), ("address", address_trace())):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(trace), encoding="utf-8")
        code, out, err = run(capsys, "import", str(path), "--json")
        assert code == EXIT_OK, err
        [ids[name]] = json.loads(out)["results"][0]["procedure_ids"]
    return ids


def test_lists_every_procedure_newest_first_with_its_record(
    capsys: pytest.CaptureFixture[str], two_procedures: dict[str, str]
) -> None:
    result = listed(capsys)

    assert (result["namespace"], result["total"]) == ("default", 2)
    assert [p["id"] for p in result["procedures"]] == [two_procedures["address"], two_procedures["cancel"]]
    cancel = result["procedures"][1]
    assert (cancel["steps"], cancel["evidence"], cancel["version"]) == (2, 1, 1)
    assert (cancel["success"], cancel["success_rate"]) == ("never rated", None)
    assert cancel["tools"] == ["get_reservation_details", "cancel_reservation"]
    assert datetime.fromisoformat(cancel["updated_at"]) <= datetime.now(UTC)


def test_the_table_says_never_rated_until_an_agent_rates(
    capsys: pytest.CaptureFixture[str], two_procedures: dict[str, str], deftly_home: Path
) -> None:
    code, out, _ = run(capsys, "list")
    assert code == EXIT_OK
    for header in ("id", "title", "steps", "sources", "success", "updated"):
        assert header in out
    assert two_procedures["cancel"] in out and "never rated" in out
    assert "%" not in out, "the prior mean is not a success record"
    assert "2 procedure(s) in namespace 'default'" in out

    rate_procedure(LanceStore(open_db(deftly_home), "default"), two_procedures["cancel"], True, now=datetime.now(UTC))

    cancel = next(p for p in listed(capsys)["procedures"] if p["id"] == two_procedures["cancel"])
    assert (cancel["success"], cancel["successes"], cancel["failures"]) == ("1/1 rated run succeeded", 1, 0)
    assert cancel["success_rate"] is not None and cancel["success_rate"] > 0.5


def test_limit_and_tool_filter(capsys: pytest.CaptureFixture[str], two_procedures: dict[str, str]) -> None:
    newest = listed(capsys, "--limit", "1")
    assert (newest["total"], [p["id"] for p in newest["procedures"]]) == (2, [two_procedures["address"]])

    cancelling = listed(capsys, "--tool", "cancel_reservation")
    assert [p["id"] for p in cancelling["procedures"]] == [two_procedures["cancel"]]

    assert listed(capsys, "--tool", "cancel_reservation", "--tool", "get_order_details")["procedures"] == []
    assert listed(capsys, "--tag", "no-such-tag")["total"] == 0

    code, out, _ = run(capsys, "list", "--limit", "1")
    assert code == EXIT_OK and "--limit N shows more" in out


def test_namespace_flag_scopes_the_list(capsys: pytest.CaptureFixture[str], two_procedures: dict[str, str]) -> None:
    assert listed(capsys, "--namespace", "elsewhere") == {"namespace": "elsewhere", "total": 0, "procedures": []}

    code, out, _ = run(capsys, "list", "--namespace", "elsewhere")
    assert code == EXIT_OK and "No procedures in namespace 'elsewhere'" in out
