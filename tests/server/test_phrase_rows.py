"""LanceDB's vector arm reads only distances and row ids, the phrases' other columns coming from a copy held
per version of the table (``PhraseRows``, issue 15): it finds what reading the columns from LanceDB finds,
whoever writes, and a search served by the ANN index needs no trip to the reader's loop for the versions."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deftly.server.storage.db import Database
from deftly.server.storage.store import LanceStore
from deftly.tools.models import Procedure, Step
from deftly.tools.ports import Embedding, Phrase, SearchFilters

DIMENSIONS = 8
NOW = datetime(2026, 12, 7, tzinfo=UTC)


def _vector(rng: random.Random) -> list[float]:
    return [rng.uniform(-1, 1) for _ in range(DIMENSIONS)]


def _store(path: Path, namespace: str = "default", **options: Any) -> LanceStore:
    """A store on its own connection: another handle on the same database behaves as another process does."""
    return LanceStore(Database(path, dimensions=DIMENSIONS, embedding_model="test", **options), namespace)


def _add(store: LanceStore, pid: str, rng: random.Random, tools: tuple[str, ...] = ("a",)) -> None:
    procedure = Procedure(
        id=pid,
        namespace=store.namespace,
        title=f"{pid} the invoice",
        created_at=NOW,
        updated_at=NOW,
        steps=[Step(action="a", tool=tools[0])],
        tools=list(tools),
    )
    phrases = tuple(Phrase("title" if n == 0 else "example", f"{pid} {n}", _vector(rng)) for n in range(3))
    store.add_procedures([(procedure, Embedding(phrases[0].vector, phrases))])


def _both(store: LanceStore, query: list[float], filters: SearchFilters, unfiltered: bool) -> tuple[Any, Any]:
    """The vector arm as served (columns from ``PhraseRows``) and with LanceDB reading the columns."""
    reader = store.db.reader
    served = reader.run(store._vector_hits(query, 5, filters, exact=True, unfiltered=unfiltered))
    rows_wanted, where = 10, (None if unfiltered else store._filter_sql(filters))
    only = store.namespace if unfiltered else ""
    held = reader.run(reader.ann_rows(query, where, rows_wanted, ef=None, exact=True, only=only))
    read = reader.run(reader.vector_rows(query, where, rows_wanted, ef=None, exact=True, only=only))
    return (served, held), read


def test_the_held_columns_give_the_rows_lancedb_reads_whoever_writes(tmp_path: Path) -> None:
    rng = random.Random(11)
    mine, theirs, other = _store(tmp_path / "db"), _store(tmp_path / "db"), _store(tmp_path / "db", "other")
    for n in range(20):
        _add(mine, f"p{n}", rng, tools=("a",) if n % 2 else ("b",))

    def agree() -> None:
        for _ in range(5):
            query = _vector(rng)
            for filters in (SearchFilters(), SearchFilters(tools=("b",))):
                for unfiltered in (False, True) if filters == SearchFilters() else (False,):
                    (served, held), read = _both(mine, query, filters, unfiltered)
                    assert held == read and held
                    assert [h.procedure_id for h in served] == list(dict.fromkeys(r["id"] for r in read))[:5]

    agree()
    for n in range(20, 25):
        _add(theirs, f"p{n}", rng)  # another process: new fragments
    agree()
    _add(other, "theirs", rng)  # another namespace's rows are never served as this one's
    agree()
    theirs.db.phrases.delete("id = 'p3'")
    agree()
    theirs.db.maintain(force=True)  # compaction: every row moves, new row ids
    agree()


def test_the_arm_reads_the_version_it_was_given_and_a_row_of_another_is_not_served_from_the_copy(
    tmp_path: Path,
) -> None:
    rng = random.Random(12)
    mine, theirs = _store(tmp_path / "db"), _store(tmp_path / "db")
    for n in range(5):
        _add(mine, f"p{n}", rng)
    reader = mine.db.reader
    query = _vector(rng)
    old = reader.run(reader.version("search_vectors"))
    assert reader.run(reader.ann_rows(query, None, 20, ef=None, exact=True, version=old))
    held = reader._phrase_rows
    assert held is not None and held[1] is not None
    copy = held[1]
    _add(theirs, "near", rng)

    found = reader.run(reader.ann_rows(query, None, 20, ef=None, exact=True, version=old))
    assert found is not None and "near" not in {r["id"] for r in found}, "the version the search listed"
    newest = reader.run(reader.ann_rows(query, None, 20, ef=None, exact=True))
    assert newest is not None and "near" in {r["id"] for r in newest}, "none given: the latest"

    async def latest_rows() -> Any:
        table = await reader.table("search_vectors")
        query_ = table.vector_search(query).distance_type("cosine").select(["_distance"]).with_row_id().limit(20)
        return await query_.bypass_vector_index().to_arrow()

    assert copy.rows(reader.run(latest_rows()), "") is None, "a row id the copy does not hold: not guessed"


def test_an_ann_search_lists_the_versions_itself_and_finds_what_lancedb_finds(tmp_path: Path) -> None:
    rng = random.Random(13)
    path = tmp_path / "db"
    mine = _store(path, ann_min_rows=600)
    for n in range(260):
        _add(mine, f"p{n:03d}", rng)
    mine.db.maintain(force=True)
    assert mine.db.has_ann_index
    reader = mine.db.reader

    def search(query: list[float]) -> list[str]:
        by_vector, _ = mine.search(lambda: query, ["invoice"], 5, SearchFilters())
        return [h.procedure_id for h in by_vector]

    search(_vector(rng))  # the first search asks the loop whether the table holds only this namespace
    trips: list[object] = []
    submit = reader.submit

    def counted(coroutine: Any) -> Any:
        trips.append(coroutine)
        return submit(coroutine)

    reader.submit = counted  # type: ignore[method-assign]
    for _ in range(20):
        query = _vector(rng)
        trips.clear()
        found = search(query)
        assert len(trips) == 1, "one trip: the vector arm's query"
        rows = reader.run(reader.vector_rows(query, None, 10, ef=mine.db.ann_ef, exact=False, only="default"))
        assert found == list(dict.fromkeys(r["id"] for r in rows))[:5]
    held = reader._phrase_rows
    assert held is not None and held[1] is not None, "the columns came from the copy"
