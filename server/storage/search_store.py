"""The search half of the namespace-scoped store: what find_procedure reads, on the async reader."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from deftly.server.storage.db import Database
from deftly.server.storage.memory.arms import PHRASES_PER_PROCEDURE, best_per_procedure
from deftly.server.storage.rows import as_utc, metadata_tokens, row_to_procedure, row_to_ratings
from deftly.server.storage.schema import sql_in, sql_list
from deftly.tools.models import Procedure, Ratings
from deftly.tools.ports import Candidate, SearchFilters, SearchHit, Vector

# How old a table version read by a search may be for what the same find_procedure reads next (ratings):
# the search reads it while the query is embedded, a few ms before. This process's own writes forget it.
RECENT_VERSION_SECONDS = 0.05
T = TypeVar("T")
PROCEDURE_COLUMNS = [
    "id", "namespace", "title", "body", "tags", "tools", "sources", "signatures", "version", "created_at",
    "updated_at",
]  # fmt: skip


@dataclass(frozen=True)
class _Known:
    phrases_version: int | None  # for the in-memory vector arm
    procedures_version: int | None  # for the in-memory keyword arm
    procedures_only: bool  # every procedure is this namespace's: the keyword arm needs no prefilter
    phrases_only: bool  # every phrase is: nor does LanceDB's vector arm


async def _nothing(value: T) -> T:
    return value


class LanceSearch:
    db: Database
    namespace: str
    _ns: str

    def search(
        self, embed: Callable[[], Vector], terms: Sequence[str], limit: int, filters: SearchFilters
    ) -> tuple[list[SearchHit], list[SearchHit]]:
        """Both arms, after the query is embedded; in memory unless a column filter (or, for the vector arm, an
        ANN index, or for either, a table too large to hold) sends them to LanceDB.

        What the arms and the ratings need to know of the tables (``_versions``) is listed from a local store's
        folders when the keyword arm is in memory (and, for an ANN search, whether the phrase table holds only
        this namespace's rows is known for that version), else read on the reader's loop while ``embed``
        computes the query vector. LanceDB's keyword search is not started before the embedding ends: on two
        cores the model's threads and the search slow each other down (A/B on 600 queries at load 3.4-4:
        median -0.3 to -1.7 ms, p95 +1.4 to +3.5 ms).
        """
        reader = self.db.reader
        plain = not (filters.metadata or filters.tags or filters.tools)
        in_memory = plain and not self.db.has_ann_index
        known = self._versions_on_disk(ann=not in_memory) if plain else None
        if known is None:
            before = reader.submit(self._versions(filters, in_memory=in_memory))
            vector = embed()
            known = before.result()
        else:
            vector = embed()
        by_text = self._keywords_in_memory(terms, limit, known.procedures_version) if plain else None
        by_lancedb = None
        if by_text is None:
            by_lancedb = reader.submit(self._text_hits(terms, limit, filters, unfiltered=known.procedures_only))
        by_vector = self._nearest(
            vector, limit, filters, phrases_version=known.phrases_version, unfiltered=known.phrases_only
        )
        return by_vector, by_lancedb.result() if by_lancedb is not None else (by_text or [])

    def keyword_hits(self, terms: Sequence[str], limit: int, filters: SearchFilters) -> list[SearchHit]:
        """The keyword arm alone, as ``search`` runs it."""
        plain = not (filters.metadata or filters.tags or filters.tools)
        hits = self._keywords_in_memory(terms, limit, None) if plain else None
        if hits is None:
            hits = self.db.reader.run(self._text_hits(terms, limit, filters))
        return hits

    def _keywords_in_memory(
        self, terms: Sequence[str], limit: int, procedures_version: int | None
    ) -> list[SearchHit] | None:
        """BM25 over this namespace's documents in memory, or None when the table is too large to hold."""
        if not terms:
            return []
        reader = self.db.reader
        found = reader.keywords.search(reader, terms, self.namespace, limit, version=procedures_version)
        if found is None:
            return None
        return [SearchHit(pid, as_utc(updated_at), score) for pid, updated_at, score in found]

    def _nearest(
        self,
        vector: Vector,
        limit: int,
        filters: SearchFilters,
        *,
        phrases_version: int | None = None,
        unfiltered: bool = False,
    ) -> list[SearchHit]:
        """The vector arm: an exact scan in memory while there is no ANN index and no column filter (the same
        phrases LanceDB's flat scan finds, a tenth of the time), else LanceDB. ``phrases_version``: the phrase
        table's latest version, if just read; ``unfiltered``: it holds only this namespace's phrases."""
        reader = self.db.reader
        if not (filters.metadata or filters.tags or filters.tools or self.db.has_ann_index):
            rows = reader.phrases.nearest(
                reader, vector, self.namespace, limit * PHRASES_PER_PROCEDURE, version=phrases_version
            )
            if rows is not None:
                return best_per_procedure(rows, limit)
        return reader.run(
            self._vector_hits(vector, limit, filters, exact=False, unfiltered=unfiltered, version=phrases_version)
        )

    def _versions_on_disk(self, *, ann: bool) -> _Known | None:
        """What ``_versions`` reads for a search without column filters whose keyword arm is in memory,
        listed from a local store's folders without a trip to the reader's loop; None when that cannot be
        done. ``ann``: LanceDB serves the vector arm, which needs to know whether the phrase table holds only
        this namespace's rows (checked on the loop once per version of the table)."""
        reader = self.db.reader
        if reader.keywords.oversized:
            return None
        found = reader.versions_on_disk(("search_vectors", "procedures", "procedure_stats"))
        if found is None:
            return None
        phrases_only = reader.known_only("search_vectors", self.namespace, found["search_vectors"]) if ann else False
        if phrases_only is None:
            return None
        return _Known(found["search_vectors"], found["procedures"], procedures_only=False, phrases_only=phrases_only)

    async def _versions(self, filters: SearchFilters, *, in_memory: bool) -> _Known:
        """What the search reads while the query is embedded: the phrase table's version for the vector arm
        (the in-memory matrix, or the handle LanceDB searches), the procedure table's for an in-memory keyword
        arm, the stats table's for the ratings that follow (kept by the reader as recent), and whether the
        tables LanceDB searches hold only this namespace's rows (then its arms need no namespace prefilter)."""
        reader = self.db.reader
        plain = not (filters.metadata or filters.tags or filters.tools)
        keywords_in_memory = plain and not reader.keywords.oversized
        phrases_version, procedures_version, procedures_only, phrases_only, _ = await asyncio.gather(
            reader.version("search_vectors"),
            reader.version("procedures") if keywords_in_memory else _nothing(None),
            reader.holds_only("procedures", self.namespace) if plain and not keywords_in_memory else _nothing(False),
            reader.holds_only("search_vectors", self.namespace) if plain and not in_memory else _nothing(False),
            reader.version("procedure_stats"),
        )
        return _Known(phrases_version, procedures_version, procedures_only, phrases_only)

    def vector_hits(
        self, vector: Vector, limit: int, filters: SearchFilters, *, exact: bool = False
    ) -> list[SearchHit]:
        """Procedures whose search phrases are nearest, best phrase first; ``exact`` skips the ANN index
        (a flat scan, to measure the index's recall)."""
        return self.db.reader.run(self._vector_hits(vector, limit, filters, exact=exact))

    async def _vector_hits(
        self,
        vector: Vector,
        limit: int,
        filters: SearchFilters,
        *,
        exact: bool,
        unfiltered: bool = False,
        version: int | None = None,
    ) -> list[SearchHit]:
        """``version``: the phrase table's latest, if just read."""
        rows_wanted = limit * PHRASES_PER_PROCEDURE
        ef = max(self.db.ann_ef, rows_wanted) if self.db.has_ann_index else None  # HNSW needs ef >= k
        where, only = (None, self.namespace) if unfiltered else (self._filter_sql(filters), "")
        reader = self.db.reader
        rows = await reader.ann_rows(vector, where, rows_wanted, ef=ef, exact=exact, only=only, version=version)
        if rows is None:
            rows = await reader.vector_rows(vector, where, rows_wanted, ef=ef, exact=exact, only=only)
        return best_per_procedure(rows, limit)

    async def _text_hits(
        self, terms: Sequence[str], limit: int, filters: SearchFilters, *, unfiltered: bool = False
    ) -> list[SearchHit]:
        from lancedb.query import MatchQuery

        if not terms:
            return []
        match = MatchQuery(" ".join(terms), "search_text")  # type: ignore[call-arg]
        where, only = (None, self.namespace) if unfiltered else (self._filter_sql(filters), "")
        rows = await self.db.reader.text_rows(match, where, limit, only=only)
        return [SearchHit(row["id"], as_utc(row["updated_at"]), float(row["_score"])) for row in rows]

    def ranking_data(self, versions: dict[str, datetime]) -> tuple[dict[str, Procedure], dict[str, Ratings]]:
        """The procedures (from the process cache when current) and their ratings, in one round trip."""

        async def both() -> tuple[dict[str, Procedure], dict[str, Ratings]]:
            procedures, ratings = await asyncio.gather(self._procedures_at(versions), self._ratings(list(versions)))
            return procedures, ratings

        return self.db.reader.run(both())

    def procedures_at(self, versions: dict[str, datetime]) -> dict[str, Procedure]:
        found = self._cached_procedures(versions)
        if len(found) == len(versions):  # the usual case in a server: no trip to the reader's thread
            return found
        return self.db.reader.run(self._procedures_at(versions))

    def get_ratings(self, procedure_ids: Sequence[str]) -> dict[str, Ratings]:
        # Right after a search (which read the stats version while the query was embedded), from the cache
        # without a trip to the reader's thread when it holds them all.
        version = self.db.reader.recent_version("procedure_stats", RECENT_VERSION_SECONDS)
        if version is not None:
            found, missing = self._cached_ratings(version, procedure_ids)
            if not missing:
                return found
        return self.db.reader.run(self._ratings(procedure_ids))

    def _cached_procedures(self, versions: dict[str, datetime]) -> dict[str, Procedure]:
        cache = self.db.procedure_cache
        found = {}
        for pid, updated_at in versions.items():
            cached = cache.get((self.namespace, pid))
            if cached is not None and cached.updated_at >= updated_at:
                found[pid] = cached
        return found

    async def _procedures_at(self, versions: dict[str, datetime]) -> dict[str, Procedure]:
        found = self._cached_procedures(versions)
        missing = [pid for pid in versions if pid not in found]
        if missing:
            where = f"{self._ns} AND {sql_in('id', missing)}"
            for row in await self.db.reader.rows("procedures", where, PROCEDURE_COLUMNS, len(missing) * 2):
                procedure = row_to_procedure(row)
                self.db.procedure_cache.put((self.namespace, procedure.id), procedure)
                found[procedure.id] = procedure
        return found

    async def _ratings(self, procedure_ids: Sequence[str]) -> dict[str, Ratings]:
        """Ratings change with every rate_procedure (from any process), so the cache holds for one version of
        the stats table: checking the version costs a tenth of fetching the rows."""
        if not procedure_ids:
            return {}
        version = await self.db.reader.version("procedure_stats")
        found, missing = self._cached_ratings(version, procedure_ids)
        if missing:
            where = f"{self._ns} AND {sql_in('id', missing)}"
            rows = await self.db.reader.rows("procedure_stats", where, None, len(missing) * 2)
            fetched = {row["id"]: row_to_ratings(row) for row in rows}
            for pid in missing:
                self.db.ratings_cache.put(version, (self.namespace, pid), fetched.get(pid))
            found.update(fetched)
        return found

    def _cached_ratings(self, version: int, procedure_ids: Sequence[str]) -> tuple[dict[str, Ratings], list[str]]:
        """The ratings cached for ``version`` of the stats table, and the ids it does not know."""
        cache = self.db.ratings_cache
        found: dict[str, Ratings] = {}
        missing: list[str] = []
        for pid in procedure_ids:
            cached = cache.get(version, (self.namespace, pid))
            if cached is None:
                missing.append(pid)
            elif cached.value is not None:
                found[pid] = cached.value
        return found, missing

    def step_failures_of(self, procedure_ids: Sequence[str]) -> dict[str, dict[int, int]]:
        """Failed-step counts of several procedures in one query (step number -> failed runs; ids without
        failures are left out)."""
        if not procedure_ids:
            return {}
        where = f"{self._ns} AND {sql_in('procedure_id', list(procedure_ids))} AND failed_step IS NOT NULL"
        reader = self.db.reader
        rows = reader.run(reader.rows("feedback", where, ["procedure_id", "failed_step"], 1_000_000))
        counts: dict[str, dict[int, int]] = {}
        for row in rows:
            steps = counts.setdefault(row["procedure_id"], {})
            steps[int(row["failed_step"])] = steps.get(int(row["failed_step"]), 0) + 1
        return counts

    def warm_cache(self) -> int:
        """Load every procedure of the namespace, and its ratings, into the process caches if they all fit;
        returns how many procedures.

        A server does this in the background when it starts, so searches rarely fetch procedure or rating rows.
        """
        cache = self.db.procedure_cache
        count = int(self.db.procedures.count_rows(self._ns))
        if count > cache.size:
            return 0
        reader = self.db.reader
        version = reader.run(reader.version("procedure_stats"))
        rows = reader.run(reader.rows("procedures", self._ns, PROCEDURE_COLUMNS, count + 1))
        for row in rows:
            cache.put((self.namespace, row["id"]), row_to_procedure(row))
        ratings = reader.run(reader.rows("procedure_stats", self._ns, None, count + 1))
        found = {row["id"]: row_to_ratings(row) for row in ratings}
        self.db.ratings_cache.fill(version, [((self.namespace, row["id"]), found.get(row["id"])) for row in rows])
        return len(rows)

    def warm_search(self) -> None:
        """Run each arm once (any vector, any word): opens the async tables and loads their indexes, which
        a server does as it starts, so its first find_procedure does not wait for them."""
        probe = [0.0] * self.db.dimensions
        probe[0] = 1.0
        self.search(lambda: probe, ["procedure"], 1, SearchFilters())
        self.db.reader.run(self.db.reader.version("procedure_stats"))

    def vector_search(self, vector: Vector, limit: int, filters: SearchFilters) -> list[Candidate]:
        hits = self.vector_hits(vector, limit, filters)
        procedures = self.procedures_at({h.procedure_id: h.updated_at for h in hits})
        return [
            Candidate(procedures[h.procedure_id], rank, h.score)
            for rank, h in enumerate(hits, start=1)
            if h.procedure_id in procedures
        ]

    def _filter_sql(self, filters: SearchFilters) -> str:
        clauses = [self._ns]
        if filters.metadata:
            clauses.append(f"array_has_all(metadata_kv, {sql_list(metadata_tokens(filters.metadata))})")
        if filters.tags:
            clauses.append(f"array_has_all(tags, {sql_list(filters.tags)})")
        if filters.tools:
            clauses.append(f"array_has_all(tools, {sql_list(filters.tools)})")
        return " AND ".join(clauses)
