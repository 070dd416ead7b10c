"""``get_procedure``: one procedure in full — steps, parameters, pitfalls, sources, stats, versions."""

from __future__ import annotations

from pydantic import Field

from deftly.tools.errors import InvalidInput, ProcedureNotFound
from deftly.tools.limits import PROCEDURE_ID_HINT, require_id
from deftly.tools.models import Procedure, Stats
from deftly.tools.ports import ProcedureStore
from deftly.tools.ranking import stats_for
from deftly.tools.render import render_markdown

MAX_REPORTED_PITFALLS = 5


class ProcedureDetail(Procedure):
    stats: Stats
    versions: list[int] = Field(description="Earlier versions kept; pass version= to read one.")
    reported_pitfalls: list[str] = Field(
        default_factory=list, description="Notes agents left with rate_procedure (newest first)."
    )


def get_procedure(store: ProcedureStore, procedure_id: str, version: int | None = None) -> ProcedureDetail:
    """The procedure with its stats; ``version`` reads an earlier version.

    Raises:
        ProcedureNotFound: no such id in this namespace.
        InvalidInput: the version does not exist.
    """
    current = store.get_procedure(require_id(procedure_id, "the procedure id", PROCEDURE_ID_HINT))
    if current is None:
        raise ProcedureNotFound(procedure_id, store.namespace)
    versions = store.list_versions(current.id)
    procedure = current
    if version is not None and version != current.version:
        older = store.get_version(current.id, version)
        if older is None:
            known = ", ".join(str(v) for v in [*versions, current.version])
            raise InvalidInput(f"procedure {current.id!r} has no version {version}; versions: {known}.")
        procedure = older
    ratings = store.get_ratings([current.id]).get(current.id)
    stats = stats_for(current, ratings, store.step_failures(current.id))
    notes = store.feedback_notes(current.id, MAX_REPORTED_PITFALLS)
    text = render_markdown(procedure, stats)
    if notes:
        text += "\nReported by agents:\n" + "\n".join(f"- {note}" for note in notes)
    return ProcedureDetail(
        **procedure.model_dump(exclude={"text"}),
        text=text,
        stats=stats,
        versions=versions,
        reported_pitfalls=notes,
    )
