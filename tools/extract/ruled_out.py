"""A run that did what its user had ruled out ("plan it, no apply yet", "dry-run", "don't cancel it"): whatever
the agent said afterwards, it failed the request, and its steps must not teach the next agent to do the same."""

from __future__ import annotations

import re

from deftly.tools.extract.base import Task
from deftly.tools.extract.tools_kind import is_generic, is_read_only, words
from deftly.tools.extract.vocabulary import is_change_verb, same_word
from deftly.tools.generalize.commands import command_head
from deftly.tools.trace import Message, ToolCall

_NEGATED = re.compile(
    r"\b(?:don't|do not|dont|doesn't|no|without|never|not yet|but not|not to|nothing to|shouldn't|should not"
    r"|must not|mustn't|won't|will not)\s+(?:(?:actually|really|yet|you|to|the|any|it)\s+)?(?P<operation>[a-z]+)",
    re.IGNORECASE,
)
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
        elif isinstance(turn, ToolCall) and turn.status == "ok" and ruled_out:
            done = next((op for op in _operations(turn) for word in ruled_out if same_word(op, word)), None)
            if done is not None:
                return turn, done
    return None


def _after(text: str, ruled_out: set[str]) -> set[str]:
    """What stays ruled out after a user's message: what it forbids, less what it now asks for."""
    said = {w.lower() for w in re.findall(r"[A-Za-z]+", _NEGATED.sub(" ", _DRY_RUN.sub(" ", text)))}
    negated = {m.group("operation").lower() for m in _NEGATED.finditer(text)}
    # "don't cancel the order, cancel just the item": what the message also asks for is not ruled out
    forbidden = {w for w in negated if is_change_verb(w) and not any(same_word(w, other) for other in said)}
    if _DRY_RUN.search(text):
        forbidden |= _TAKING_EFFECT  # "dry-run the apply" still rules the apply out
    allowed = {word for word in ruled_out if any(same_word(word, w) for w in said)}
    return (ruled_out - allowed) | forbidden


def _operations(call: ToolCall) -> list[str]:
    """The operations a call performs: its tool's verb, or a command line's program and subcommand."""
    if is_generic(call.tool):
        return [word.lower() for word in command_head(call.arguments)]
    if is_read_only(call.tool):
        return []
    return words(call.tool)


# Operations that undo or refuse each other: a run asked for one side that did only the other did the opposite.
_OPPOSITES = (
    ({"approve", "accept", "allow"}, {"reject", "decline", "deny", "refuse"}),
    ({"enable", "activate"}, {"disable", "deactivate"}),
    ({"lock"}, {"unlock"}), ({"block"}, {"unblock"}), ({"archive"}, {"unarchive"}), ({"publish"}, {"unpublish"}),
    ({"assign"}, {"unassign"}), ({"grant"}, {"revoke"}), ({"subscribe"}, {"unsubscribe"}), ({"mute"}, {"unmute"}),
    ({"increase"}, {"decrease"}), ({"suspend"}, {"reinstate"}),
)  # fmt: skip
_OPTION_VALUE = re.compile(r"[A-Za-z][A-Za-z_ -]{0,40}")
# What the user says they cannot or will not do is not what they ask for: "I can't approve it, deny it".
_NOT_ASKED = re.compile(
    rf"{_NEGATED.pattern}|\b(?:can't|cannot|can not|couldn't|could not)\s+(?:(?:really|just)\s+)?[a-z]+", re.IGNORECASE
)


def opposite_call(task: Task) -> tuple[ToolCall, str, str] | None:
    """The first successful call doing the opposite of the operation its user asked for, when no call did
    the operation asked ("reject the time off" and ``decide(decision="approve")``): (call, done, asked)."""
    said = {
        w.lower() for t in [task.request, *task.user_texts] for w in re.findall(r"[A-Za-z]+", _NOT_ASKED.sub(" ", t))
    }
    acting = [c for c in task.calls if c.status == "ok" and not is_read_only(c.tool)]
    done = [(call, word) for call in acting for word in _call_words(call)]
    for one, other in _OPPOSITES:
        for wanted, opposite in ((one, other), (other, one)):
            asked = _said(said, wanted)
            if asked is None or _said(said, opposite) is not None:
                continue
            if any(_said({word}, wanted) for _, word in done):
                break
            found = next(((call, word) for call, word in done if _said({word}, opposite)), None)
            if found is not None:
                return found[0], found[1], asked
    return None


def _said(words_: set[str], operations: set[str]) -> str | None:
    return next((op for op in sorted(operations) for word in words_ if same_word(op, word)), None)


def _call_words(call: ToolCall) -> list[str]:
    """The words of a call's tool name and of its short option-like string values ("approve", "closed_won")."""
    values = [v for v in _string_leaves(call.arguments) if _OPTION_VALUE.fullmatch(v)]
    return [*words(call.tool), *(w.lower() for v in values for w in re.findall(r"[A-Za-z]+", v))]


def _string_leaves(value: object) -> list[str]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _string_leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _string_leaves(item)]
    return [value] if isinstance(value, str) else []
