"""Old table versions are deleted: by the worker's background rounds (after a grace period) and by
``deftly compact``; no row is lost either way."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from deftly_support import snapshot

from deftly.server.background.embedding import BUILTIN_DIM, BUILTIN_NAME
from deftly.server.cli.main import main
from deftly.server.settings import Settings
from deftly.server.storage import db as db_module
from deftly.server.storage.db import Database
from deftly.server.storage.filelock import FileLock
from deftly.server.storage.store import LanceStore
from deftly.tools.models import Procedure, Step
from deftly.tools.ports import Embedding, Phrase
from deftly.tools.rate_procedure import rate_procedure

GRACE_1MS = timedelta(milliseconds=1)  # zero makes LanceDB warn (other readers), which tests treat as an error


def rated_store(path: Path, *, keep: timedelta, ratings: int = 20) -> LanceStore:
    """A store with one procedure rated ``ratings`` times: each rating leaves versions behind."""
    store = LanceStore(
        Database(path, dimensions=BUILTIN_DIM, embedding_model=BUILTIN_NAME, keep_versions=keep), "default"
    )
    now = datetime.now(UTC)
    vector = [1.0] + [0.0] * (BUILTIN_DIM - 1)
    procedure = Procedure(id="rated", title="Do it", created_at=now, updated_at=now, steps=[Step(action="a", tool="a")])
    store.add_procedures([(procedure, Embedding(vector, (Phrase("title", "Do it", vector),)))])
    for i in range(ratings):
        rate_procedure(store, "rated", i % 3 != 0, now=now)
    return store


def versions(db: Database) -> int:
    return sum(len(table.list_versions()) for table in db._tables().values())


@pytest.fixture
def cleanup_always_due(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "CLEANUP_EVERY_SECONDS", 0.0)


@pytest.mark.usefixtures("cleanup_always_due")
def test_background_round_deletes_versions_past_the_grace_period_and_keeps_every_row(tmp_path: Path) -> None:
    store = rated_store(tmp_path / "db", keep=GRACE_1MS)
    db = store.db
    rows, before_versions, before = snapshot(db), versions(db), db.disk_usage()

    db.maintain()

    assert versions(db) <= 2 * len(db._tables())  # the latest, and what optimizing itself committed after cleanup
    assert versions(db) < before_versions / 3
    assert db.disk_usage().files < before.files / 2
    assert snapshot(db) == rows
    assert store.get_ratings(["rated"])["rated"].successes == 13


@pytest.mark.usefixtures("cleanup_always_due")
def test_versions_younger_than_the_grace_period_survive_a_round(tmp_path: Path) -> None:
    db = rated_store(tmp_path / "db", keep=timedelta(hours=1)).db
    before = versions(db)

    db.maintain()

    assert versions(db) >= before


@pytest.mark.usefixtures("cleanup_always_due")
def test_rounds_skip_tables_unchanged_since_they_were_left_clean(tmp_path: Path) -> None:
    store = rated_store(tmp_path / "db", keep=GRACE_1MS, ratings=3)
    db = store.db
    rounds = [db.maintain() for _ in range(4)]  # optimizing commits versions of its own until it settles

    assert rounds[-1] == []
    rate_procedure(store, "rated", True, now=datetime.now(UTC))
    assert set(db.maintain()) == {"procedure_stats", "feedback"}


def test_no_round_before_the_cleanup_interval(tmp_path: Path) -> None:
    db = rated_store(tmp_path / "db", keep=GRACE_1MS, ratings=3).db

    assert db.maintain() == []  # a few fragments only, and the first round is CLEANUP_EVERY_SECONDS away


def compact_json(home: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["compact", "--json", "--home", str(home)]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def test_deftly_compact_deletes_every_old_version_when_no_server_runs(
    deftly_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = rated_store(Settings(home=deftly_home).db_path, keep=timedelta(hours=1))
    rows = snapshot(store.db)

    result = compact_json(deftly_home, capsys)

    before, after = result["before"], result["after"]
    assert isinstance(before, dict) and isinstance(after, dict)
    assert result["exclusive"] is True
    assert after["files"] < before["files"] / 2 and after["bytes"] < before["bytes"]
    assert versions(store.db) == len(store.db._tables())
    assert snapshot(store.db) == rows


def test_deftly_compact_keeps_recent_versions_while_a_server_holds_the_lock(
    deftly_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(home=deftly_home)
    store = rated_store(settings.db_path, keep=timedelta(hours=1))
    before = versions(store.db)
    server_lock = FileLock(settings.lock_path)
    assert server_lock.acquire()
    try:
        result = compact_json(deftly_home, capsys)
    finally:
        server_lock.release()

    assert result["exclusive"] is False
    assert versions(store.db) >= before  # all younger than keep_versions_minutes


def test_the_command_line_parser_does_not_import_lancedb() -> None:
    """`deftly serve` answers initialize before LanceDB is imported (it takes seconds): commands import it late."""
    import subprocess
    import sys

    code = (
        "import sys; from deftly.server.cli.main import build_parser; build_parser(); print('lancedb' in sys.modules)"
    )

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)

    assert done.stdout.strip() == "False"
