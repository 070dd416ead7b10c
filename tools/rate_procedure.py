"""``rate_procedure``: report whether following a procedure worked, so ranking learns from use."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from deftly.tools.errors import InvalidInput, ProcedureNotFound
from deftly.tools.limits import PROCEDURE_ID_HINT, require_id
from deftly.tools.models import FeedbackEvent, Ratings, Stats
from deftly.tools.ports import ProcedureStore
from deftly.tools.ranking import stats_for
from deftly.tools.review import RetirePolicy
from deftly.tools.secrets import scrub_text

MAX_NOTES_CHARS = 2000


class RateResult(BaseModel):
    id: str
    stats: Stats
    message: str = Field(description="What changed.")


def rate_procedure(
    store: ProcedureStore,
    procedure_id: str,
    success: bool,
    *,
    now: datetime,
    notes: str | None = None,
    failed_step: int | None = None,
    retire: RetirePolicy | None = None,
) -> RateResult:
    """Record one run's outcome. Counters change atomically, so concurrent raters lose nothing.

    Notes are kept as feedback, apart from the procedure (get_procedure quotes them); they never become
    steps or pitfalls. A procedure whose ratings stay low is retired (``RetirePolicy``).

    Raises:
        ProcedureNotFound: no such id in this namespace.
        InvalidInput: ``failed_step`` is not a step of the procedure, or given with success=True.
    """
    procedure = store.get_procedure(require_id(procedure_id, "the procedure id", PROCEDURE_ID_HINT))
    if procedure is None:
        raise ProcedureNotFound(procedure_id, store.namespace)
    if failed_step is not None:
        if success:
            raise InvalidInput("failed_step only makes sense with success=false; drop it or set success=false.")
        if not 1 <= failed_step <= len(procedure.steps):
            raise InvalidInput(
                f"failed_step {failed_step} is out of range: {procedure.id!r} has steps 1-{len(procedure.steps)}."
            )
    clean_notes = scrub_text(notes.strip())[:MAX_NOTES_CHARS] if notes and notes.strip() else None
    event = FeedbackEvent(
        procedure_id=procedure.id,
        namespace=store.namespace,
        success=success,
        notes=clean_notes,
        failed_step=failed_step,
        created_at=now,
    )
    store.record_feedback(event)
    ratings = store.get_ratings([procedure.id]).get(procedure.id)
    stats = stats_for(procedure, ratings, store.step_failures(procedure.id) if not success else None)
    outcome = "success" if success else "failure" + (f" at step {failed_step}" if failed_step else "")
    message = (
        f"Recorded a {outcome}; success rate is now {stats.success_rate:.0%} over "
        f"{stats.successes + stats.failures} rated run(s)."
    )
    if ratings is not None and _retired(store, procedure.id, ratings, stats, retire or RetirePolicy(), now):
        message += " It kept failing, so it was retired: find_procedure no longer offers it."
    return RateResult(id=procedure.id, stats=stats, message=message)


def _retired(
    store: ProcedureStore, procedure_id: str, ratings: Ratings, stats: Stats, policy: RetirePolicy, now: datetime
) -> bool:
    if not policy.due(ratings, stats):
        return False
    return store.set_state(
        procedure_id,
        "retired",
        policy.reason(stats),
        now=now,
        only_from=("candidate", "approved"),
        min_rated_since_change=policy.min_ratings,
    )
