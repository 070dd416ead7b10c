"""When a new run is another run of a task already known: ``MergePolicy`` and the evidence it weighs (the
calls that change something, the words of their arguments, the kind of action asked; whether two runs made
the same calls is ``same_calls``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deftly.tools.extract.base import Draft
from deftly.tools.extract.segment import leaf_strings
from deftly.tools.extract.steps import signature
from deftly.tools.extract.tools_kind import as_compared, is_generic, is_handoff, is_read_only, ui_driver_action
from deftly.tools.extract.vocabulary import is_operation_word, primary_action, tool_actions
from deftly.tools.generalize import canonical_json
from deftly.tools.generalize.commands import command_head, is_read_command, only_looks, without_setup
from deftly.tools.merge import step_key
from deftly.tools.models import Procedure, Step
from deftly.tools.same_calls import (
    WORD,
    chosen_where_asked,
    looks,
    other_fields,
    same_calls,
    same_options,
    where_one_varies,
)
from deftly.tools.tool_spelling import spelled_like
from deftly.tools.values import COMMAND_KEYS, PLACEHOLDER, QUERY_KEYS, SQL_TABLE_WORDS


@dataclass(frozen=True)
class MergePolicy:
    """When a draft is another run of a stored procedure's task.

    Runs of the same task ask for the same thing (their goals, generalized, are near-paraphrases) and
    change the same things (the same side-effect tools). Similar words with other side effects, or the
    same tools for another goal, are different procedures.
    """

    same_goal_similarity: float = 0.85
    same_steps_similarity: float = 0.75  # when the whole tool sequence is the same, the goal may be worded further off
    # When the calls that change something are the same calls (tools, argument names, fixed values) and the
    # request asks for the same kind of action, another user's wording may be much further off: sentence
    # vectors of "set up a call with {name} on {date}" and "book {number} minutes with {name}" are ~0.5 apart.
    same_calls_similarity: float = 0.45
    # Several tools that change something, the same ones with the same arguments in both runs (an export and
    # its share link; an invoice created and sent): the calls say more, the wording may say less.
    same_changes_similarity: float = 0.35
    # Lookups are the same few calls for many questions ("how many bags", "is it insured"), and a hand-off
    # the same call for whatever was asked: there the calls say less, and the wording must say more. (A shell
    # or an editor says nothing at all: tasks done only through them merge by wording alone.)
    same_lookups_similarity: float = 0.6
    # Runs whose calls are the same, argument for argument (``same_work``), are the same task however the
    # users worded it ("bump numpy to 2.1 and open a PR" vs "please move fastapi to 0.115, send a PR": 0.25
    # apart), as long as they ask for the same kind of action.
    same_work_similarity: float = 0.25
    same_work_overlap: float = 0.9
    lesson_similarity: float = 0.55
    candidates: int = 5
    # Another user's wording may sit behind many nearer ones ("clean up the duplicates from {email}" reads
    # like closing or archiving tickets, not like "pls merge em"): a draft whose calls change something through
    # tools that say what they do weighs this many (``same_task`` keeps only those changing the same things).
    same_effects_candidates: int = 50

    @property
    def floor(self) -> float:
        """Below this goal similarity no rule merges."""
        return min(
            self.same_goal_similarity, self.same_steps_similarity, self.same_calls_similarity, self.same_work_similarity
        )

    def same_task(self, draft: Draft, procedure: Procedure, similarity: float) -> bool:
        mine = spelled_like(draft.steps, procedure.steps)
        steps, other = compared_steps(mine), compared_steps(procedure.steps)
        effects = side_effects(steps)
        if effects != side_effects(other):
            return False
        if not same_options(steps, other, (draft.goal, procedure.goal)):
            return False  # "status": "Done" against "In Progress": another outcome, however alike the words
        if not _same_action(draft.goal, procedure.goal, effects):
            return False  # "cancel" and "change", or through a shell "show" and "delete": two tasks
        generic = bool(effects) and all(is_generic(tool) for tool in effects)
        telling = bool(effects) and not all(is_handoff(tool) for tool in effects)
        if (
            similarity >= self.same_work_similarity
            and (not generic or _has_command_line(steps))  # an edit and "pytest -q" are every task's
            and same_work(steps, draft.goal, other, procedure.goal, self.same_work_overlap)
        ):
            return True
        if generic:
            # A shell and an editor make every coding task's calls: only the wording can tell, unless the
            # same real command line ran in both ("find {path} -name '*.gz' -mtime +14 -delete").
            if similarity >= self.same_goal_similarity:
                return True
            return (
                similarity >= self.same_lookups_similarity
                and _has_command_line(steps)
                and same_calls(steps, other, (draft.goal, procedure.goal))
            )
        if other_fields(steps, other):
            return False  # the same tool changing another field ("changes": manager / job title)
        same_steps = signature(mine) in procedure.signatures
        if similarity >= (self.same_steps_similarity if same_steps else self.same_goal_similarity):
            return True
        needed = self.same_calls_similarity if telling else self.same_lookups_similarity
        if telling and len(effects) >= 2:
            needed = self.same_changes_similarity
        return similarity >= needed and same_calls(steps, other, (draft.goal, procedure.goal))


def same_work(steps: list[Step], goal: str, other: list[Step], other_goal: str, overlap: float) -> bool:
    """The same calls in the same order, whose arguments share ``overlap`` of their words (placeholders
    aside): the same commands, queries and options, whoever asked and however."""
    steps, other = _without_shell_reads(steps), _without_shell_reads(other)
    steps, other = _without_checks_after(steps), _without_checks_after(other)
    if _work_keys(steps) != _work_keys(other) or not same_calls(steps, other, (goal, other_goal)):
        return False
    steps, other = _without_setup(_the_work(steps)), _without_setup(_the_work(other))
    changes = any(s.tool and not is_read_only(s.tool) and not is_handoff(s.tool) for s in steps)
    mine, theirs = argument_words(steps, changes), argument_words(other, changes)
    # A word only one run wrote that its user had said ("numpy", "Germany", "billing") is that run's instance;
    # an operation ("delete", "stop", "-X", "force") is what the run did, even when its user said it.
    # An option one run chose where the other's user gave it ("priority": "High" / "{priority}") is the same call.
    chosen = chosen_where_asked(steps, other) | chosen_where_asked(other, steps) | where_one_varies(steps, other)
    differing = {w for w in mine - theirs if not _instance(w.split(":")[-1], goal) and w not in chosen}
    differing |= {w for w in theirs - mine if not _instance(w.split(":")[-1], other_goal) and w not in chosen}
    shared = len(mine & theirs)
    return shared > 0 and shared >= overlap * (shared + len(differing))


def _work_keys(steps: list[Step]) -> list[str]:
    """The calls in order, a shell's by its program and subcommand (``_the_work``)."""
    return [step_key(s) for s in _the_work(steps) if s.tool]


def _the_work(steps: list[Step]) -> list[Step]:
    """Each shell command once, where it first ran: one run checks its ``terraform plan`` again after the
    apply, another does not."""
    seen: set[str] = set()
    kept = []
    for step in steps:
        key = step_key(step)
        if key in seen and step.tool and is_generic(step.tool) and command_head(step.arguments):
            continue
        seen.add(key)
        kept.append(step)
    return kept


def _without_setup(steps: list[Step]) -> list[Step]:
    """Command lines without the scene they set (``cd {path} && terraform apply`` is ``terraform apply``)."""
    return [
        s.model_copy(update={"arguments": {k: without_setup(v) if k.lower() in COMMAND_KEYS and isinstance(v, str)
                                           else v for k, v in s.arguments.items()}})
        if s.tool and is_generic(s.tool) else s
        for s in steps
    ]  # fmt: skip


def argument_words(steps: list[Step], with_keys: bool = True) -> set[str]:
    """The words of the calls' arguments (placeholders aside), each tagged with its tool; without key names,
    two lookups by {user_id} and {reservation_id} share no words at all, two runs of one query still do."""
    found: set[str] = set()
    for step in steps:
        arguments = _looked_up_by(step) if with_keys else step.arguments
        texts = [canonical_json(arguments)] if with_keys else leaf_strings(arguments)
        for text in texts:
            text = _TABLE.sub(r"\1 table_\2", PLACEHOLDER.sub(" ", text).lower())
            found.update(f"{step.tool}:{word}" for word in WORD.findall(text))
    return found


def _looked_up_by(step: Step) -> dict[str, object]:
    """A lookup's arguments, an identifier by whose it is and not by which of theirs: one run searches the
    tickets by {requester}, another by {requester_email}, and both merge the same tickets (by {sender} and by
    {recipient} they do not)."""
    if not step.tool or not is_read_only(step.tool):
        return step.arguments
    return {
        _whose(k) if isinstance(v, str) and PLACEHOLDER.fullmatch(v.strip()) else k: v
        for k, v in step.arguments.items()
    }


def _whose(key: str) -> str:
    """``requesterEmail`` and ``requester_id`` -> ``requester``: the identifier's kind said after whose it is
    goes; ``updated_before`` stays ``updated_before``."""
    parts = [p.lower() for p in _KEY_PARTS.split(key) if p]
    return parts[0] if len(parts) > 1 and set(parts[1:]) <= _IDENTIFIER_KINDS else key


_KEY_PARTS = re.compile(r"[_\-.]|(?<=[a-z])(?=[A-Z])")
_IDENTIFIER_KINDS = frozenset(
    {"id", "ids", "email", "emails", "name", "username", "handle", "login", "number", "address"}
)


# The table a query reads is what it counts ("users" / "orders"), even when the user said the word.
_TABLE = re.compile(rf"\b({'|'.join(SQL_TABLE_WORDS)})\s+([a-z_][a-z0-9_.]*)")


def _instance(word: str, goal: str) -> bool:
    return word in WORD.findall(goal.lower()) and not is_operation_word(word)


def _without_shell_reads(steps: list[Step]) -> list[Step]:
    """One run of a task looks at the logs before the restart and another does not: the same work. In a task
    of looks, the last one (the query that answered) is the work."""
    reads = [n for n, s in enumerate(steps) if s.tool and is_generic(s.tool) and is_read_command(s.arguments)]
    kept = [s for n, s in enumerate(steps) if n not in reads]
    if any(s.tool and not looks(s) for s in kept):
        return kept
    return [s for n, s in enumerate(steps) if n not in reads[:-1]]


_COMMAND_WORDS = 6  # "pytest -q" is every project's; a six-word command line is this task's


def _without_checks_after(steps: list[Step]) -> list[Step]:
    """Without the lookups after the last change: one run reads the deal back to confirm the new stage,
    another does not, and both did the same work."""
    changed = [n for n, s in enumerate(steps) if s.tool and not looks(s)]
    if not changed:
        return steps
    return [s for n, s in enumerate(steps) if n <= changed[-1] or not (s.tool and looks(s))]


def _has_command_line(steps: list[Step]) -> bool:
    """A command line, query or script of this task's own: six words or more, or several lines (shortened)."""
    return any(
        (key.lower() in COMMAND_KEYS or QUERY_KEYS.match(key.lower()))
        and isinstance(value, str)
        and (len(value.split()) >= _COMMAND_WORDS or value.endswith(" …"))
        for step in steps
        for key, value in step.arguments.items()
    )


def _same_action(goal: str, other: str, tools: frozenset[str]) -> bool:
    """Not two different kinds of action: the first action each request names (cancel, change, book, archive,
    ...) is the same, or one names none. What the shared tools do anyway does not count ("upgrade numpy and
    open a PR" vs "bump it, send a PR"). Through a shell, a query runner or only lookups, reading is an action
    too: "show me the sessions" and "delete the sessions" can be one SQL verb apart."""
    reads = bool(tools) and all(is_generic(tool) for tool in tools)
    done = {action for tool in tools for action in tool_actions(tool)}
    asked, other_asked = primary_action(goal, reads), primary_action(other, reads)
    if asked is None or other_asked is None or asked in done or other_asked in done:
        return True
    return asked == other_asked


def compared_steps(steps: list[Step]) -> list[Step]:
    """The steps as runs are compared: each tool under one name whatever the harness (``as_compared``), a shell
    with only its command line. A run through Claude Code's "Bash" (with a "description") and one through
    Codex's "shell" (with a "workdir" and a "timeout_ms") ran the same commands."""
    return [_compared(step) for step in steps]


def _compared(step: Step) -> Step:
    if not step.tool:
        return step
    if ui_driver_action(step.tool) is not None:  # which buttons and fields a page had is not the task
        return step.model_copy(update={"tool": "browser.look" if is_read_only(step.tool) else "browser"})
    tool = as_compared(step.tool)
    if tool != "shell":
        return step if tool == step.tool else step.model_copy(update={"tool": tool})
    command = {k: v for k, v in step.arguments.items() if k.lower() in COMMAND_KEYS and k.lower() != "description"}
    return step.model_copy(update={"tool": "shell", "arguments": command or step.arguments})


def side_effects(steps: list[Step]) -> frozenset[str]:
    """The tools that change something (hand-offs included); empty for a read-only task. A query runner or a
    shell that only looked (``run_query("SELECT COUNT(*) …")`` before the export) changed nothing."""
    return frozenset(s.tool for s in steps if s.tool and not only_looks(s.tool, s.arguments))
