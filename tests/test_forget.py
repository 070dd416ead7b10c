"""``deftly forget`` through the real CLI: what is forgotten leaves every file under DEFTLY_HOME."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from deftly_support import address_trace, cancel_trace, deftly_command, open_db, server_env

from deftly.server.storage.store import LanceStore
from deftly.tools.rate_procedure import rate_procedure

pytestmark = pytest.mark.slow

NOTE = "xyzzy-the-refund-step-timed-out"


def deftly(home: Path, *args: str, answer: str = "", code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*deftly_command(), *args], input=answer, capture_output=True, text=True, env=server_env(home), timeout=300
    )
    assert done.returncode == code, done.stderr
    return done


def files_containing(home: Path, text: str) -> list[Path]:
    needle = text.encode()
    return [path for path in home.rglob("*") if path.is_file() and needle in path.read_bytes()]


@pytest.fixture
def learned(tmp_path: Path, deftly_home: Path) -> dict[str, Any]:
    """Two procedures learned from two imported sessions; the cancel one rated with a note."""
    traces = tmp_path / "traces"
    traces.mkdir()
    (traces / "cancel.json").write_text(json.dumps(cancel_trace()))
    (traces / "address.json").write_text(json.dumps(address_trace()))
    summary = json.loads(deftly(deftly_home, "import", str(traces), "--json").stdout)
    ids = {Path(r["path"]).stem: r["procedure_ids"][0] for r in summary["results"]}
    store = LanceStore(open_db(deftly_home), "default")
    rate_procedure(store, ids["cancel"], False, now=datetime.now(UTC), notes=NOTE, failed_step=2)
    cancel = store.get_procedure(ids["cancel"])
    assert cancel is not None
    return {"ids": ids, "title": cancel.title, "traces": traces}


def test_forgetting_a_procedure_removes_its_bytes_from_disk(learned: dict[str, Any], deftly_home: Path) -> None:
    cancel, address = learned["ids"]["cancel"], learned["ids"]["address"]
    for unique in (cancel, learned["title"], NOTE):
        assert files_containing(deftly_home, unique), f"{unique!r} is on disk before (else the check proves nothing)"

    done = deftly(deftly_home, "forget", cancel, "--yes")

    assert f"Forgot {cancel}" in done.stdout
    for unique in (cancel, learned["title"], NOTE):
        assert files_containing(deftly_home, unique) == [], f"{unique!r} is still on disk"
    store = LanceStore(open_db(deftly_home), "default")
    assert store.get_procedure(cancel) is None and store.get_procedure(address) is not None
    assert all(cancel not in t.procedure_ids for t in store.list_traces()), "traces no longer point at it"
    found = json.loads(deftly(deftly_home, "search", "cancel my reservation", "--json").stdout)
    assert cancel not in [hit["id"] for hit in found["procedures"]]


def test_forget_asks_first(learned: dict[str, Any], deftly_home: Path) -> None:
    cancel = learned["ids"]["cancel"]

    declined = deftly(deftly_home, "forget", cancel, answer="n\n", code=1)

    assert "[y/N]" in declined.stdout and learned["title"] in declined.stdout
    assert "Nothing was forgotten" in declined.stderr
    assert LanceStore(open_db(deftly_home), "default").get_procedure(cancel) is not None

    deftly(deftly_home, "forget", cancel, answer="y\n")
    assert LanceStore(open_db(deftly_home), "default").get_procedure(cancel) is None


def test_an_unknown_id_is_bad_input(deftly_home: Path) -> None:
    done = deftly(deftly_home, "forget", "no-such-procedure", "--yes", code=2)

    assert "No procedure with id 'no-such-procedure'" in done.stderr


def test_forget_all_needs_the_namespace_named(deftly_home: Path) -> None:
    done = deftly(deftly_home, "forget", "--all", "--yes", code=2)

    assert "--all needs --namespace N" in done.stderr


def test_forgetting_a_namespace_removes_its_traces_too(learned: dict[str, Any], deftly_home: Path) -> None:
    assert files_containing(deftly_home, "ZFA04Y"), "the cancel session's reservation id"

    done = deftly(deftly_home, "forget", "--all", "--namespace", "default", "--yes")

    assert "2 procedure(s), 2 trace(s)" in done.stdout
    for unique in ("ZFA04Y", "W4817420", *learned["ids"].values(), NOTE):
        assert files_containing(deftly_home, unique) == [], f"{unique!r} is still on disk"
    again = json.loads(deftly(deftly_home, "import", str(learned["traces"]), "--json").stdout)
    assert again["completed"] == 2, "the import log was forgotten too, so the same files import again"
