"""A run that did what its user had ruled out ("plan it, no apply yet", "dry-run", "don't cancel it"): whatever
the agent said afterwards, it failed the request, and its steps must not teach the next agent to do the same."""

from __future__ import annotations

import re

from deftly.tools.extract.base import Task
from deftly.tools.extract.opposites import NEGATED, asked_words, call_words, opposite_of_asked
from deftly.tools.extract.tools_kind import is_generic, is_read_only, words
from deftly.tools.extract.vocabulary import is_change_verb, same_word
from deftly.tools.generalize.commands import command_head
from deftly.tools.trace import Message, ToolCall

# A dry run does everything but what takes effect: whatever the tool, these are the steps it leaves out.
_DRY_RUN = re.compile(
    r"\b(?:dry[- ]?run|plan[- ]only|only (?:a )?plan|preview only|read[- ]only|no changes|nothing (?:changed|applied)"
    r"|(?:don't|do not) (?:change|touch) anything)\b",
    re.IGNORECASE,
)
_TAKING_EFFECT = frozenset(
    {"apply", "deploy", "destroy", "push", "publish", "merge", "delete", "drop", "commit", "release", "execute"}
)


def ruled_out_call(task: Task) -> tuple[ToolCall, str] | None:
    """The first successful call doing an operation the user had ruled out before it, and that operation."""
    ruled_out: set[str] = set()
    for turn in [Message(role="user", text=task.request), *task.turns]:
        if isinstance(turn, Message) and turn.role == "user":
            ruled_out = _after(turn.text, ruled_out)
        elif isinstance(turn, ToolCall) and turn.status == "ok" and not turn.by_user and ruled_out:
            done = next((op for op in _operations(turn) for word in ruled_out if same_word(op, word)), None)
            if done is not None:
                return turn, done
    return None


def _after(text: str, ruled_out: set[str]) -> set[str]:
    """What stays ruled out after a user's message: what it forbids, less what it now asks for."""
    said = {w.lower() for w in re.findall(r"[A-Za-z]+", NEGATED.sub(" ", _DRY_RUN.sub(" ", text)))}
    negated = {m.group("operation").lower() for m in NEGATED.finditer(text) if not _describes_a_thing(text, m)}
    # "don't cancel the order, cancel just the item": what the message also asks for is not ruled out
    forbidden = {w for w in negated if is_change_verb(w) and not any(same_word(w, other) for other in said)}
    if _DRY_RUN.search(text):
        forbidden |= _TAKING_EFFECT  # "dry-run the apply" still rules the apply out
    allowed = {word for word in ruled_out if any(same_word(word, w) for w in said)}
    return (ruled_out - allowed) | forbidden


def _describes_a_thing(text: str, negation: re.Match[str]) -> bool:
    """ "my phone won't send MMS", "the job doesn't apply the patch": what something fails to do, not what the
    agent must not do. "We definitely won't cancel it", "make sure it doesn't restart the pods" and "I'd prefer it
    doesn't merge" still rule out."""
    if not re.match(r"(?i)won't|will not|doesn't|does not", negation.group(0)):
        return False
    sentence = re.split(r"[.!?\n]", text[: negation.start()])[-1]
    if _GUARDED.search(sentence):
        return False
    before = [w.lower() for w in re.findall(r"[A-Za-z']+", sentence) if not w.lower().endswith("ly")]
    before = [w for w in before if w not in {"really", "just", "definitely", "surely", "still", "also"}]
    return not before or before[-1] not in {"i", "we", "you"}


# "…, but the line won't activate" reports a fault; these ask that something not happen
_GUARDED = re.compile(
    r"(?i)\b(?:make sure|ensure|careful|prefer|so that|as long as|without|ideally|hopefully|important that"
    r"|check that|verify that|confirm that|guarantee)\b"
)


def _operations(call: ToolCall) -> list[str]:
    """The operations a call performs: its tool's verb, or a command line's program and subcommand."""
    if is_generic(call.tool):
        return [word.lower() for word in command_head(call.arguments)]
    if is_read_only(call.tool):
        return []
    return words(call.tool)


def opposite_call(task: Task) -> tuple[ToolCall, str, str] | None:
    """The first successful call doing the opposite of the operation its user asked for, when no call did
    the operation asked ("reject the time off" and ``decide(decision="approve")``): (call, done, asked)."""
    asked = asked_words([task.request, *task.user_texts])
    acting = [c for c in task.calls if c.status == "ok" and not c.by_user and not is_read_only(c.tool)]
    done = [(call, word) for call in acting for word in call_words(call.tool, call.arguments)]
    found = opposite_of_asked(asked, [word for _, word in done])
    if found is None:
        return None
    call = next(call for call, word in done if word == found[0])
    return call, found[0], found[1]
