"""The canonical trace every format is parsed into.

A trace is an ordered list of turns: messages (user, assistant or system text,
with reasoning kept but marked) and tool calls. A tool call carries its own
result, already paired by the parser, so later stages never pair anything.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["user", "assistant", "system"]
ErrorSource = Literal["flag", "status", "text"]
CallStatus = Literal["ok", "failed", "unfinished"]


class Message(BaseModel):
    """A text turn. Images and files are reduced to a short placeholder such as ``[image]``."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["message"] = "message"
    role: Role
    text: str
    reasoning: bool = Field(default=False, description="Thinking/reasoning text, not said to the user.")
    timestamp: datetime | None = None


class ToolResult(BaseModel):
    """What a tool returned, and whether that was a failure (with why we think so)."""

    model_config = ConfigDict(frozen=True)

    content: str
    failed: bool = False
    error: str | None = Field(default=None, description="The failure reason, when failed.")
    error_source: ErrorSource | None = Field(
        default=None, description="How the failure was detected: the format's flag, a status field, or text."
    )


class ToolCall(BaseModel):
    """A tool call and its paired result; ``result is None`` means the call never finished."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["tool_call"] = "tool_call"
    call_id: str
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    result: ToolResult | None = None
    timestamp: datetime | None = None
    by_user: bool = Field(
        default=False,
        description="The person the agent serves made the call with their own tools (tau2's device tools), "
        "not the agent: a step is then asked of the user.",
    )

    @property
    def status(self) -> CallStatus:
        if self.result is None:
            return "unfinished"
        return "failed" if self.result.failed else "ok"


Turn = Annotated[Message | ToolCall, Field(discriminator="kind")]


class Trace(BaseModel):
    """One agent session in canonical form."""

    format: str = Field(description="The format the history was parsed as, e.g. 'openai'.")
    session_id: str | None = None
    title: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    cwd: str | None = None
    harness: str | None = None
    turns: list[Turn] = Field(default_factory=list)
    sidechains: list[list[Turn]] = Field(
        default_factory=list, description="Sub-agent conversations, kept apart from the main line."
    )
    notes: list[str] = Field(
        default_factory=list, description="What the parser skipped or guessed, for the trace:// resource."
    )

    @property
    def tool_calls(self) -> list[ToolCall]:
        return [t for t in self.turns if isinstance(t, ToolCall)]

    @property
    def messages(self) -> list[Message]:
        return [t for t in self.turns if isinstance(t, Message)]

    def counts(self) -> dict[str, int]:
        calls = self.tool_calls
        return {
            "turns": len(self.turns),
            "messages": len(self.turns) - len(calls),
            "tool_calls": len(calls),
            "failed_calls": sum(c.status == "failed" for c in calls),
            "unfinished_calls": sum(c.status == "unfinished" for c in calls),
        }


def result_json(call: ToolCall) -> Any:
    """A call's result decoded, when it is a JSON object or list; None for text, no result or broken JSON."""
    content = call.result.content if call.result is not None else ""
    if not content.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def has_user_turn(trace: Trace) -> bool:
    return any(isinstance(t, Message) and t.role == "user" and t.text.strip() for t in trace.turns)


JsonDict = dict[str, Any]
