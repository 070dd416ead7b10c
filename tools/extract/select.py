"""Keep or skip: which tasks are worth a procedure, and the lesson a skipped one leaves behind."""

from __future__ import annotations

import re

from deftly.tools.extract.base import Task
from deftly.tools.extract.steps import StepPlan
from deftly.tools.extract.titles import mentioned_actions, tool_actions
from deftly.tools.extract.tools_kind import is_read_only, is_scratchpad
from deftly.tools.models import Outcome

_COULD_NOT = re.compile(
    r"\b(?:i(?:'m| am) (?:sorry|afraid)|unfortunately|i (?:can(?:no|')t|could(?:n't| not)|was(?:n't| not) able)"
    r"|i(?:'m| am) (?:not |un)able|(?:is|are|was|were) not (?:possible|allowed|eligible|permitted)"
    r"|cannot be|can't be|non-?refundable|failed to|was unable|unable to|not able to)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def skip_reason(task: Task, plan: StepPlan, outcome: Outcome | None) -> str | None:
    """Why this task should not become a procedure, or None to keep it."""
    if outcome == "failure":
        return "the session's outcome was reported as failure"
    worked = [c for c in task.calls if c.status == "ok" and not is_scratchpad(c.tool)]
    if not worked:
        if task.calls:
            return "no tool call succeeded (attempted, not completed)"
        return "no tool was called (discussed, not executed)"
    acted = [c for c in worked if not is_read_only(c.tool)]
    if not acted and _COULD_NOT.search(task.final_answer):
        return "the final answer says the request could not be done"
    requested = mentioned_actions(task.request)
    done = {action for call in acted for action in tool_actions(call.tool)}
    if requested and acted and not requested & done:
        return f"the requested action ({', '.join(sorted(requested))}) was not carried out"
    if requested and not acted:
        return f"the requested action ({', '.join(sorted(requested))}) was not carried out; only lookups ran"
    if len(plan.steps) < 2:
        only = plan.steps[0].tool if plan.steps else "?"
        kind = "read-only lookup" if all(is_read_only(c.tool) for c in worked) else "action"
        return f"trivial: a single {kind} ({only}), not a multi-step procedure"
    return None


def lesson_from(task: Task) -> str | None:
    """The sentence of the final answer that explains why it could not be done, if there is one."""
    for sentence in _SENTENCE.split(task.final_answer):
        if _COULD_NOT.search(sentence) and len(sentence.split()) >= 5:
            return sentence.strip()
    return None
