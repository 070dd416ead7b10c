"""A search reads the table versions it needs while the query is embedded (issue 15); what it then serves
from memory -- the phrase matrix, the ratings cache -- holds for those versions, whoever writes."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deftly.server.storage.db import Database
from deftly.server.storage.search_store import RECENT_VERSION_SECONDS
from deftly.server.storage.store import LanceStore
from deftly.tools.models import FeedbackEvent, Procedure, Step
from deftly.tools.ports import Embedding, Phrase, SearchFilters

DIMENSIONS = 8
NOW = datetime(2026, 11, 21, tzinfo=UTC)


def _vector(rng: random.Random) -> list[float]:
    return [rng.uniform(-1, 1) for _ in range(DIMENSIONS)]


def _procedure(pid: str) -> Procedure:
    return Procedure(
        id=pid, title=f"{pid} the invoice", created_at=NOW, updated_at=NOW, steps=[Step(action="a", tool="a")]
    )


def _add(store: LanceStore, pid: str, vector: list[float]) -> None:
    store.add_procedures([(_procedure(pid), Embedding(vector, (Phrase("title", pid, vector),)))])


def _store(path: Path) -> LanceStore:
    """A store on its own connection: another handle on the same database behaves as another process does."""
    return LanceStore(Database(path, dimensions=DIMENSIONS, embedding_model="test"), "default")


def _search(store: LanceStore, vector: list[float]) -> tuple[list[str], list[str]]:
    by_vector, by_text = store.search(lambda: vector, ["invoice"], 5, SearchFilters())
    return [h.procedure_id for h in by_vector], [h.procedure_id for h in by_text]


def _rate(store: LanceStore, pid: str) -> None:
    store.record_feedback(FeedbackEvent(procedure_id=pid, namespace="default", success=True, created_at=NOW))


def _successes(ratings: dict[str, Any], pid: str) -> int:
    return int(ratings[pid].successes)


def test_the_ratings_after_a_search_are_those_of_the_version_it_read_and_then_the_next(tmp_path: Path) -> None:
    rng = random.Random(1)
    mine, theirs = _store(tmp_path / "db"), _store(tmp_path / "db")
    query = _vector(rng)
    _add(mine, "p", query)
    mine.warm_cache()
    _search(mine, query)
    assert _successes(mine.get_ratings(["p"]), "p") == 0

    _rate(theirs, "p")  # another process rates it
    time.sleep(RECENT_VERSION_SECONDS)

    _search(mine, query)
    assert _successes(mine.get_ratings(["p"]), "p") == 1, "the next search reads the new version"
    assert _successes(mine.get_ratings(["p"]), "p") == 1


def test_this_processs_own_rating_is_seen_at_once(tmp_path: Path) -> None:
    rng = random.Random(2)
    store = _store(tmp_path / "db")
    query = _vector(rng)
    _add(store, "p", query)
    store.warm_cache()
    _search(store, query)
    assert _successes(store.get_ratings(["p"]), "p") == 0

    _rate(store, "p")

    assert _successes(store.get_ratings(["p"]), "p") == 1, "a write here forgets the version the search read"


def test_searches_see_another_processs_adds_updates_and_deletes(tmp_path: Path) -> None:
    rng = random.Random(3)
    mine, theirs = _store(tmp_path / "db"), _store(tmp_path / "db")
    query = _vector(rng)
    _add(mine, "old", _vector(rng))
    assert _search(mine, query) == (["old"], ["old"])

    _add(theirs, "near", query)
    by_vector, by_text = _search(mine, query)
    assert by_vector == ["near", "old"] and sorted(by_text) == ["near", "old"]

    moved = _procedure("near").model_copy(update={"title": "near, now elsewhere", "updated_at": NOW})
    far = [-x for x in query]
    theirs.update_procedures([(moved, Embedding(far, (Phrase("title", "near", far),)), None)])
    assert _search(mine, query)[0] == ["old", "near"]

    theirs.db.procedures.delete("id = 'old'")
    theirs.db.phrases.delete("id = 'old'")
    assert _search(mine, query)[0] == ["near"]
