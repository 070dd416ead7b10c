"""Two requests in one message: "move $100 to checking. Also, can you freeze my credit card?" is two tasks.

The message is cut where the second request starts ("also", "one more thing", "while you're at it"), and the
turns where the work of the first ends: after the last call of the tool that did it and the agent's report.
Only when the two tools do different things (not ``update_profile_address`` and ``update_order_address``) and
the second request names the action of one of them and not the other's.
"""

from __future__ import annotations

import re

from deftly.tools.extract.base import Task
from deftly.tools.extract.titles import mentions_action
from deftly.tools.extract.tools_kind import as_compared, is_read_only, is_scratchpad, words
from deftly.tools.extract.vocabulary import ADDING, LEAD_INS, MOVING_ON
from deftly.tools.trace import Message, ToolCall

_LEAD = rf"(?:(?:{LEAD_INS})[\s,]+)*"
# "… Also, can you …" anywhere a word may start; "… Unrelated, …", "… On another note …" where a sentence does
_SECOND_REQUEST = re.compile(
    rf"(?i)(?:[.!?;,:]\s*|\s+){_LEAD}(?:{ADDING}|one more thing|another thing|one other thing|separately"
    rf"|while (?:you're|you are|i'm|i am) (?:at it|here))\b|[.!?;:]\s*{_LEAD}(?:{MOVING_ON})\b"
)
_MIN_CLAUSE = 8


def split_compound(tasks: list[Task]) -> list[Task]:
    """Each task whose request holds two requests done by two different tools, as two tasks."""
    split = [part for task in tasks for part in _parts(task)]
    for index, task in enumerate(split):
        task.index = index
    return split


def _parts(task: Task) -> list[Task]:
    match = _SECOND_REQUEST.search(task.request)
    if match is None or match.start() < _MIN_CLAUSE:
        return [task]
    clauses = (task.request[: match.start()].strip(), task.request[match.start() :].strip(" .,;:!?"))
    changes = [
        (n, turn)
        for n, turn in enumerate(task.turns)
        if isinstance(turn, ToolCall) and turn.status == "ok" and not is_read_only(turn.tool)
        if not is_scratchpad(turn.tool)
    ]
    if not changes:
        return [task]
    first = as_compared(changes[0][1].tool)
    later = [(n, call) for n, call in changes if as_compared(call.tool) != first]
    if not later or any(as_compared(call.tool) == first for n, call in changes if n > later[0][0]):
        return [task]  # one tool, or the two interleaved: one piece of work
    if _same_kind(changes[0][1].tool, later[0][1].tool):
        return [task]  # update_profile_address, then update_order_address: one change, made twice
    done_first = [call.tool for n, call in changes if n < later[0][0]]
    done_later = [call.tool for _, call in later]
    if mentions_action(clauses[1], done_later) and not mentions_action(clauses[1], done_first):
        ordered = clauses
    elif mentions_action(clauses[1], done_first) and not mentions_action(clauses[1], done_later):
        ordered = (clauses[1], clauses[0])  # the agent did the second request first
    else:
        return [task]
    last_first = max(n for n, _ in changes if n < later[0][0])
    boundary = _after_report(task, last_first, done_first[-1])
    return [
        _with_request(task, task.turns[:boundary], ordered[0]),
        _with_request(task, task.turns[boundary:], ordered[1]),
    ]


def _same_kind(tool: str, other: str) -> bool:
    """The same action on the same kind of thing (its first and last words), on two records."""
    mine, theirs = words(tool), words(other)
    return bool(mine) and bool(theirs) and mine[0] == theirs[0] and mine[-1] == theirs[-1]


def _after_report(task: Task, last_call: int, tool: str) -> int:
    """The turn after the last call of the first piece of work and what the agent said of it."""
    position = last_call + 1
    while position < len(task.turns):
        turn = task.turns[position]
        reports = isinstance(turn, Message) and turn.role == "assistant"
        if not reports and not (isinstance(turn, ToolCall) and turn.tool == tool):
            break
        position += 1
    return position


def _with_request(task: Task, turns: list[Message | ToolCall], request: str) -> Task:
    """A task of ``turns`` asked by ``request``: the shared message holds only its own request."""
    own = Message(role="user", text=request)
    replaced = [own if isinstance(t, Message) and t.role == "user" and t.text == task.request else t for t in turns]
    if own not in replaced:
        replaced = [own, *replaced]
    return Task(index=task.index, request=request, turns=replaced)
