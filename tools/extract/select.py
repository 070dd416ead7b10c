"""Keep or skip: which tasks are worth a procedure, and the lesson a skipped one leaves behind."""

from __future__ import annotations

import re

from deftly.tools.extract.base import Task
from deftly.tools.extract.steps import StepPlan
from deftly.tools.extract.titles import requested_actions
from deftly.tools.extract.tools_kind import is_handoff, is_read_only, is_scratchpad
from deftly.tools.extract.vocabulary import tool_actions
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
    if acted and all(is_handoff(c.tool) for c in acted):
        return f"handed off to a person ({acted[-1].tool}); the agent did not complete it"
    if not acted and _COULD_NOT.search(task.final_answer):
        return "the final answer says the request could not be done"
    requested = frozenset().union(*(requested_actions(text) for text in task.user_texts))
    done = {action for call in acted for action in tool_actions(call.tool)}
    # A tool whose verb we do not know (void_booking) may well be what was asked for.
    known_verbs = all(tool_actions(call.tool) for call in acted)
    if requested and acted and known_verbs and not requested & done:
        return f"the requested action ({', '.join(sorted(requested))}) was not carried out"
    if requested and not acted:
        return f"the requested action ({', '.join(sorted(requested))}) was not carried out; only lookups ran"
    if len(plan.steps) < 2:
        only = plan.steps[0].tool if plan.steps else "?"
        kind = "read-only lookup" if all(is_read_only(c.tool) for c in worked) else "action"
        return f"trivial: a single {kind} ({only}), not a multi-step procedure"
    return None


_REASON = re.compile(
    r"\b(?:because|since|due to|without|unless|only|policy|not (?:permitted|allowed|eligible|possible)"
    r"|non-?refundable|cannot be|can't be|within|after|before|expired|limit)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"^(?:i (?:understand|see|know)[^,]*,\s*(?:but|however),?\s*|(?:unfortunately|however|sadly),\s*"
    r"|i(?:'m| am) (?:sorry|afraid)(?:,?\s*but|,|\s+that)?\s*|i apologi[sz]e(?: for[^,]*)?,?\s*(?:but\s*)?)+",
    re.IGNORECASE,
)


_IMPERSONAL = [
    (re.compile(r"\bI(?:'m| am) (?:unable|not able) to\b", re.I), "cannot"),
    (re.compile(r"\bI (?:cannot|can't|can not|could not|couldn't|was unable to|wasn't able to)\b", re.I), "cannot"),
    (re.compile(r"\bI can only\b", re.I), "can only"),
    (re.compile(r"\byour\b", re.I), "the"),
    (re.compile(r"\byou\b", re.I), "the user"),
]


def lesson_from(task: Task) -> str | None:
    """The latest assistant sentence saying why it could not be done, without the apologies."""
    for answer in reversed(task.assistant_texts):
        lesson = _lesson_in(answer)
        if lesson:
            return lesson
    return None


def _lesson_in(answer: str) -> str | None:
    for sentence in _SENTENCE.split(answer):
        sentence = sentence.strip()
        if not (_COULD_NOT.search(sentence) and _REASON.search(sentence)) or sentence.lower().startswith("if "):
            continue
        core = _HEDGE.sub("", sentence).strip()
        for pattern, replacement in _IMPERSONAL:
            core = pattern.sub(replacement, core)
        if len(core.split()) >= 5:
            return core[0].upper() + core[1:]
    return None
