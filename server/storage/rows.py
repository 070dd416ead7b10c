"""Conversions between deftly's models and LanceDB rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from deftly.tools.models import MetadataValue, Procedure, Ratings, TraceRecord
from deftly.tools.render import search_document

_BODY_FIELDS = {"when_to_use", "parameters", "steps", "pitfalls", "metadata", "examples", "asked", "goal"}


def metadata_tokens(metadata: dict[str, MetadataValue]) -> list[str]:
    """``key=value`` strings, so exact-match metadata filters run inside LanceDB."""
    return [f"{key}={metadata_value_text(value)}" for key, value in sorted(metadata.items())]


def metadata_value_text(value: MetadataValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def procedure_to_row(procedure: Procedure, vector: list[float]) -> dict[str, Any]:
    body = procedure.model_dump(mode="json", include=_BODY_FIELDS)
    return {
        "id": procedure.id,
        "namespace": procedure.namespace,
        "title": procedure.title,
        "search_text": search_document(procedure),
        "body": json.dumps(body, ensure_ascii=False),
        "tags": list(procedure.tags),
        "tools": list(procedure.tools),
        "metadata_kv": metadata_tokens(procedure.metadata),
        "sources": list(procedure.sources),
        "signatures": list(procedure.signatures),
        "version": procedure.version,
        "created_at": procedure.created_at,
        "updated_at": procedure.updated_at,
        "vector": vector,
    }


def row_to_procedure(row: dict[str, Any]) -> Procedure:
    body = json.loads(row["body"])
    return Procedure(
        id=row["id"],
        namespace=row["namespace"],
        title=row["title"],
        tags=list(row["tags"] or []),
        tools=list(row["tools"] or []),
        sources=list(row["sources"] or []),
        signatures=list(row["signatures"] or []),
        version=int(row["version"]),
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
        **body,
    )


def row_to_ratings(row: dict[str, Any]) -> Ratings:
    """A stats row; the review columns are null on rows older than them (a candidate, never reviewed)."""
    values = {k: v for k, v in row.items() if v is not None}
    return Ratings.model_validate(values)


def trace_to_row(record: TraceRecord, content: str) -> dict[str, Any]:
    row = record.model_dump(exclude={"metadata"})
    row["metadata"] = json.dumps(record.metadata, ensure_ascii=False)
    row["content"] = content
    return row


def row_to_trace_record(row: dict[str, Any]) -> TraceRecord:
    values = {k: v for k, v in row.items() if k not in {"content", "_distance", "_score", "_rowid"}}
    values["metadata"] = json.loads(values["metadata"])
    values["procedure_ids"] = list(values["procedure_ids"] or [])
    for key in ("created_at", "updated_at", "date"):
        if values.get(key) is not None:
            values[key] = as_utc(values[key])
    return TraceRecord.model_validate(values)


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
