"""Splitting a trace into tasks: each user request starts one; answers, refinements and thanks stay in it."""

from __future__ import annotations

import re

from deftly.tools.extract.base import Task
from deftly.tools.extract.tools_kind import is_read_only, is_scratchpad
from deftly.tools.extract.vocabulary import ADDING, LEAD_INS, MOVING_ON, is_change_verb
from deftly.tools.trace import Message, ToolCall, Trace

_STOP = re.compile(r"^\W*(?:###\s*stop\s*###|/exit|/quit|exit|quit)\W*$", re.IGNORECASE)
_ACK = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ya|yea|y|k|kk|sure|ok(?:ay)?|no|nope|n|thanks?|thank you|thx|ty|great|perfect|awesome"
    r"|cool|nice|go for it|ship it|approved?|affirmative|absolutely|of course|please do"
    r"|sounds good|that(?:'s| is) (?:all|it|fine|great|correct|right)|that works|correct|right|exactly|confirm(?:ed)?"
    r"|please (?:proceed|go ahead|do (?:it|that|so))|go ahead|proceed|do it|looks good|lgtm|got it|understood"
    r"|no,? (?:thanks|thank you|that's all)|bye|goodbye)\b",
    re.IGNORECASE,
)
# An opener alone ("yo", "morning!", "hey, quick one", "hi, got a minute?"): the request comes next.
_GREETING = re.compile(
    r"^\W*(?:(?:hi|hello|hey|yo|hiya|howdy|greetings|good (?:morning|afternoon|evening)|morning|afternoon|evening)"
    r"(?:\W+(?:there|all|team|folks|everyone))?\W*)+"
    r"(?:(?:quick (?:one|question)|got a (?:minute|min|sec(?:ond)?)|(?:are )?(?:you|u) there|you around)\W*)?$",
    re.I,
)
_NEW_REQUEST = re.compile(
    r"\b(?:i(?:'d| would) (?:also )?(?:like|love|want)|i (?:also )?(?:want|need|wish)|i(?:'m| am) (?:looking|trying)"
    r"|can you|could you|would you|will you|please\b|help me|how (?:do|can|should) i|another\b|also\b|next\b"
    r"|now\b|let's\b|one more)",
    re.IGNORECASE,
)
_IMPERATIVE_START = re.compile(
    r"^\W*(?:add|book|build|cancel|change|check|create|delete|deploy|email|find|fix|get|install|list|make|move"
    r"|open|remove|rename|run|schedule|search|send|set|show|update|upload|write)\b",
    re.IGNORECASE,
)
_REFINEMENT = re.compile(
    r"^\W*(?:also (?:cc|bcc|add|include|attach)|actually|instead|make (?:it|that)|change (?:it|that)|wait"
    # "Oh, make it 3" refines; "Oh and can we check out late?" asks for more
    r"|oh,?(?!\s*and\s+(?:can|could|would|will|also|is|are|do|does|what|how|when|where)\b)|"
    r"and (?:cc|add|include)|but\b|no,)",
    re.IGNORECASE,
)
_CLOSING_QUESTION = re.compile(
    r"anything else|something else|help (?:you )?with (?:today|anything)|further (?:assistance|help)"
    r"|other questions|else i can (?:do|help)",
    re.IGNORECASE,
)
# Words that say the user moves on to something else, whatever the domain.
_SWITCH = re.compile(
    rf"\b(?:also|one more|as well|in addition|additionally|other thing|besides|on top of that|and then|{MOVING_ON})\b",
    re.IGNORECASE,
)
# "and a grade change too: ...": "too" ending what is asked for, not "too slow", "too many" or "you too"; weaker
# than the words above, it gives way to a message pointing back ("break it down by country too").
_TOO = re.compile(r"(?<!\bme )(?<!\byou )(?<!\bme, )(?<!\byou, )\btoo\s*(?:[:.!,;\u2014-]|$)", re.IGNORECASE)
# A message that opens by pointing back ("it", "that one", "those") continues the task it points to.
_REFERS_BACK = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:it|that|this|them|those|these|they|the same)\b", re.IGNORECASE)
# "send them a reminder for both", "and change that one too": a message that still points at what was found.
_POINTS_BACK = re.compile(
    r"\b(?:them|those|these|both|(?:that|this|the (?:first|second|third|last|other)) one|the same)\b", re.I
)
# A message that opens by saying it is about another matter, not a step further in this one ("also" is often both).
_ANOTHER_MATTER = re.compile(rf"^\W*(?:(?:{LEAD_INS}|{ADDING})\W+)*(?:{MOVING_ON})\b", re.I)
_WORDS_IN_ACK = 8


def split_tasks(trace: Trace) -> list[Task]:
    tasks: list[Task] = []
    current: Task | None = None
    preamble: list[Message | ToolCall] = []
    last_assistant = ""
    for turn in trace.turns:
        if isinstance(turn, Message) and turn.role == "user":
            text = turn.text.strip()
            if _STOP.match(text):
                continue
            if current is None or _starts_new_task(current, text, last_assistant):
                current = Task(index=len(tasks), request="", turns=[*preamble])
                preamble = []
                tasks.append(current)
            if not current.request and is_substantive(text):
                current.request = text
            current.turns.append(turn)
        elif isinstance(turn, Message) and turn.role == "system":
            continue
        else:
            (current.turns if current is not None else preamble).append(turn)
            if isinstance(turn, Message) and turn.role == "assistant" and not turn.reasoning:
                last_assistant = turn.text
            elif isinstance(turn, ToolCall):
                last_assistant = ""
    return _join_continuations([task for task in tasks if task.request])


def _join_continuations(tasks: list[Task]) -> list[Task]:
    """Fold a one-action task into the task before it when it acts on that task's values.

    "Yes, and send them the certificate" after a lookup task is the end of that task,
    not a one-step procedure of its own; "one more thing, can you set INC-2240 to P2?" is another matter,
    whatever values it shares.
    """
    joined: list[Task] = []
    for task in tasks:
        previous = joined[-1] if joined else None
        if previous is not None and not _moves_on(task.request) and _follows(previous, task):
            previous.turns.extend(task.turns)
        else:
            joined.append(task)
    for index, task in enumerate(joined):
        task.index = index
    return joined


def _follows(previous: Task, task: Task) -> bool:
    return _is_continuation(previous, task) or _acts_on_lookups(previous, task)


def _is_continuation(previous: Task, task: Task) -> bool:
    worked = [c for c in task.calls if c.status == "ok" and not is_scratchpad(c.tool)]
    if len(worked) != 1:
        return False
    earlier = "\n".join([*previous.user_texts, *(c.result.content for c in previous.calls if c.result is not None)])
    values = [v for v in leaf_strings(worked[0].arguments) if len(v) >= 3]
    return any(v in earlier for v in values)


def _acts_on_lookups(previous: Task, task: Task) -> bool:
    """A task of lookups only, whose results the next task uses ("list my orders" ... "change that one"):
    the lookups were the first steps of what follows, whatever was said in between."""
    if _acted(previous):
        return False
    found = "\n".join(c.result.content for c in previous.calls if c.result is not None and c.status == "ok")
    said = "\n".join(task.user_texts)
    used = {v for c in task.calls for v in leaf_strings(c.arguments) if len(v) >= 4}
    return any(v in found and v not in said for v in used)


def _moves_on(text: str) -> bool:
    return bool(_ANOTHER_MATTER.search(text)) and not _REFERS_BACK.match(text) and not _POINTS_BACK.search(text)


def leaf_strings(value: object) -> list[str]:
    """Every string and number inside a JSON-like value, as text."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in leaf_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in leaf_strings(v)]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [str(value)]
    return []


def is_substantive(text: str) -> bool:
    """A user message that asks for something (not only a greeting, thanks or yes/no)."""
    return not _GREETING.match(text) and not is_acknowledgement(text) and not _STOP.match(text)


def is_acknowledgement(text: str) -> bool:
    """ "y", "Sounds good, thanks!", "go ahead": not "go ahead and apply infra/prod" (a request that opens
    like a yes)."""
    ack = _ACK.match(text)
    if ack is None or _asks_after(text[ack.end() :]):
        return False
    return len(text.split()) <= _WORDS_IN_ACK and not _NEW_REQUEST.search(text)


def _asks_after(rest: str) -> bool:
    """What follows a yes names an action and its own object ("and apply infra/prod"), not "cancel it"."""
    words = rest.lower().lstrip(" ,.!;:-").split()
    while words and words[0].strip(",.!") in {"and", "then", "please", "just"}:
        words = words[1:]
    if not words:
        return False
    verb, objects = words[0].strip(",.!"), {w.strip(",.!?") for w in words[1:]} - _POINTING
    acts = is_change_verb(verb)
    return bool(objects) and (acts or bool(_IMPERATIVE_START.match(verb)))


_POINTING = frozenset({"", "it", "them", "that", "this", "those", "these", "one", "ones", "please", "now", "too"})


def _starts_new_task(task: Task, text: str, last_assistant: str) -> bool:
    if is_acknowledgement(text) or _GREETING.match(text):
        return False
    if not _task_done(task, last_assistant):
        return False
    switches = bool(_SWITCH.search(text))
    if not switches and (_REFINEMENT.match(text) or _REFERS_BACK.match(text)):
        return False
    switches = switches or bool(_TOO.search(text))
    if not _acted(task) and not _attempt_failed(task):
        # Only lookups so far: an answer often leads to the change the user came for, so only a
        # message that says it moves on starts another task.
        return switches
    return bool(switches or _NEW_REQUEST.search(text) or _IMPERATIVE_START.match(text) or text.rstrip().endswith("?"))


def _attempt_failed(task: Task) -> bool:
    """The task's last change was tried and failed: what the user asks next is not that change again
    unless they say so ("try again" refers back), so it can start another task."""
    changes = [c for c in task.calls if not is_scratchpad(c.tool) and not is_read_only(c.tool)]
    return bool(changes) and changes[-1].status == "failed"


def _acted(task: Task) -> bool:
    return any(c.status == "ok" and not is_scratchpad(c.tool) and not is_read_only(c.tool) for c in task.calls)


def _task_done(task: Task, last_assistant: str) -> bool:
    """Something worked, or a change was tried and failed, and the assistant reported back without asking
    for more input."""
    worked = [c for c in task.calls if c.status == "ok" and not is_scratchpad(c.tool)]
    if not (worked or _attempt_failed(task)) or not last_assistant:
        return False
    asks = last_assistant.rstrip().endswith("?")
    return not asks or bool(_CLOSING_QUESTION.search(last_assistant))
