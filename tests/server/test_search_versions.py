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


def _procedure(pid: str, namespace: str = "default") -> Procedure:
    return Procedure(
        id=pid,
        namespace=namespace,
        title=f"{pid} the invoice",
        created_at=NOW,
        updated_at=NOW,
        steps=[Step(action="a", tool="a")],
    )


def _add(store: LanceStore, pid: str, vector: list[float]) -> None:
    procedure = _procedure(pid, store.namespace)
    store.add_procedures([(procedure, Embedding(vector, (Phrase("title", pid, vector),)))])


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


def _other(path: Path) -> LanceStore:
    return LanceStore(Database(path, dimensions=DIMENSIONS, embedding_model="test"), "other")


def test_a_store_of_one_namespace_is_searched_without_the_prefilter_and_finds_the_same(tmp_path: Path) -> None:
    rng = random.Random(4)
    store = _store(tmp_path / "db")
    for n in range(30):
        _add(store, f"p{n}", _vector(rng))
    reader = store.db.reader
    assert reader.run(reader.holds_only("procedures", "default"))
    for _ in range(10):
        query = _vector(rng)
        plain = SearchFilters()
        found = [
            (
                reader.run(store._vector_hits(query, 5, plain, exact=True, unfiltered=unfiltered)),
                reader.run(store._text_hits(["invoice", "p3"], 5, plain, unfiltered=unfiltered)),
            )
            for unfiltered in (False, True)  # LanceDB's vector arm (the ANN path) and the keyword arm
        ]
        assert found[0] == found[1] and found[0][0] and found[0][1]


def test_another_namespaces_rows_are_never_served_without_the_prefilter(tmp_path: Path) -> None:
    rng = random.Random(5)
    mine, theirs = _store(tmp_path / "db"), _other(tmp_path / "db")
    query = _vector(rng)
    _add(mine, "mine", _vector(rng))
    reader = mine.db.reader
    assert reader.run(reader.holds_only("procedures", "default"))

    _add(theirs, "theirs", query)  # another process, another namespace, nearer and matching

    assert not reader.run(reader.holds_only("procedures", "default")), "a new version is checked again"
    assert _search(mine, query) == (["mine"], ["mine"])
    # Even a search that still believed the table held only its namespace drops the other's rows.
    for unfiltered in (True, False):
        assert [
            h.procedure_id for h in reader.run(mine._text_hits(["invoice"], 5, SearchFilters(), unfiltered=unfiltered))
        ] == ["mine"]
        hits = reader.run(mine._vector_hits(query, 5, SearchFilters(), exact=True, unfiltered=unfiltered))
        assert [h.procedure_id for h in hits] == ["mine"]


def test_the_versions_listed_from_disk_are_those_lancedb_reads_and_a_search_needs_no_trip_for_them(
    tmp_path: Path,
) -> None:
    rng = random.Random(6)
    mine, theirs = _store(tmp_path / "db"), _store(tmp_path / "db")
    reader = mine.db.reader
    tables = ("procedures", "search_vectors", "procedure_stats", "feedback")

    def agree() -> None:
        listed = reader.versions_on_disk(tables)
        assert listed == {name: reader.run(reader.version(name)) for name in tables}

    for n in range(3):
        _add(theirs, f"p{n}", _vector(rng))
        _rate(theirs, f"p{n}")
        agree()
    theirs.db.procedures.delete("id = 'p0'")
    agree()
    theirs.db.maintain(force=True)  # compaction and cleanup: new versions, old manifests removed
    agree()

    trips: list[object] = []
    submit = reader.submit
    reader.submit = lambda coroutine: trips.append(coroutine) or submit(coroutine)  # type: ignore[method-assign]
    query = _vector(rng)
    _search(mine, query)  # loads both arms (trips of their own)
    trips.clear()
    _add(theirs, "near", query)
    _search(mine, query)  # reloads the arms at the new versions it listed
    trips.clear()
    assert _search(mine, query)[0][0] == "near"
    assert trips == [], "a search with both arms in memory lists the versions itself"
    assert _successes(mine.get_ratings(["p1"]), "p1") == 1, "and the ratings that follow are of the version listed"
