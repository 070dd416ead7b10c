"""Keep or skip: which tasks are worth a procedure, and the lesson a skipped one leaves behind."""

from __future__ import annotations

import re
from collections.abc import Sequence

from deftly.tools.extract.base import Task
from deftly.tools.extract.ruled_out import opposite_call, ruled_out_call
from deftly.tools.extract.segment import split_tasks
from deftly.tools.extract.started_work import work_reported_failed
from deftly.tools.extract.steps import StepPlan
from deftly.tools.extract.tools_kind import as_compared, is_handoff, is_read_only, is_scratchpad, words
from deftly.tools.extract.vocabulary import tool_actions
from deftly.tools.extract.wording import substituted
from deftly.tools.generalize import canonical_json
from deftly.tools.generalize.commands import command_head, only_looks
from deftly.tools.models import Outcome
from deftly.tools.trace import Message, ToolCall, Trace
from deftly.tools.values import COMMAND_KEYS, PLACEHOLDER, is_written_query

_COULD_NOT = re.compile(
    r"\b(?:i(?:'m| am) (?:sorry|afraid)|unfortunately|i (?:can(?:no|')t|could(?:n't| not)|was(?:n't| not) able)"
    r"|i(?:'m| am) (?:not |un)able|(?:is|are|was|were) not (?:possible|allowed|eligible|permitted)"
    r"|cannot be|can't be|failed to|was unable|unable to|not able to"
    r"|i(?:'m| am) not going to|i won't|i will not|i(?:'d| would) rather not|i (?:must|have to) (?:decline|refuse))\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# What a user says when the result is wrong: about the outcome, in any domain.
_USER_SAYS_FAILED = re.compile(
    r"\b(?:(?:it|that|this)(?: still)? (?:did(?:n't| not)|does(?:n't| not)|is(?:n't| not))"
    r" (?:work|working|fix|help|right|correct)"
    r"|(?:still|again) (?:(?:not |doesn't |isn't )?(?:work(?:ing)?|broken|failing|fails|wrong|the same)|getting)"
    r"|still (?:can't|cannot|can not|unable|able to|locked|shows?|showing)|(?:that|this|it)(?:'s| is) a duplicate"
    r"|(?:messes|messed) (?:up|it up)"
    r"|(?:that|this|it)(?:'s| is| was) (?:wrong|incorrect|not what i (?:asked|wanted))|not what i (?:asked|wanted)"
    r"|(?:it|that) (?:failed|broke)|you (?:broke|deleted the wrong|messed)|same error|didn't do anything"
    r"|(?:that|this|it)(?:'s| is| was) the wrong|wrong (?:one|file|folder|branch|item|order|person|account|date)"
    r"|(?:undo|revert|roll back) (?:that|it|this|the change|everything))\b",
    re.IGNORECASE,
)
_KNOW_HOW_WORDS = 6
_USER_DROPS_IT = re.compile(r"^\W*(?:never ?mind|forget (?:it|about it)|don't bother|leave it)\b", re.IGNORECASE)


def skip_reason(task: Task, plan: StepPlan, outcome: Outcome | None, aftermath: Sequence[Message] = ()) -> str | None:
    """Why this task should not become a procedure, or None to keep it.

    Only what the trace shows counts: a reported failure, nothing done, an attempt that failed last,
    the user saying it did not work, or a task that was dropped. Which words the request used, or how
    many steps it took, do not: "check, then do nothing" and read-only tasks are tasks too.
    """
    return failure_evidence(task, outcome, aftermath) or _too_small(task, plan)


def failure_evidence(task: Task, outcome: Outcome | None, aftermath: Sequence[Message] = ()) -> str | None:
    """What in the trace shows the task failed, was refused or dropped; None if nothing does. ``aftermath``:
    the talk after the task, before the next one does anything (``aftermath_of``)."""
    if outcome == "failure":
        return "the session's outcome was reported as failure"
    if not task.calls:
        return None  # only talked about: nothing to judge
    worked = [c for c in task.calls if c.status == "ok" and not is_scratchpad(c.tool)]
    if not worked:
        return "no tool call succeeded (attempted, not completed)"
    failed_last = unrecovered_failure(task.calls)
    if failed_last is not None:
        return f"the last attempt failed ({failed_last.tool}) and was not recovered"
    work_failed = work_reported_failed(task.calls, "\n".join(task.user_texts))
    if work_failed is not None:
        return work_failed
    ruled_out = ruled_out_call(task)
    if ruled_out is not None:
        return f"the agent did what the user had ruled out ({ruled_out[1]}, through {ruled_out[0].tool})"
    opposite = opposite_call(task)
    if opposite is not None:
        call, done, asked = opposite
        return f"the agent did the opposite of what was asked ({done} through {call.tool}; asked to {asked})"
    after_last_call = [*_texts_after_last_call(task), *(m.text for m in aftermath if m.role == "user")]
    if _last_word_is_failure(after_last_call):
        return "the user said it did not work"
    if _conceded(task, aftermath):
        return "the user questioned the result and the agent agreed it was wrong"
    read_only = all(_only_looks(c) for c in worked)
    if read_only and any(_USER_DROPS_IT.match(text) for text in after_last_call):
        return "the user dropped the request before anything was done"
    if read_only and any(_COULD_NOT.search(text) for text in (_answer_after_last_call(task), task.final_answer)):
        return "the final answer says the request could not be done"
    return None


def _last_word_is_failure(said: Sequence[str]) -> bool:
    """Whether the user said it did not work and did not say it worked after: a user walked through a fix on
    their own device ("still fails" ... "it went through!") reports each try, and the last one decides."""
    failed = [n for n, text in enumerate(said) if _USER_SAYS_FAILED.search(text)]
    later = said[failed[-1] + 1 :] if failed else []
    if failed and not any(_says_it_works(text) or _better_now(text) for text in later):
        return True
    # "still slow", "same as before": a try that changed nothing, the verdict only when nothing was said after it
    said_more = [text for text in said if not _ONLY_CLOSING.fullmatch(text)]
    return bool(said_more) and bool(_NOTHING_CHANGED.search(said_more[-1]))


def _better_now(text: str) -> bool:
    """ "wow 94.7 Mbps now", "it shows 5G now": a new reading after a failed try, with nothing wrong in it."""
    return bool(_NOW.search(text)) and not (_said_against(text) or _BROKE.search(text) or _STILL_WRONG.search(text))


_NOW = re.compile(r"\bnow\b", re.IGNORECASE)
_ONLY_CLOSING = re.compile(
    r"(?:\W|great|ok|okay|perfect|awesome|cool|thanks?|thank you|ty|thx|bye|so much|very much|for (?:your|the) help"
    r"|appreciate it|###STOP###|###TRANSFER###)*",
    re.IGNORECASE,
)
_NOTHING_CHANGED = re.compile(
    r"\bstill (?:slow|down|dead|offline|stuck|nothing|no (?:signal|service|data|internet|connection|luck|change)"
    r"|happening|crashing|timing out|garbage|useless)\b|\bsame as before\b|\bno change\b|\bnothing changed\b",
    re.IGNORECASE,
)
_STILL_WRONG = re.compile(r"\b(?:error|issue|problem|wrong|different|slow|worse|again)\b|\?", re.IGNORECASE)


def _says_it_works(text: str) -> bool:
    """Whether the message's last word on it is that it works: "It works now, thanks! Nothing else needed",
    "that fixed the issue", "it was failing before but now it works"; not "it worked for a minute, then nothing",
    "works on wifi, but not on mobile data", "the error is back", "when will it be fixed?"."""
    if _USER_SAYS_FAILED.search(text):
        return False
    said = _CLOSING.sub(" ", text)  # "no more errors", "nothing else needed" close, they do not complain
    for clause in reversed([c for c in re.split(r"[.!;,\n]+|\bbut\b|\bthen\b", said, flags=re.I) if c.strip()]):
        works = _WORKS_NOW.search(clause)
        if works and "?" not in clause and not _said_against(clause):
            return True
        if works or _SAYS_NO.search(clause) or _BROKE.search(clause):
            return False  # the last clause that says anything says it does not work, or asks
    return False


def _said_against(clause: str) -> bool:
    """What keeps words of success from saying it: a "not", a "still", a "before", "the error is back"."""
    return bool(_UNLESS.search(clause) or _SAYS_NO.search(clause) or _PROBLEM_BACK.search(clause))


_CLOSING = re.compile(
    r"\b(?:no (?:more|longer|further)|nothing else|without any|(?:do not|don't|dont) need)\b[^.!;,\n]*", re.I
)
_WORKS_NOW = re.compile(
    r"\b(?:works|working|worked|went through|(?:it|they|that) sent|fixed|solved|resolved|back to normal"
    r"|(?:is|are|it's) back|(?:is|are|it's) gone|loads|loading)\b",
    re.IGNORECASE,
)
# what keeps a clause naming success from saying it: "still", a "before", "twice", "keeps", "forever", "until"
_UNLESS = re.compile(r"\b(?:still|stopped|before|until|twice|forever|keeps?|will|marked)\b", re.IGNORECASE)
_SAYS_NO = re.compile(r"\b(?:not|no|never|nothing|cannot|same thing|same problem|same error)\b|n't\b", re.I)
_PROBLEM_BACK = re.compile(r"\b(?:error|issue|problem|bug|crash|outage)s? (?:is|are|'s) back\b", re.IGNORECASE)
_BROKE = re.compile(r"\b(?:broke|broken|stopped|crash(?:ed|es)?|fail(?:s|ed|ing)?|charged (?:twice|double))\b", re.I)


def _only_looks(call: ToolCall) -> bool:
    return only_looks(call.tool, call.arguments)


def _too_small(task: Task, plan: StepPlan) -> str | None:
    """Why a task that went fine is still not worth a procedure: nothing was done, or too little to generalize."""
    if not task.calls:
        return "no tool was called (discussed, not executed)"
    if len(plan.steps) < 2 and _carries_know_how(plan):
        return None  # one call, but its query or script is what the next run would have to work out again
    read_only = all(is_read_only(c.tool) for c in task.calls if c.status == "ok" and not is_scratchpad(c.tool))
    if read_only and len(plan.steps) < 2:
        only = plan.steps[0].tool if plan.steps else "?"
        return f"trivial: a single read-only lookup ({only}), nothing to generalize"
    if len(plan.steps) < 2 and not _has_placeholder(plan):
        return f"trivial: a single action ({plan.steps[0].tool}) with nothing to generalize"
    return None


def _carries_know_how(plan: StepPlan) -> bool:
    """A step whose command, query or code is long enough to be worth writing down (a SQL query with its
    filters, a script), unlike ``ls -la`` or ``git status``."""
    for step in plan.steps:
        for key, value in step.arguments.items():
            if key.lower() in COMMAND_KEYS and isinstance(value, str) and len(value.split()) >= _KNOW_HOW_WORDS:
                return True
            if is_written_query(key, value):  # "repo:{repo} is:issue is:open label:{label}"
                return True
    return False


def aftermath_of(tasks: Sequence[Task], index: int) -> list[Message]:
    """The talk after ``tasks[index]`` until the next task calls anything: "there was no attachment??" and the
    agent's "You're right, sorry" often open a task of their own."""
    found: list[Message] = []
    for turn in tasks[index + 1].turns if index + 1 < len(tasks) else []:
        if isinstance(turn, ToolCall):
            break
        found.append(turn)
    return found


def failure_shown(trace: Trace, outcome: Outcome | None, tools: list[str]) -> str | None:
    """Why the trace shows that the task done through ``tools`` failed or was refused, or None: the evidence
    rules of ``skip_reason`` applied to the offline split's task that used those tools most."""
    wanted = set(tools)
    every = split_tasks(trace)
    tasks = [n for n, t in enumerate(every) if wanted & {c.tool for c in t.calls}]
    if outcome == "failure":
        return "the session's outcome was reported as failure"
    if not tasks:
        return None
    chosen = max(tasks, key=lambda n: len(wanted & {c.tool for c in every[n].calls}))
    return failure_evidence(every[chosen], outcome, aftermath_of(every, chosen))


def unrecovered_failure(calls: list[ToolCall]) -> ToolCall | None:
    """The failed call that ended an attempt: the last real call failed, or a call that changes something
    failed and no later call of the same tool worked."""
    real = [c for c in calls if not is_scratchpad(c.tool)]
    if real and real[-1].status != "ok":
        return real[-1]
    for index, call in enumerate(real):
        if call.status == "ok" or _only_looks(call):  # "gh pr checks" exits 1 when checks fail: a look
            continue
        if not any(_redone(later, call) and later.status == "ok" for later in real[index + 1 :]):
            return call
    return None


def _redone(later: ToolCall, failed: ToolCall) -> bool:
    """``later`` does again what ``failed`` was to do; through a shell, the same program and subcommand
    (a failed ``npm install`` is not made good by the ``git checkout -`` that cleaned up after it)."""
    if later.tool == failed.tool and as_compared(failed.tool) == "shell":
        return command_head(later.arguments) == command_head(failed.arguments)
    return _same_change(later.tool, failed.tool)


def _same_change(tool: str, failed: str) -> bool:
    """``tool`` changes what ``failed`` was to change: the same tool, or one on the same thing by another way
    (an exchange refused for a pending order, done as ``modify_pending_order_items``: both change order items)."""
    if tool == failed:
        return True
    if is_read_only(tool) or is_scratchpad(tool):
        return False
    mine, theirs = words(tool), words(failed)
    if not mine or not theirs or mine[-1] != theirs[-1]:
        return False  # another object: an address changed is not an order cancelled
    actions, failed_actions = tool_actions(tool), tool_actions(failed)
    if actions and failed_actions and not actions & failed_actions:
        return False  # another kind of change: an event created is not an event deleted
    shared = {w for w in mine if len(w) > 2} & {w for w in theirs if len(w) > 2}
    return len(shared) >= _SHARED_OBJECT_WORDS


_SHARED_OBJECT_WORDS = 2


def _texts_after_last_call(task: Task) -> list[str]:
    """What the user said after the last call that changed something ("that didn't work" is often followed
    by the agent looking again before it gives up), or after the last call of a task of lookups."""
    # the user's own calls (a device they were told to restart) are tries on the way, not the agent's last word;
    # a hand-off after "still slow" gives up on the task, it does not do it
    calls = [t for t in task.turns if isinstance(t, ToolCall) and not t.by_user]
    worked = [c for c in calls if not is_handoff(c.tool)]
    acting = [c for c in worked if _acted_on(c)]
    last = task.turns.index((acting or worked or calls)[-1]) if calls else -1
    return [t.text for t in task.turns[last + 1 :] if isinstance(t, Message) and t.role == "user"]


def _conceded(task: Task, aftermath: Sequence[Message]) -> bool:
    """After the last call, the user pushed back and the agent agreed, with nothing done about it: "wait, 25
    rows?" / "You're right, sorry — dropna() removed every row with a blank field; the saved file is wrong"."""
    calls = [i for i, t in enumerate(task.turns) if isinstance(t, ToolCall)]
    after = [t for t in task.turns[max(calls, default=-1) + 1 :] if isinstance(t, Message)]
    pushed_back = False
    for turn in [*after, *aftermath]:
        if turn.reasoning:
            continue
        if turn.role == "user":
            pushed_back = True
        elif turn.role == "assistant" and pushed_back and _CONCEDES.search(turn.text):
            return True
    return False


# An agent agreeing its result was wrong: about what it did, in any domain.
_CONCEDES = re.compile(
    r"\b(?:you(?:'re| are) (?:right|correct)|my (?:mistake|bad|apologies|error)|i apologi[sz]e|i made (?:a|an) "
    r"(?:mistake|error)|that was (?:my|a) (?:mistake|error)|(?:is|was) wrong|(?:didn't|did not) include"
    r"|i (?:used|searched|sent|set|picked|chose|deleted|updated|queried) the wrong|i \w+[^.!?\n]{0,80}? instead of"
    r"|(?:not able|unable) to (?:edit|correct|fix|amend|undo|reverse) (?:it|that|this|(?:the|a|an) \w+)[^.!?\n]{0,40}?"
    r" once it(?:'s| is| has been| was) (?:submitted|filed|sent|posted|created)"
    r"|can (?:correct|fix|amend) (?:it|that|this) for you later)\b",
    re.IGNORECASE,
)


def _answer_after_last_call(task: Task) -> str:
    """The agent's reply to what its last call found (a refusal is often followed by small talk)."""
    calls = [i for i, t in enumerate(task.turns) if isinstance(t, ToolCall)]
    after = task.turns[max(calls, default=-1) + 1 :]
    return next((t.text for t in after if isinstance(t, Message) and t.role == "assistant" and not t.reasoning), "")


def _acted_on(turn: object) -> bool:
    return isinstance(turn, ToolCall) and turn.status == "ok" and not _only_looks(turn)


def _has_placeholder(plan: StepPlan) -> bool:
    return any(PLACEHOLDER.search(canonical_json(step.arguments)) for step in plan.steps)


_REASON = re.compile(
    r"\b(?:because|since|due to|without|unless|only|policy|not (?:permitted|allowed|eligible|possible)"
    r"|cannot be|can't be|within|after|before|expired|limit)\b",
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
        core = substituted(core, _IMPERSONAL)
        if len(core.split()) >= 5:
            return core[0].upper() + core[1:]
    return None
