"""Arrow schemas of deftly's LanceDB tables, and the SQL literal helpers used against them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pyarrow as pa

SCHEMA_VERSION = 1

TIMESTAMP = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())

TRACES = pa.schema(
    [
        pa.field("resource_id", pa.string(), nullable=False),
        pa.field("namespace", pa.string(), nullable=False),
        pa.field("session_id", pa.string(), nullable=False),
        pa.field("format", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("metadata", pa.string(), nullable=False),
        pa.field("outcome", pa.string()),
        pa.field("date", TIMESTAMP),
        pa.field("status", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("procedure_ids", STRINGS, nullable=False),
        pa.field("content", pa.string(), nullable=False),
        pa.field("created_at", TIMESTAMP, nullable=False),
        pa.field("updated_at", TIMESTAMP, nullable=False),
    ]
)


def procedures_schema(dimensions: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("namespace", pa.string(), nullable=False),
            pa.field("title", pa.string(), nullable=False),
            pa.field("search_text", pa.string(), nullable=False),
            pa.field("body", pa.string(), nullable=False),
            pa.field("tags", STRINGS, nullable=False),
            pa.field("tools", STRINGS, nullable=False),
            pa.field("metadata_kv", STRINGS, nullable=False),
            pa.field("sources", STRINGS, nullable=False),
            pa.field("signatures", STRINGS, nullable=False),
            pa.field("version", pa.int32(), nullable=False),
            pa.field("created_at", TIMESTAMP, nullable=False),
            pa.field("updated_at", TIMESTAMP, nullable=False),
            pa.field("vector", pa.list_(pa.float32(), dimensions), nullable=False),
        ]
    )


def search_vectors_schema(dimensions: int) -> pa.Schema:
    """One row per searchable phrase of a procedure, with the procedure's filter columns copied in."""
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("namespace", pa.string(), nullable=False),
            pa.field("kind", pa.string(), nullable=False),
            pa.field("text", pa.string(), nullable=False),
            pa.field("updated_at", TIMESTAMP, nullable=False),
            pa.field("tags", STRINGS, nullable=False),
            pa.field("tools", STRINGS, nullable=False),
            pa.field("metadata_kv", STRINGS, nullable=False),
            pa.field("vector", pa.list_(pa.float32(), dimensions), nullable=False),
        ]
    )


# A procedure's review state lives with its counters: both change only through SQL updates, and every
# process's ratings cache is keyed by this table's version. Nullable (older tables get them on open): a
# null state is a candidate.
REVIEW_FIELDS = [
    pa.field("state", pa.string()),
    pa.field("state_reason", pa.string()),
    pa.field("state_changed_at", TIMESTAMP),
    pa.field("rated_at_state_change", pa.int64()),
]

# The last rating events counted into a stats row: a counter update re-applied after a commit whose success
# went unreported (an S3 conditional PUT stored, its reply lost, the write retried) then finds its event and
# changes nothing.
RATING_GUARD_FIELDS = [pa.field("rated_events", pa.list_(pa.string()))]
STATS_ADDED_FIELDS = [*REVIEW_FIELDS, *RATING_GUARD_FIELDS]

PROCEDURE_STATS = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("namespace", pa.string(), nullable=False),
        pa.field("successes", pa.int64(), nullable=False),
        pa.field("failures", pa.int64(), nullable=False),
        pa.field("recent_successes", pa.float64(), nullable=False),
        pa.field("recent_failures", pa.float64(), nullable=False),
        pa.field("last_rated_at", TIMESTAMP),
        *STATS_ADDED_FIELDS,
    ]
)

FEEDBACK = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("procedure_id", pa.string(), nullable=False),
        pa.field("namespace", pa.string(), nullable=False),
        pa.field("success", pa.bool_(), nullable=False),
        pa.field("notes", pa.string()),
        pa.field("failed_step", pa.int32()),
        pa.field("created_at", TIMESTAMP, nullable=False),
    ]
)

PROCEDURE_VERSIONS = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("namespace", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("snapshot", pa.string(), nullable=False),
        pa.field("created_at", TIMESTAMP, nullable=False),
    ]
)

META = pa.schema([pa.field("key", pa.string(), nullable=False), pa.field("value", pa.string(), nullable=False)])


def sql_str(value: str) -> str:
    """A SQL string literal; single quotes are doubled, so any value is safe to embed."""
    return "'" + value.replace("'", "''") + "'"


def sql_timestamp(value: datetime) -> str:
    return f"arrow_cast({sql_str(value.isoformat())}, 'Timestamp(Microsecond, Some(\"UTC\"))')"


def sql_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(sql_str(v) for v in values) + "]"


def sql_in(column: str, values: Iterable[str]) -> str:
    items = list(values)
    if not items:
        return "FALSE"
    return f"{column} IN ({', '.join(sql_str(v) for v in items)})"
