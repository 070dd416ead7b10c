"""The in-memory keyword arm (issue 15): BM25 over the procedures' search documents, scored as LanceDB's FTS
index scores them, for the table's current version, whoever wrote it."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from deftly.server.storage.db import Database
from deftly.server.storage.memory.keywords import tokens
from deftly.server.storage.store import LanceStore
from deftly.tools.models import Procedure, Step
from deftly.tools.ports import Embedding, Phrase, SearchFilters

DIMENSIONS = 8
NOW = datetime(2026, 11, 21, tzinfo=UTC)
_WORDS = (
    "cancel reservation flight booking refund passenger baggage address order exchange return payment "
    "shipping delivered pending invoice customer account password reset upgrade cabin seat travel insurance "
    "gift card points membership"
)
WORDS = _WORDS.split()


def _store(path: Path, namespace: str = "default") -> LanceStore:
    return LanceStore(Database(path, dimensions=DIMENSIONS, embedding_model="test"), namespace)


def _add(store: LanceStore, pid: str, title: str, *, goal: str = "") -> None:
    vector = [1.0] + [0.0] * (DIMENSIONS - 1)
    procedure = Procedure(
        id=pid, namespace=store.namespace, title=title, goal=goal, tools=["do_it"], created_at=NOW, updated_at=NOW,
        steps=[Step(action=title, tool="do_it")],
    )  # fmt: skip
    store.add_procedures([(procedure, Embedding(vector, (Phrase("title", title, vector),)))])


def _in_memory(store: LanceStore, terms: list[str], limit: int = 5) -> list[str]:
    return [hit.procedure_id for hit in store.keyword_hits(terms, limit, SearchFilters())]


def _lancedb(store: LanceStore, terms: list[str], limit: int = 10) -> list[tuple[str, float]]:
    hits = store.db.reader.run(store._text_hits(terms, limit, SearchFilters()))
    return [(hit.procedure_id, hit.score) for hit in hits]


def test_the_tokenizer_is_lancedbs_default_one() -> None:
    assert tokens("Cancelling the Reservations of my_passenger, café!") == ["cancel", "reserv", "passeng", "cafe"]


def test_scores_are_lancedbs_bm25_and_the_order_its_own(tmp_path: Path) -> None:
    rng = random.Random(11)
    store = _store(tmp_path / "db")
    for n in range(80):
        words = rng.sample(WORDS, rng.randint(3, 9))
        _add(store, f"p{n}", " ".join(words), goal=" ".join(rng.choices(WORDS, k=rng.randint(0, 12))))
    for _ in range(30):
        terms = rng.sample(WORDS, rng.randint(1, 4))
        lancedb = _lancedb(store, terms, 80)
        mine = store.keyword_hits(terms, 80, SearchFilters())
        assert {pid for pid, _ in lancedb} == {hit.procedure_id for hit in mine}
        theirs = dict(lancedb)
        # LanceDB stores document lengths approximately: the scores agree to a fraction of a percent.
        assert all(abs(hit.score - theirs[hit.procedure_id]) <= 0.01 * theirs[hit.procedure_id] for hit in mine)
        best = max(score for _, score in lancedb)
        assert theirs[mine[0].procedure_id] >= best * 0.99


def test_every_write_by_another_process_is_seen_and_namespaces_stay_apart(tmp_path: Path) -> None:
    mine, theirs, other = _store(tmp_path / "db"), _store(tmp_path / "db"), _store(tmp_path / "db", "other")
    _add(mine, "refund", "refund the flight")
    assert _in_memory(mine, ["refund"]) == ["refund"]

    _add(theirs, "refund-order", "refund the order")  # another process
    _add(other, "refund-elsewhere", "refund refund refund")  # another namespace: never served
    assert sorted(_in_memory(mine, ["refund"])) == ["refund", "refund-order"]

    moved = Procedure(
        id="refund", title="upgrade the cabin", created_at=NOW, updated_at=NOW, steps=[Step(action="a", tool="a")]
    )
    vector = [1.0] + [0.0] * (DIMENSIONS - 1)
    theirs.update_procedures([(moved, Embedding(vector, (Phrase("title", "upgrade", vector),)), None)])
    assert _in_memory(mine, ["refund"]) == ["refund-order"]
    assert _in_memory(mine, ["cabin"]) == ["refund"]

    theirs.db.procedures.delete("id = 'refund-order'")
    assert _in_memory(mine, ["refund"]) == []
    assert _in_memory(other, ["refund"]) == ["refund-elsewhere"]


def test_search_uses_the_in_memory_arm_unless_a_column_filter_needs_lancedb(tmp_path: Path) -> None:
    store = _store(tmp_path / "db")
    _add(store, "p", "cancel the reservation")
    vector = [1.0] + [0.0] * (DIMENSIONS - 1)
    _, by_text = store.search(lambda: vector, ["cancel"], 5, SearchFilters())
    assert [h.procedure_id for h in by_text] == ["p"]
    assert store.db.reader.keywords._loaded is not None, "served from memory"
    _, filtered = store.search(lambda: vector, ["cancel"], 5, SearchFilters(tools=("do_it",)))
    assert [h.procedure_id for h in filtered] == ["p"]
    _, none = store.search(lambda: vector, ["cancel"], 5, SearchFilters(tools=("other",)))
    assert none == []
