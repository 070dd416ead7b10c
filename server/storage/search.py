"""The read path of find_procedure on LanceDB's async API, on a loop of its own.

Measured on the development machine (10,000 procedures, HNSW index), the same three
queries cost 4.3 / 2.8 / 2.3 ms through ``AsyncTable`` and 6-11 / 7 / 5.5 ms through
the synchronous wrapper, which re-reads schemas and hops threads on every call; and
async queries can overlap. So searches go through here; writes stay synchronous.

Below the ANN threshold the vector arm is an exact scan, and LanceDB's flat scan is the dearest
part of a search (4.5 ms for 4,000 phrases, where a matrix product takes 0.2 ms); so ``PhraseMatrix``
keeps such a table's vectors in memory, reloaded whenever the table's version changes. The keyword arm
is kept in memory the same way (``KeywordTable``, BM25 in ``keywords.py``): LanceDB's FTS cost 2-4 ms.
Where LanceDB does search the phrases (the ANN index, column filters), it returns distances and row ids
only, and ``PhraseRows`` (``memory/phrase_rows.py``) gives each row's id, namespace and update time.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Coroutine, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import lancedb
import pyarrow as pa

from deftly.server.storage.memory.arms import PhraseVectors, unit_rows
from deftly.server.storage.memory.keywords import Encoded, KeywordDocs, KeywordIndex, Vocabulary
from deftly.server.storage.memory.phrase_rows import COLUMNS as PHRASE_ROW_COLUMNS
from deftly.server.storage.memory.phrase_rows import PhraseRows
from deftly.server.storage.memory.snapshot import latest_manifest
from deftly.server.storage.schema import sql_str

T = TypeVar("T")
log = logging.getLogger(__name__)
# 25,000 phrases of 384 floats hold 38 MB; above the ANN threshold (20,000 by default) the index serves.
EXACT_IN_MEMORY_MAX_PHRASES = 25_000
# Postings of 20,000 documents of ~60 distinct terms hold ~10 MB; above it LanceDB's FTS index serves.
KEYWORDS_IN_MEMORY_MAX_DOCUMENTS = 20_000
# The phrase rows' small columns by row id (~40 bytes a row): up to 100,000 phrases, ~4 MB, ~40 ms to read.
PHRASE_ROWS_MAX = 100_000


class AsyncReader:
    """An async LanceDB connection whose coroutines run on a private event-loop thread."""

    def __init__(
        self, path: Path | str, read_consistency: timedelta | None, storage_options: dict[str, str] | None = None
    ) -> None:
        # A directory read with no staleness allowed: its tables' versions can be listed in the caller's thread.
        listable = "://" not in str(path) and not read_consistency
        self._folder = Path(path) if listable else None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="deftly-search", daemon=True)
        self._thread.start()
        self._connection = self.run(
            lancedb.connect_async(
                str(path), read_consistency_interval=read_consistency, storage_options=storage_options or None
            )
        )
        self._tables: dict[str, Any] = {}
        self._tables_lock = asyncio.Lock()
        self._versions: dict[str, tuple[int, float]] = {}
        self._only: dict[tuple[str, str], tuple[int, bool]] = {}
        self._phrase_rows: tuple[int, PhraseRows | None] | None = None  # a version, and its rows if held
        self._phrase_rows_lock = asyncio.Lock()
        self.phrases = PhraseMatrix(EXACT_IN_MEMORY_MAX_PHRASES)
        self.keywords = KeywordTable(KEYWORDS_IN_MEMORY_MAX_DOCUMENTS)

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.submit(coroutine).result()

    async def table(self, name: str) -> Any:
        if name not in self._tables:
            async with self._tables_lock:
                if name not in self._tables:
                    self._tables[name] = await self._connection.open_table(name)
        return self._tables[name]

    async def count(self, name: str) -> int:
        table = await self.table(name)
        count: int = await table.count_rows()
        return count

    async def version(self, name: str) -> int:
        """The table's latest committed version (a manifest read, about 0.3 ms; a filtered scan is 10x that)."""
        table = await self.table(name)
        read_at = time.monotonic()
        version: int = await table.version()
        self._versions[name] = (version, read_at)
        return version

    def versions_on_disk(self, names: Sequence[str]) -> dict[str, int] | None:
        """The latest committed version of each table, as ``version`` reads it, from the tables' ``_versions``
        folders in the calling thread (a listing and a ``stat``, ~30 us a table); None for an object store, a
        reader allowed to read older versions, or a table with none listed. A trip to this reader's loop costs
        the caller ~0.5 ms under load (the loop and LanceDB's runtime threads take the GIL and the cores the
        query's embedding runs on), where a find needs only these numbers."""
        if self._folder is None:
            return None
        read_at = time.monotonic()
        found: dict[str, int] = {}
        for name in names:
            stamp = latest_manifest(self._folder / f"{name}.lance" / "_versions")
            if stamp is None:
                return None
            found[name] = stamp[0]
        for name, version in found.items():
            self._versions[name] = (version, read_at)
        return found

    def recent_version(self, name: str, max_age: float) -> int | None:
        """The version of ``name`` last read, if the read began less than ``max_age`` seconds ago (a search
        reads the versions it needs while the query is embedded; what it does next need not ask again)."""
        seen = self._versions.get(name)
        if seen is None or time.monotonic() - seen[1] >= max_age:
            return None
        return seen[0]

    def forget_version(self, name: str) -> None:
        """This process wrote ``name``: the next reader asks for its version again."""
        self._versions.pop(name, None)

    async def vector_rows(
        self, vector: Sequence[float], where: str | None, limit: int, *, ef: int | None, exact: bool, only: str = ""
    ) -> list[dict[str, Any]]:
        """The nearest phrase rows; ``only``: keep the rows of this namespace (for a query without ``where``)."""
        table = await self.table("search_vectors")
        query = table.vector_search(list(vector)).distance_type("cosine")
        query = query.select(["id", "updated_at", "_distance", *(["namespace"] if only else [])]).limit(limit)
        return _of_namespace((await _tuned(query, where, ef=ef, exact=exact).to_arrow()).to_pylist(), only)

    async def ann_rows(
        self,
        vector: Sequence[float],
        where: str | None,
        limit: int,
        *,
        ef: int | None,
        exact: bool,
        only: str = "",
        version: int | None = None,
    ) -> list[dict[str, Any]] | None:
        """``vector_rows``, with only distances and row ids read by LanceDB (from a handle checked out at the
        table's latest version, ``version`` if the caller has just read it), the other columns from
        ``PhraseRows``; None when the table is too large to hold them or a row is not found there."""
        try:
            held = await self._phrase_rows_at(version)
            if held is None:
                return None
            query = held.table.vector_search(list(vector)).distance_type("cosine").select(["_distance"])
            query = _tuned(query.with_row_id().limit(limit), where, ef=ef, exact=exact)
            return held.rows(await query.to_arrow(), only)
        except Exception:  # e.g. that version cleaned up meanwhile: a newer one exists, the next search lists it
            log.debug("the vector arm reads its columns from LanceDB this time", exc_info=True)
            return None

    async def _phrase_rows_at(self, version: int | None) -> PhraseRows | None:
        if version is None:
            version = await self.version("search_vectors")
        held = self._phrase_rows
        if held is None or held[0] != version:
            async with self._phrase_rows_lock:
                held = self._phrase_rows
                if held is None or held[0] != version:
                    held = self._phrase_rows = (version, await self._read_phrase_rows(version))
        return held[1]

    async def _read_phrase_rows(self, version: int) -> PhraseRows | None:
        """A new handle on the phrase table at ``version`` (queries in flight keep theirs), and its rows."""
        table = await self._connection.open_table("search_vectors")
        await table.checkout(version)
        if await table.count_rows() > PHRASE_ROWS_MAX:
            return None
        read = await table.query().select(PHRASE_ROW_COLUMNS).with_row_id().to_arrow()
        return PhraseRows.of(version, table, read)

    def known_only(self, name: str, namespace: str, version: int) -> bool | None:
        """What ``holds_only`` found for ``version`` of table ``name``, if it was asked."""
        known = self._only.get((name, namespace))
        return known[1] if known is not None and known[0] == version else None

    async def text_rows(self, text_query: Any, where: str | None, limit: int, only: str = "") -> list[dict[str, Any]]:
        table = await self.table("procedures")
        query = table.query().nearest_to_text(text_query, columns="search_text")
        query = query.select(["id", "updated_at", "_score", *(["namespace"] if only else [])]).limit(limit)
        if where is not None:
            query = query.where(where)
        return _of_namespace((await query.to_arrow()).to_pylist(), only)

    async def holds_only(self, name: str, namespace: str) -> bool:
        """Whether every row of table ``name`` belongs to ``namespace`` (the usual single-namespace store),
        checked once per version of the table. A search then needs no namespace prefilter (LanceDB's costs
        ~0.4 ms on the keyword arm at 1,000 procedures, ~0.5-0.9 ms on the ANN arm at 10,000; the same rows
        either way), and keeps only that namespace's rows of what it gets: a row another process added
        since the check is dropped, never served."""
        version = await self.version(name)
        known = self._only.get((name, namespace))
        if known is not None and known[0] == version:
            return known[1]
        table = await self.table(name)
        total, mine = await asyncio.gather(table.count_rows(), table.count_rows(f"namespace = {sql_str(namespace)}"))
        only = int(total) == int(mine)
        self._only[(name, namespace)] = (version, only)
        return only

    async def phrase_table(self) -> tuple[int, pa.Table]:
        """Every search phrase's id, namespace, update time and vector, and the version they were read at
        (read after the version: a write in between only makes the next search reload)."""
        table = await self.table("search_vectors")
        version: int = await table.version()
        arrow: pa.Table = await table.query().select(["id", "namespace", "updated_at", "vector"]).to_arrow()
        return version, arrow

    async def document_table(self) -> tuple[int, pa.Table]:
        """Every procedure's id, namespace, update time and search document, and the version they were read at."""
        table = await self.table("procedures")
        version: int = await table.version()
        arrow: pa.Table = await table.query().select(["id", "namespace", "updated_at", "search_text"]).to_arrow()
        return version, arrow

    async def rows(self, table_name: str, where: str, columns: list[str] | None, limit: int) -> list[dict[str, Any]]:
        table = await self.table(table_name)
        query = table.query().where(where).limit(limit)
        if columns is not None:
            query = query.select(columns)
        rows: list[dict[str, Any]] = (await query.to_arrow()).to_pylist()
        return rows

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def _tuned(query: Any, where: str | None, *, ef: int | None, exact: bool) -> Any:
    """A vector query with its filter, and either an exact scan or the index's search breadth."""
    if where is not None:
        query = query.where(where)
    if exact:
        return query.bypass_vector_index()
    return query.ef(ef) if ef is not None else query


def _of_namespace(rows: list[dict[str, Any]], namespace: str) -> list[dict[str, Any]]:
    if not namespace:
        return rows
    return [row for row in rows if row.pop("namespace") == namespace]


@dataclass(frozen=True)
class _Loaded:
    version: int
    namespaces: dict[str, PhraseVectors] | None  # None: more phrases than the matrix holds


class PhraseMatrix:
    """The phrase vectors of a table small enough to scan exactly, in memory, for one version of it.

    Cosine distance as LanceDB computes it (both sides normalised, float32), so the nearest phrases and
    their order are those of LanceDB's flat scan; distances may differ in the seventh decimal, and phrases
    that close may swap.
    """

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()

    def nearest(
        self, reader: AsyncReader, vector: Sequence[float], namespace: str, limit: int, version: int | None = None
    ) -> list[dict[str, Any]] | None:
        """The ``limit`` nearest phrases of ``namespace`` as LanceDB rows (id, updated_at, _distance), or
        None when the table holds more than ``max_rows`` phrases. ``version``: the table's latest version,
        if the caller has just read it."""
        namespaces = self._current(reader, version).namespaces
        if namespaces is None:
            return None
        phrases = namespaces.get(namespace)
        if phrases is None:
            return []
        return phrases.nearest(vector, limit)

    def _current(self, reader: AsyncReader, version: int | None) -> _Loaded:
        if version is None:
            version = reader.run(reader.version("search_vectors"))
        loaded = self._loaded
        if loaded is not None and loaded.version == version:
            return loaded
        with self._lock:
            if self._loaded is None or self._loaded.version != version:
                self._loaded = self._load(reader, version)
            return self._loaded

    def _load(self, reader: AsyncReader, version: int) -> _Loaded:
        if reader.run(reader.count("search_vectors")) > self.max_rows:
            return _Loaded(version, None)
        version, table = reader.run(reader.phrase_table())
        matrix = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
        dimensions = table.schema.field("vector").type.list_size
        matrix = unit_rows(matrix.reshape(table.num_rows, dimensions))
        ids, namespaces, updated = (table.column(c).to_pylist() for c in ("id", "namespace", "updated_at"))
        rows: dict[str, list[int]] = {}
        for row, namespace in enumerate(namespaces):
            rows.setdefault(namespace, []).append(row)
        return _Loaded(
            version,
            {
                namespace: PhraseVectors([ids[i] for i in at], [updated[i] for i in at], matrix[at])
                for namespace, at in rows.items()
            },
        )


@dataclass(frozen=True)
class _Documents:
    version: int
    namespaces: dict[str, KeywordIndex] | None  # None: more documents than the index holds


class KeywordTable:
    """BM25 over the procedures' search documents (the column LanceDB's FTS index covers), in memory, for one
    version of the table; reloading after a write re-tokenizes only the documents that changed."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self._loaded: _Documents | None = None
        self._vocabulary = Vocabulary()
        self._encoded: dict[tuple[str, int, int], Encoded] = {}
        self._lock = threading.Lock()

    @property
    def oversized(self) -> bool:
        """The table held more procedures than ``max_rows`` when last loaded (LanceDB's index serves)."""
        loaded = self._loaded
        return loaded is not None and loaded.namespaces is None

    def search(
        self, reader: AsyncReader, terms: Sequence[str], namespace: str, limit: int, version: int | None = None
    ) -> list[tuple[str, Any, float]] | None:
        """The ``limit`` best documents of ``namespace`` as (id, updated_at, score), or None when the table
        holds more than ``max_rows`` procedures. ``version``: the table's latest, if the caller just read it."""
        if version is None:
            version = reader.run(reader.version("procedures"))
        loaded = self._loaded
        if loaded is None or loaded.version != version:
            with self._lock:
                if self._loaded is None or self._loaded.version != version:
                    self._loaded = self._load(reader, version)
                loaded = self._loaded
        if loaded.namespaces is None:
            return None
        index = loaded.namespaces.get(namespace)
        return index.search(terms, limit) if index is not None else []

    def _load(self, reader: AsyncReader, version: int) -> _Documents:
        if reader.run(reader.count("procedures")) > self.max_rows:
            self._vocabulary, self._encoded = Vocabulary(), {}
            return _Documents(version, None)
        version, table = reader.run(reader.document_table())
        ids, namespaces, updated, texts = (
            table.column(c).to_pylist() for c in ("id", "namespace", "updated_at", "search_text")
        )
        # A document is re-tokenized only when its text changed (an update may keep updated_at).
        keys = [(pid, len(text), hash(text)) for pid, text in zip(ids, texts, strict=True)]
        known = self._encoded
        encoded = {key: known.get(key) or self._vocabulary.encode(text) for key, text in zip(keys, texts, strict=True)}
        self._encoded = encoded
        rows: dict[str, list[int]] = {}
        for row, namespace in enumerate(namespaces):
            rows.setdefault(namespace, []).append(row)
        return _Documents(
            version,
            {
                namespace: KeywordIndex(
                    KeywordDocs.join(self._vocabulary, [encoded[keys[i]] for i in at]),
                    [ids[i] for i in at],
                    [updated[i] for i in at],
                )
                for namespace, at in rows.items()
            },
        )
