"""The state of a recorded trace, as the ``trace://`` resource shows it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from deftly.tools.errors import TraceNotFound
from deftly.tools.limits import require_id
from deftly.tools.models import MetadataValue, Outcome, TraceStatus
from deftly.tools.ports import TraceStore


class TraceStatusView(BaseModel):
    resource_id: str
    session_id: str
    status: TraceStatus
    reason: str = Field(description="What extraction did or why it skipped or failed.")
    format: str
    title: str | None
    outcome: Outcome | None
    procedure_ids: list[str]
    metadata: dict[str, MetadataValue]
    created_at: datetime
    updated_at: datetime


def trace_status(store: TraceStore, resource_id: str) -> TraceStatusView:
    record = store.get_trace(
        require_id(resource_id, "the trace resource id", "pass the resource_id record_trace returned.")
    )
    if record is None:
        raise TraceNotFound(resource_id, store.namespace)
    return TraceStatusView.model_validate(record.model_dump())
