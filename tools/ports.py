"""The two things the domain needs from the outside world: an embedder and a store.

``deftly.server`` provides the real ones (fastembed, LanceDB). Everything in
``deftly.tools`` takes them as arguments, so it is testable without a server.
A store is bound to one namespace: every read and write it does is scoped to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from deftly.tools.models import FeedbackEvent, Procedure, ProcedureState, Ratings, TraceRecord, TraceStatus
from deftly.tools.trace import Trace

Vector = list[float]
TraceChange = Literal["inserted", "updated", "unchanged"]


class Embedder(Protocol):
    @property
    def dimensions(self) -> int: ...

    @property
    def model_name(self) -> str: ...

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]: ...

    def embed_query(self, text: str) -> Vector: ...


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied inside the store, before ranking."""

    metadata: dict[str, str | int | float | bool] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phrase:
    """One way an agent may ask for a procedure (its title, when to use it, a past request), embedded."""

    kind: str
    text: str
    vector: Vector


@dataclass(frozen=True)
class Embedding:
    """A procedure's vectors: one for the whole (to recognise duplicates), one per searchable phrase."""

    vector: Vector
    phrases: tuple[Phrase, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """A procedure one search arm found, with that arm's score and the version it indexed."""

    procedure_id: str
    updated_at: datetime
    score: float


@dataclass(frozen=True)
class Candidate:
    """A procedure found by vector search, with its similarity."""

    procedure: Procedure
    rank: int
    score: float


@dataclass(frozen=True)
class TraceUpdate:
    """The outcome of extracting one trace, from the content that was extracted (``content_hash``): if the
    session was re-sent meanwhile, the outcome is stale and is not recorded."""

    resource_id: str
    content_hash: str
    status: TraceStatus
    reason: str = ""
    procedure_ids: tuple[str, ...] = ()


class TraceStore(Protocol):
    namespace: str

    def get_trace(self, resource_id: str) -> TraceRecord | None: ...

    def load_trace(self, resource_id: str) -> Trace: ...

    def put_trace(self, record: TraceRecord, trace: Trace) -> TraceChange:
        """Insert, or replace when its content changed (or its extraction failed); say which happened."""
        ...

    def put_traces(self, items: Sequence[tuple[TraceRecord, Trace]]) -> list[TraceChange]:
        """``put_trace`` for several traces, in one write."""
        ...

    def set_trace_statuses(self, updates: Sequence[TraceUpdate]) -> None: ...


class ProcedureStore(Protocol):
    namespace: str

    def get_procedure(self, procedure_id: str) -> Procedure | None: ...

    def get_ratings(self, procedure_ids: Sequence[str]) -> dict[str, Ratings]: ...

    def step_failures(self, procedure_id: str) -> dict[int, int]: ...

    def step_failures_of(self, procedure_ids: Sequence[str]) -> dict[str, dict[int, int]]:
        """``step_failures`` of several procedures at once; ids without failures may be left out."""
        ...

    def search(
        self, embed: Callable[[], Vector], terms: Sequence[str], limit: int, filters: SearchFilters
    ) -> tuple[list[SearchHit], list[SearchHit]]:
        """(vector hits, keyword hits); the keyword search may run while ``embed`` computes the vector."""
        ...

    def ranking_data(self, versions: dict[str, datetime]) -> tuple[dict[str, Procedure], dict[str, Ratings]]:
        """The procedures with these ids (each at least as new as the version given) and their ratings."""
        ...

    def vector_hits(self, vector: Vector, limit: int, filters: SearchFilters) -> list[SearchHit]:
        """Procedures whose phrases are nearest to ``vector``; a hit's score is its best phrase's similarity."""
        ...

    def procedures_at(self, versions: dict[str, datetime]) -> dict[str, Procedure]:
        """The procedures with these ids (each at least as new as the version given)."""
        ...

    def vector_search(self, vector: Vector, limit: int, filters: SearchFilters) -> list[Candidate]:
        """``vector_hits`` with their procedures."""
        ...

    def add_procedures(self, items: Sequence[tuple[Procedure, Embedding]]) -> None: ...

    def update_procedures(self, items: Sequence[tuple[Procedure, Embedding, Procedure | None]]) -> None:
        """Replace procedures; each ``previous`` given is kept as an older version."""
        ...

    def merge_candidates(self, limit: int) -> list[tuple[Procedure, Vector]] | None:
        """Every procedure with its vector, or None when there are more than ``limit``."""
        ...

    def record_feedback(self, event: FeedbackEvent) -> None: ...

    def feedback(self, procedure_id: str, limit: int) -> list[FeedbackEvent]:
        """The latest rating events that carry notes, newest first (distinct notes)."""
        ...

    def set_state(
        self,
        procedure_id: str,
        state: ProcedureState,
        reason: str,
        *,
        now: datetime,
        only_from: Sequence[ProcedureState] = ("candidate", "approved", "retired"),
        min_rated_since_change: int = 0,
    ) -> bool:
        """Change the review state in one conditional update; whether it changed."""
        ...

    def procedures_in_state(self, states: Sequence[ProcedureState], limit: int) -> list[tuple[Procedure, Ratings]]:
        """Procedures in any of ``states``, with their ratings and review record."""
        ...

    def get_version(self, procedure_id: str, version: int) -> Procedure | None: ...

    def list_versions(self, procedure_id: str) -> list[int]: ...

    def list_procedures(self, limit: int, offset: int = 0) -> list[Procedure]: ...

    def count_procedures(self) -> int: ...


class Store(TraceStore, ProcedureStore, Protocol):
    """A namespace-scoped store of traces and procedures."""
