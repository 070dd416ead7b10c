"""Which of the user's messages says what a task was, and the object its steps acted on.

A task's first message is often small talk ("can you guess the poem first?") or a greeting with a
question; the message that says what was done is the one whose request names an action the steps
took, or failing that, the one whose words the tools worked on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from deftly.tools.extract.base import Task
from deftly.tools.extract.segment import is_substantive
from deftly.tools.extract.sentences import requested_actions
from deftly.tools.extract.titles import CHOSEN, is_vague, mentions_action, request_sentence
from deftly.tools.extract.tools_kind import all_words, is_generic, is_handoff, words
from deftly.tools.extract.vocabulary import group_of, tool_actions
from deftly.tools.generalize.commands import command_head
from deftly.tools.models import Step
from deftly.tools.trace import Message, ToolCall
from deftly.tools.values import ENUM_VALUE, kind_of

# Words every request and every tool share, which say nothing about what was asked.
_COMMON = frozenset({"user", "users", "with", "from", "that", "this", "what", "have", "your", "please", "thanks"})
_RESULT_CHARS = 4000
_ASKS_WHAT = re.compile(r"(?i)\b(?:what|which)\b[^.!]*\?")
_MIN_WORD = 4


def title_request(task: Task, acting: Sequence[str], answers: set[str]) -> str:
    """The user message to title ``task`` from: the first whose request names an action of ``acting``,
    else the first whose request is about something the tools touched, else the task's first request
    (``answers``: the user's ``identity_answers``, never a request)."""
    asked = [
        (text, request_sentence(text)) for text in _verb_completed(task) if is_substantive(text) and text not in answers
    ]
    sentences = [(text, sentence) for text, sentence in asked if sentence]
    if acting and all(is_handoff(tool) for tool in acting):
        # "change the passenger to myself" ... "yes, transfer me": what was handed off says what the task was
        handed = [text for text, sentence in sentences if not mentions_action(sentence, list(acting))]
        handed = [t for t in handed if requested_actions(t)] or handed  # the change asked, not a question before it
        if handed and not is_vague(request_sentence(handed[0]) or ""):
            return handed[0]
    if acting:
        for text, sentence in sentences:
            if mentions_action(sentence, list(acting)):
                return text
    touched = _touched_words(task.calls)
    for text, sentence in sentences:
        if _content_words([sentence]) & touched:
            return text
    if request_sentence(task.request) is None:  # "I need a csv cleaned up" said nothing; "remove dupes, …" does
        return next((text for text, sentence in sentences if not is_vague(sentence)), task.request)
    return task.request


_ANSWER_WORDS = 8
_WHO = (
    r"\b(?:full name|your name|date of birth|dob|birthday|address|zip|postal code|account (?:number|pin)|"
    r"customer (?:number|id)|email|phone number|member(?:ship)? (?:number|id)|policy number|verify|identity|pin)\b"
)
_ASKS_WHO = re.compile(
    rf"(?i){_WHO}[^?]*\?|\?[^?]*\b(?:name|date of birth|email|zip)\b"
    # "To find your profile, please share your customer number." asks without a question mark
    rf"|\b(?:please|kindly)\s+(?:share|provide|give|send|tell|confirm|enter|type)\b[^.?!]*{_WHO}"
)


def identity_answers(task: Task) -> set[str]:
    """The user's answers to "what's your full name and date of birth?": who they are, not what they ask."""
    answers: set[str] = set()
    asked = False
    for turn in task.turns:
        if isinstance(turn, Message) and turn.role == "assistant" and not turn.reasoning:
            asked = bool(_ASKS_WHO.search(turn.text))
        elif isinstance(turn, Message) and turn.role == "user":
            # a longer reply may say what it wants too, and so may a short one ("downgrade me to basic")
            if asked and len(turn.text.split()) <= _ANSWER_WORDS and not requested_actions(turn.text):
                answers.add(turn.text)
            asked = False
    return answers


def _verb_completed(task: Task) -> list[str]:
    """ "cancel", the agent asking what, then "my whole brightwave service": one request, "cancel my whole
    brightwave service". Not a yes to "Do you want to cancel your plan?", nor an email the agent asked for."""
    texts = task.user_texts
    if len(texts) < 2 or len(texts[0].split()) != 1 or group_of(texts[0].strip(" .!?").lower()) is None:
        return texts
    answer = texts[1].strip()
    if (
        not answer.split()
        or group_of(answer.split()[0].strip(" ,.!?").lower()) is not None
        or not is_substantive(answer)
    ):
        return texts  # "refund", then "cancel my order instead": the second says it all
    if not _ASKS_WHAT.search(_said_between(task, texts[0], texts[1])) or kind_of(answer) not in (None, "text"):
        return texts
    return [f"{texts[0].strip(' .!?')} {answer}", *texts[2:]]


def _said_between(task: Task, first: str, second: str) -> str:
    said: list[str] = []
    started = False
    for turn in task.turns:
        if isinstance(turn, Message) and turn.role == "user":
            if started and turn.text == second:
                break
            started = started or turn.text == first
        elif started and isinstance(turn, Message) and turn.role == "assistant":
            said.append(turn.text)
    return " ".join(said)


def combined_action(tools: Sequence[str]) -> str | None:
    """ "modify pending order address and items": the first two distinct actions of a task, with the words
    they share said once; None for fewer than two."""
    distinct = list(dict.fromkeys(t for t in tools if not is_handoff(t)))
    if len(distinct) < 2:
        return None
    first, second = words(distinct[0]), words(distinct[1])
    if first == second:  # pagerduty.create_incident, statuspage.create_incident: the services tell them apart
        verb, *objects = first
        services = [all_words(tool)[: -len(first)] for tool in distinct[:2]]
        return f"{verb} " + " and ".join(" ".join([*service, *objects]) for service in services)
    shared = 0
    while shared < min(len(first), len(second)) - 1 and first[shared] == second[shared]:
        shared += 1
    tail = second[shared:] if shared else second
    return f"{' '.join(first)} and {' '.join(tail)}"


def _touched_words(calls: Iterable[ToolCall]) -> set[str]:
    found: set[str] = set()
    for call in calls:
        found.update(_content_words([" ".join(all_words(call.tool))]))
        found.update(_content_words([str(v) for v in call.arguments.values()]))
        if call.result is not None:
            found.update(_content_words([call.result.content[:_RESULT_CHARS]]))
    return found - _COMMON


def _content_words(texts: Iterable[str]) -> set[str]:
    found = {w for text in texts for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= _MIN_WORD}
    return {w[:-1] if w.endswith("s") and len(w) > _MIN_WORD else w for w in found} - _COMMON


def with_chosen_options(tools: Sequence[str], steps: Iterable[Step]) -> list[str]:
    """The acting tools, and each with the option a call chose (``respond_to_event`` + ``accepted``): the
    option names the action as much as the tool does, so "Accept the invite" names this task's action."""
    chosen = [
        f"{step.tool}{CHOSEN}{value}"
        for step in steps
        if step.tool in tools
        for key, value in step.arguments.items()
        if step.tool and isinstance(value, str) and _names_the_action(step.tool, key, value)
    ]
    return [*tools, *dict.fromkeys(chosen)]


def with_commands(tools: Sequence[str], steps: Iterable[Step]) -> list[str]:
    """The tools, and each command a shell ran named as a tool would be (``kubectl scale`` -> kubectl_scale): what
    a shell did is in its commands, so "Scale {deployment} to {number} replicas" names a shell task's action."""
    commands = ["_".join(command_head(s.arguments)) for s in steps if s.tool and is_generic(s.tool)]
    return [*tools, *dict.fromkeys(c for c in commands if c)]


# Why something was done is not what was done: cancel_reservation(reason="change_of_plan") is no change.
_WHY_KEYS = re.compile(r"reason|cause|why|note|comment|description|category|type|kind", re.IGNORECASE)


def _names_the_action(tool: str, key: str, value: str) -> bool:
    if not ENUM_VALUE.fullmatch(value.lower()) or _WHY_KEYS.search(key):
        return False
    own, said = tool_actions(tool), {g for w in re.split(r"[_\-]", value.lower()) if (g := group_of(w))}
    return not (own and said and not own & said)
