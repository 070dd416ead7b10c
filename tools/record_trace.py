"""``record_trace``: accept a session trace in any supported format and queue it for extraction."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from deftly.tools.errors import DeftlyError, InvalidInput
from deftly.tools.formats import parse_history
from deftly.tools.formats.builder import to_datetime
from deftly.tools.formats.document import History
from deftly.tools.limits import DEFAULT_LIMITS, Limits, check_history_depth, check_turns
from deftly.tools.models import MetadataValue, Outcome, TraceRecord, TraceStatus
from deftly.tools.ports import TraceStore
from deftly.tools.secrets import SECRET, Scrubber, is_sensitive_key, safe_session_id, scrub_trace
from deftly.tools.trace import Trace

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


@dataclass(frozen=True)
class RecordRequest:
    """One trace to record, as record_trace's arguments."""

    history: History
    format: str | None = None
    title: str | None = None
    session_id: str | None = None
    metadata: dict[str, Any] | None = None
    outcome: Outcome | None = None
    date: str | datetime | None = None


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
    max_bytes: int = DEFAULT_LIMITS.trace_bytes,
    limits: Limits = DEFAULT_LIMITS,
) -> RecordResult:
    """Parse, scrub and store a trace as ``pending``; the caller's worker extracts it later.

    ``max_bytes`` bounds the history's size; ``limits`` its turns and nesting (its ``trace_bytes`` is not read).

    Raises:
        FormatError, TraceTooLarge, InvalidInput: the input is unusable; nothing is stored.
    """
    request = RecordRequest(history, format, title, session_id, metadata, outcome, date)
    record, trace = prepare(store.namespace, request, now=now, max_bytes=max_bytes, limits=limits)
    return _outcome(store, record, trace, store.put_trace(record, trace))


def record_many(
    store: TraceStore,
    requests: list[RecordRequest],
    *,
    now: datetime,
    max_bytes: int = DEFAULT_LIMITS.trace_bytes,
    limits: Limits = DEFAULT_LIMITS,
) -> list[RecordResult | DeftlyError]:
    """Record several traces with one write; a request that is unusable yields its error, in place."""
    prepared: list[tuple[TraceRecord, Trace] | DeftlyError] = []
    for request in requests:
        try:
            prepared.append(prepare(store.namespace, request, now=now, max_bytes=max_bytes, limits=limits))
        except DeftlyError as exc:
            prepared.append(exc)
    valid = [p for p in prepared if not isinstance(p, DeftlyError)]
    changes = iter(store.put_traces(valid))
    return [p if isinstance(p, DeftlyError) else _outcome(store, *p, next(changes)) for p in prepared]


def prepare(
    namespace: str, request: RecordRequest, *, now: datetime, max_bytes: int, limits: Limits = DEFAULT_LIMITS
) -> tuple[TraceRecord, Trace]:
    """Validate, parse and scrub one request into the record and trace to store.

    Nothing unscrubbed leaves this function: metadata, title, every turn and the session id (which becomes
    ``session-<hash>`` when it holds a secret, the same hash each time, so re-sending updates the same trace).
    """
    if request.session_id is not None and not request.session_id.strip():
        raise InvalidInput("session_id is blank; send a non-empty id or omit it.")
    scrubber = Scrubber()
    clean_metadata = validate_metadata(request.metadata or {}, scrubber)
    title = scrubber.text(request.title) if request.title else None
    when = _parse_date(request.date)
    if not isinstance(request.history, str) or len(request.history) <= max_bytes:  # else parsing says it is too big
        check_history_depth(request.history, limits.json_depth)
    parsed = parse_history(request.history, request.format, max_bytes=max_bytes)
    check_turns(len(parsed.turns) + sum(len(chain) for chain in parsed.sidechains), limits.trace_turns)
    trace = scrub_trace(parsed, known=scrubber.found)
    content = trace.model_dump_json(exclude_none=True)
    content_hash = hashlib.sha256(content.encode("utf-8")).hexdigest()
    session = safe_session_id(request.session_id) if request.session_id else None
    session = session or trace.session_id or f"sess_{content_hash[:16]}"
    record = TraceRecord(
        resource_id=trace_resource_id(namespace, session),
        namespace=namespace,
        session_id=session,
        format=trace.format,
        title=title or trace.title,
        metadata=clean_metadata,
        outcome=request.outcome,
        date=when or trace.started_at,
        status="pending",
        content_hash=content_hash,
        created_at=now,
        updated_at=now,
    )
    return record, trace


def _outcome(store: TraceStore, record: TraceRecord, trace: Trace, change: str) -> RecordResult:
    counts = trace.counts()
    if change == "unchanged":
        existing = store.get_trace(record.resource_id) or record
        return _result(existing, counts, f"Unchanged since it was recorded; status is {existing.status}.")
    verb = "Recorded" if change == "inserted" else "Updated"
    message = f"{verb}; extraction runs in the background. Read trace://{record.resource_id} for the result."
    return _result(record, counts, message)


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


def validate_metadata(metadata: dict[str, Any], scrubber: Scrubber | None = None) -> dict[str, MetadataValue]:
    """Checked and scrubbed metadata; secrets under secret-named keys are given to ``scrubber`` to mask in the
    trace too."""
    scrubber = scrubber or Scrubber()
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
        if is_sensitive_key(key) and isinstance(value, str) and value:
            scrubber.remember(value)
            value = SECRET
        clean[key] = scrubber.text(value) if isinstance(value, str) else value
    return clean


def _parse_date(date: str | datetime | None) -> datetime | None:
    if date is None or date == "":
        return None
    parsed = to_datetime(date)
    if parsed is None:
        raise InvalidInput(f"date {date!r} is not an ISO 8601 date; send e.g. '2026-11-21' or '2026-11-21T14:05:00Z'.")
    return parsed
