"""``record_trace``: accept a session trace in any supported format and queue it for extraction."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from deftly.tools.errors import InvalidInput
from deftly.tools.formats import parse_history
from deftly.tools.formats.builder import to_datetime
from deftly.tools.formats.document import History
from deftly.tools.models import MetadataValue, Outcome, TraceRecord, TraceStatus
from deftly.tools.ports import TraceStore
from deftly.tools.secrets import SECRET, is_sensitive_key, scrub_text, scrub_trace

_METADATA_KEY = re.compile(r"^[A-Za-z0-9_]{1,64}$")
MAX_METADATA_KEYS = 50


class RecordResult(BaseModel):
    """What happened to a recorded trace."""

    resource_id: str = Field(description="Id of the stored trace; read trace://{resource_id} for its status.")
    status: TraceStatus
    format: str = Field(description="The format the history was read as.")
    session_id: str
    turns: int
    tool_calls: int
    failed_calls: int
    message: str = Field(description="What happens next.")


def record_trace(
    store: TraceStore,
    history: History,
    *,
    now: datetime,
    format: str | None = None,
    title: str | None = None,
    session_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    outcome: Outcome | None = None,
    date: str | datetime | None = None,
    max_bytes: int = 20 * 1024 * 1024,
) -> RecordResult:
    """Parse, scrub and store a trace as ``pending``; the caller's worker extracts it later.

    Raises:
        FormatError, TraceTooLarge, InvalidInput: the input is unusable; nothing is stored.
    """
    clean_metadata = validate_metadata(metadata or {})
    when = _parse_date(date)
    trace = scrub_trace(parse_history(history, format, max_bytes=max_bytes))
    content = trace.model_dump_json(exclude_none=True)
    content_hash = hashlib.sha256(content.encode("utf-8")).hexdigest()
    session = (session_id or trace.session_id or f"sess_{content_hash[:16]}").strip()
    resource_id = trace_resource_id(store.namespace, session)
    counts = trace.counts()
    existing = store.get_trace(resource_id)
    if existing is not None and existing.content_hash == content_hash and existing.status != "failed":
        return _result(existing, counts, f"Unchanged since it was recorded; status is {existing.status}.")
    record = TraceRecord(
        resource_id=resource_id,
        namespace=store.namespace,
        session_id=session,
        format=trace.format,
        title=scrub_text(title) if title else trace.title,
        metadata=clean_metadata,
        outcome=outcome,
        date=when or trace.started_at,
        status="pending",
        content_hash=content_hash,
        created_at=existing.created_at if existing else now,
        updated_at=now,
    )
    store.put_trace(record, trace)
    verb = "Updated" if existing else "Recorded"
    return _result(
        record, counts, f"{verb}; extraction runs in the background. Read trace://{resource_id} for the result."
    )


def _result(record: TraceRecord, counts: dict[str, int], message: str) -> RecordResult:
    return RecordResult(
        resource_id=record.resource_id,
        status=record.status,
        format=record.format,
        session_id=record.session_id,
        turns=counts["turns"],
        tool_calls=counts["tool_calls"],
        failed_calls=counts["failed_calls"],
        message=message,
    )


def trace_resource_id(namespace: str, session_id: str) -> str:
    """Stable per (namespace, session): re-sending a session updates the same trace."""
    digest = hashlib.sha256(f"{namespace}\0{session_id}".encode()).hexdigest()
    return f"tr_{digest[:20]}"


def validate_metadata(metadata: dict[str, Any]) -> dict[str, MetadataValue]:
    if len(metadata) > MAX_METADATA_KEYS:
        raise InvalidInput(f"metadata has {len(metadata)} keys; send at most {MAX_METADATA_KEYS}.")
    clean: dict[str, MetadataValue] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not _METADATA_KEY.match(key):
            raise InvalidInput(
                f"metadata key {key!r} is invalid: use 1-64 letters, digits or underscores (e.g. 'project_name')."
            )
        if not isinstance(value, str | int | float | bool):
            raise InvalidInput(
                f"metadata[{key!r}] is a {type(value).__name__}; values must be a string, number or boolean."
            )
        if is_sensitive_key(key) and isinstance(value, str):
            value = SECRET
        clean[key] = scrub_text(value) if isinstance(value, str) else value
    return clean


def _parse_date(date: str | datetime | None) -> datetime | None:
    if date is None or date == "":
        return None
    parsed = to_datetime(date)
    if parsed is None:
        raise InvalidInput(f"date {date!r} is not an ISO 8601 date; send e.g. '2026-11-21' or '2026-11-21T14:05:00Z'.")
    return parsed
