"""The review gate: a procedure is a ``candidate`` when learned, ``approved`` by a person (or, if allowed, an
agent), ``retired`` when rejected or when its ratings stay low. Which of them may be served depends on the
review setting (``DEFTLY_REVIEW``):

- ``off`` (default): every procedure but a retired one is served, as before reviews existed;
- ``required``: only approved procedures are served (find_procedure, prompts, resources, skills);
- ``agents``: as ``required``, and agents may approve or reject through the ``review_procedure`` tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from deftly.tools.errors import InvalidInput, ProcedureNotFound
from deftly.tools.models import Procedure, ProcedureState, Ratings, Stats
from deftly.tools.ports import ProcedureStore

ReviewMode = Literal["off", "required", "agents"]
ReviewAction = Literal["approve", "reject", "restore"]


class ReviewSettings(Protocol):
    @property
    def review(self) -> ReviewMode: ...


def servable_state(state: ProcedureState, review: ReviewMode) -> bool:
    if state == "retired":
        return False
    return review == "off" or state == "approved"


def servable(procedure: Procedure, settings: ReviewSettings) -> bool:
    """Whether ``procedure`` may be served (found, listed, offered as a prompt, resource or skill)."""
    return servable_state(procedure.state, settings.review)


@dataclass(frozen=True)
class RetirePolicy:
    """A procedure is retired automatically once it has been rated at least ``min_ratings`` times since its
    state last changed (a restore starts the count again) and its success rate is still below
    ``max_success_rate`` -- whatever its state, approved included."""

    min_ratings: int = 5
    max_success_rate: float = 0.3

    def due(self, ratings: Ratings, stats: Stats) -> bool:
        rated = ratings.successes + ratings.failures - ratings.rated_at_state_change
        return ratings.state != "retired" and rated >= self.min_ratings and stats.success_rate < self.max_success_rate

    def reason(self, stats: Stats) -> str:
        runs = stats.successes + stats.failures
        return (
            f"retired automatically: success rate {stats.success_rate:.0%} after {runs} rated run(s) "
            f"(below {self.max_success_rate:.0%} after {self.min_ratings} or more)"
        )


class ReviewResult(BaseModel):
    id: str
    state: ProcedureState
    message: str = Field(description="What changed.")


_TRANSITIONS: dict[ReviewAction, tuple[ProcedureState, tuple[ProcedureState, ...]]] = {
    "approve": ("approved", ("candidate", "retired")),
    "reject": ("retired", ("candidate", "approved")),
    "restore": ("candidate", ("retired",)),
}


def review_procedure(
    store: ProcedureStore, procedure_id: str, action: ReviewAction, *, now: datetime, reason: str = ""
) -> ReviewResult:
    """Approve, reject (retire, with a reason) or restore a procedure.

    Raises:
        ProcedureNotFound: no such id in this namespace.
        InvalidInput: the procedure is already in the state the action leads to.
    """
    procedure = store.get_procedure(procedure_id.strip())
    if procedure is None:
        raise ProcedureNotFound(procedure_id, store.namespace)
    target, sources = _TRANSITIONS[action]
    if procedure.state not in sources:
        raise InvalidInput(
            f"procedure {procedure.id!r} is {procedure.state}; only a {' or '.join(sources)} "
            f"procedure can be {_PAST[action]}."
        )
    why = " ".join(reason.split())[:300] or f"{_PAST[action]} by review"
    if not store.set_state(procedure.id, target, why, now=now, only_from=sources):
        raise InvalidInput(f"procedure {procedure.id!r} changed state meanwhile; look at it again.")
    return ReviewResult(id=procedure.id, state=target, message=f"{procedure.id} is now {target} ({why}).")


_PAST: dict[ReviewAction, str] = {"approve": "approved", "reject": "rejected", "restore": "restored"}
