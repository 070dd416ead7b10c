"""Procedures and the records deftly stores about traces and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

TraceStatus = Literal["pending", "processing", "completed", "failed", "skipped"]
Outcome = Literal["success", "failure"]
ProcedureState = Literal["candidate", "approved", "retired"]
MetadataValue = str | int | float | bool


class Parameter(BaseModel):
    """A placeholder a procedure is instantiated with, e.g. ``{reservation_id}``."""

    name: str = Field(description="Placeholder name, used as {name} in the title and steps.")
    description: str = Field(description="What the value is and where it comes from.")
    kind: str = Field(description="Value type: id, email, date, amount, name, path, url, ip, number or text.")
    example: str = Field(description="A redacted example of the value's shape, never a real value.")
    source: str = Field(default="request", description="'request' (the user gives it) or 'step N' (an earlier result).")


class Step(BaseModel):
    """One numbered step of a procedure."""

    action: str = Field(description="Imperative description of the step.")
    tool: str | None = Field(default=None, description="The tool the step calls, if any.")
    arguments: dict[str, Any] = Field(default_factory=dict, description="Arguments: {placeholders} and literal values.")
    produces: list[str] = Field(default_factory=list, description="Placeholders later steps take from here.")
    decision: str | None = Field(default=None, description="A decision point: 'If ..., then ...'.")
    optional: bool = Field(default=False, description="Only some runs needed this step.")
    sources: list[str] = Field(
        default_factory=list,
        description="The calls it was learned from, as '<session id>#<call id>' (a few, capped on merge).",
    )


class Ratings(BaseModel):
    """The per-procedure record the store updates with SQL only: rating counters and the review state."""

    successes: int = 0
    failures: int = 0
    recent_successes: float = Field(default=0.0, description="Exponentially decayed count of recent successes.")
    recent_failures: float = Field(default=0.0, description="Exponentially decayed count of recent failures.")
    last_rated_at: datetime | None = None
    state: ProcedureState = "candidate"
    state_reason: str = Field(default="", description="Why the procedure is in its state (a retirement's reason).")
    state_changed_at: datetime | None = None
    rated_at_state_change: int = Field(
        default=0, description="Ratings (successes + failures) when the state last changed: auto-retirement counts on."
    )


class Stats(BaseModel):
    """How a procedure has worked: evidence from traces and ratings from agents."""

    evidence: int = Field(description="Distinct sessions the procedure was learned from or confirmed by.")
    successes: int = 0
    failures: int = 0
    success_rate: float = Field(description="Posterior mean of the success probability (Beta-Bernoulli).")
    needs_review: bool = False
    step_failures: dict[int, int] = Field(default_factory=dict, description="Step number -> failed runs.")
    last_confirmed_at: datetime | None = Field(
        default=None, description="Last time a trace or a rating confirmed the procedure."
    )


class Procedure(BaseModel):
    """A reusable procedure: an imperative title and numbered steps with placeholders."""

    id: str
    namespace: str = "default"
    title: str
    when_to_use: str = ""
    parameters: list[Parameter] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    pitfalls: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list, description="Tools the steps call, in order of first use.")
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)
    goal: str = Field(
        default="",
        description="What the user wanted (generalized), as its first source asked it: recognises the same task.",
    )
    examples: list[str] = Field(
        default_factory=list, description="Generalized requests of every source run, whole (for search)."
    )
    asked: list[str] = Field(
        default_factory=list,
        description="Everything each source run's user asked for, generalized (for keyword search).",
    )
    sources: list[str] = Field(default_factory=list, description="Session ids the procedure was learned from.")
    signatures: list[str] = Field(
        default_factory=list, description="Generalized tool sequences seen for it, used to merge duplicates."
    )
    version: int = 1
    state: ProcedureState = Field(
        default="candidate",
        description="Review state: candidate (learned, not reviewed), approved, or retired (hidden from search).",
    )
    created_at: datetime
    updated_at: datetime
    text: str = Field(default="", description="Markdown rendering: title, parameters, steps, pitfalls.")


class TraceRecord(BaseModel):
    """A stored trace and the state of its extraction."""

    resource_id: str
    namespace: str = "default"
    session_id: str
    format: str
    title: str | None = None
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)
    outcome: Outcome | None = None
    date: datetime | None = None
    status: TraceStatus = "pending"
    reason: str = ""
    content_hash: str
    procedure_ids: list[str] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class FeedbackEvent(BaseModel):
    """One rate_procedure call, kept as an append-only log."""

    procedure_id: str
    namespace: str = "default"
    success: bool
    notes: str | None = None
    failed_step: int | None = None
    created_at: datetime


JsonObject = dict[str, Any]
