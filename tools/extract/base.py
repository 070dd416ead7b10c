"""What every extractor produces, and the interface the worker calls."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from deftly.tools.errors import DeftlyError
from deftly.tools.models import Outcome, Parameter, Step
from deftly.tools.trace import Message, ToolCall, Trace

# a user simulator says "please" in every report; "can you …" asks
_ASKS_AGAIN = re.compile(r"\b(?:can|could|would|will) you\b|\bi(?:'d| would) like (?:you )?to\b", re.IGNORECASE)


@dataclass
class Task:
    """One user request and everything done for it, in order."""

    index: int
    request: str
    turns: list[Message | ToolCall]

    @property
    def calls(self) -> list[ToolCall]:
        return [t for t in self.turns if isinstance(t, ToolCall)]

    @property
    def user_texts(self) -> list[str]:
        return [t.text for t in self.turns if isinstance(t, Message) and t.role == "user"]

    @property
    def device_reports(self) -> set[str]:
        """What the user said right after calls of their own tools (tau2's device tools): what they saw and did
        ("Rebooted and it's white"), unless it asks for something again ("can you cancel my line instead?")."""
        reports: set[str] = set()
        after_own_call = False
        for turn in self.turns:
            if isinstance(turn, ToolCall):
                after_own_call = turn.by_user
            elif turn.role == "user" and after_own_call and not _ASKS_AGAIN.search(turn.text):
                reports.add(turn.text)  # "…, can you cancel my line instead?" asks again
            elif turn.role == "assistant" and not turn.reasoning:
                after_own_call = False
        return reports

    @property
    def assistant_texts(self) -> list[str]:
        return [t.text for t in self.turns if isinstance(t, Message) and t.role == "assistant" and not t.reasoning]

    @property
    def final_answer(self) -> str:
        for turn in reversed(self.turns):
            if isinstance(turn, Message) and turn.role == "assistant" and not turn.reasoning:
                return turn.text
        return ""


@dataclass
class Draft:
    """A generalized procedure before it is merged into the store."""

    title: str
    when_to_use: str
    steps: list[Step]
    parameters: list[Parameter] = field(default_factory=list)
    pitfalls: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    task_index: int = 0
    goal: str = ""  # everything the user asked for in this task, generalized: recognises the same task

    @property
    def tools(self) -> list[str]:
        seen: dict[str, None] = {}
        for step in self.steps:
            if step.tool:
                seen.setdefault(step.tool, None)
        return list(seen)


@dataclass
class Skipped:
    """A task that did not become a procedure, and why."""

    task_index: int
    reason: str
    request: str = ""
    lesson: str | None = None
    tools: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    extractor: str = "heuristic"
    notes: list[str] = field(default_factory=list)


class ExtractionDeferred(DeftlyError, RuntimeError):
    """The extractor cannot run right now (e.g. the model is rate limited); retry the trace later."""


class Extractor(Protocol):
    """Turns a trace into procedure drafts. An extractor may also set ``batch_size``: how many traces
    the worker hands to one learning pass (the worker's default otherwise)."""

    name: str

    def extract(self, trace: Trace, outcome: Outcome | None = None) -> Extraction: ...
