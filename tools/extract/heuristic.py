"""The offline extractor: deterministic, no model, good enough to be the default."""

from __future__ import annotations

import json
import re

from deftly.tools.extract.argv import with_command_lines
from deftly.tools.extract.asked import combined_action, identity_answers, title_request, with_chosen_options
from deftly.tools.extract.base import Draft, Extraction, Skipped, Task
from deftly.tools.extract.compound import split_compound
from deftly.tools.extract.injection import obeyed_in, obeyed_reason, screened
from deftly.tools.extract.noun_titles import finished_title, imperative_title, opens_with_object
from deftly.tools.extract.people import request_names
from deftly.tools.extract.segment import is_substantive, split_tasks
from deftly.tools.extract.select import aftermath_of, lesson_from, skip_reason
from deftly.tools.extract.step_title import fallback_title
from deftly.tools.extract.steps import StepPlan, generalize_text, plan_steps
from deftly.tools.extract.titles import (
    is_vague,
    only_placeholders,
    request_sentence,
    request_title,
    title_from,
    when_to_use,
)
from deftly.tools.extract.tools_kind import is_generic, is_read_only
from deftly.tools.extract.validate import placeholder_names, sensitive_literals, trace_literals, without_leaks
from deftly.tools.extract.wording import generalize_words, with_long_values
from deftly.tools.generalize import ValueBinder, command_head
from deftly.tools.generalize.binder import carried
from deftly.tools.generalize.provenance import opens_a_sentence
from deftly.tools.models import Outcome, Parameter, Step
from deftly.tools.trace import ToolCall, Trace
from deftly.tools.values import HOW_NAME_KEYS, NAME_KEYS, example_for, literal_leaks

# A bare "name" is as often a product's or a file's as a person's, so only these keys say "person".
_NAME_FIELD = re.compile(
    r'"(?:first_?name|last_?name|full_?name|given_?name|family_?name|surname|user_?name|display_?name|real_?name)"'
    r'\s*:\s*"([^"]{2,60})"',
    re.IGNORECASE,
)
_BARE_NAME_FIELD = re.compile(r'"name"\s*:\s*"([^"]{2,60})"')
# PascalCase APIs' (Xero, AWS), not a state's: "State": {"Code": 16, "Name": "running"}
_PASCAL_NAME_FIELD = re.compile(r'"Name"\s*:\s*"(?![a-z]+")([^"]{2,60})"')
# A proper name of several words under any field ("account": "Bluefin Logistics", "city": "New York"): what
# the tools called that, the user's words name this run's instance, not the task's.
# "Anouk Hasegawa <ah@ellis.co>": a mailbox's display name is a person's.
_MAILBOX = re.compile(r"\b([A-Z][\w'.-]+(?: [A-Z][\w'.-]+){1,3}) <[^<>\s\"]+@[^<>\s\"]+>")
# "From github.com:fernhillgames/notifier", "full_name": "acme/api": the repository's own name, which a user
# says alone ("a patch release of notifier").
_REPOSITORY = re.compile(
    r"(?:(?:github\.com|gitlab\.com|bitbucket\.org)[:/]|\"(?:full_name|repo|repository)\"\s*:\s*\")[\w.-]+/([\w-]{3,})"
)
_PROPER_NAME_FIELD = re.compile(
    r'"([A-Za-z][A-Za-z_]{2,24})"\s*:\s*"((?:[A-Z][\w&\'.-]*)(?: (?:&|[—–-]|\\u201[34]|[A-Z][\w&\'.-]*)){1,6})"'
)


_OPTION_KEYS = frozenset(
    {"label", "stage", "status", "state", "priority", "category", "type", "kind", "severity", "level", "phase"}
)


def _unescaped(value: str) -> str:
    """A JSON string's text ("Interstate Truck Center \\u2014 Fresno" as the user wrote it, with its dash)."""
    try:
        return str(json.loads(f'"{value}"'))
    except ValueError:
        return value


def _proper_name_kind(key: str) -> str:
    if NAME_KEYS.search(key) and key != "name":
        return "name"
    return "item" if key in {"name", "title", "label", "product", "product_name", "display"} else key


_PLACEHOLDER_KINDS = {
    "date": "date",
    "time": "time",
    "email": "email",
    "url": "url",
    "path": "path",
    "amount": "amount",
    "number": "number",
    "id": "id",
    "name": "name",
    "file_name": "file",
    "version": "version",
    "ip_address": "ip",
    "current_version": "version",
    "project_dir": "path",
    "origin": "text",
    "destination": "text",
}


MAX_REQUEST_WORDS = 40
MAX_GOAL_WORDS = 80
_MAX_VALUE_WORDS = 3


class HeuristicExtractor:
    name = "heuristic"
    # Traces the worker learns from together: fewer, larger model calls and table writes.
    batch_size = 64

    def extract(self, trace: Trace, outcome: Outcome | None = None) -> Extraction:
        trace = with_command_lines(trace)
        names = known_names(trace)
        literals = trace_literals(trace, names)
        extraction = Extraction(extractor=self.name)
        obeyed = obeyed_in(trace)
        tasks = split_compound(split_tasks(trace))
        for index, task in enumerate(tasks):
            binder = ValueBinder(request="\n".join(task.user_texts), cwd=trace.cwd)
            plan = plan_steps(task.calls, binder)
            reason = obeyed_reason(task.calls, obeyed) or skip_reason(task, plan, outcome, aftermath_of(tasks, index))
            if reason is None:
                draft = build_draft(task, plan, binder, names)
                extraction.drafts.append(without_leaks(draft, literals))
            else:
                extraction.skipped.append(screened(skipped_task(task, reason, binder, names)))
        return extraction


def build_draft(task: Task, plan: StepPlan, binder: ValueBinder, names: dict[str, str]) -> Draft:
    values = binder.value_map()
    # A shell or an editor says nothing about the task, so it cannot confirm or contradict the title.
    actions = [s.tool for s in plan.steps if s.tool and not is_read_only(s.tool) and not is_generic(s.tool)]
    main = next((s for s in reversed(plan.steps) if s.tool in actions), plan.steps[-1])
    named_actions = with_chosen_options(actions, plan.steps)
    answers = identity_answers(task) | task.device_reports
    request = with_long_values(title_request(task, named_actions, answers), values)
    fallback = (
        steps_title(actions, main)
        if actions
        else (request_title(request, values, names) or fallback_title(main.tool or main.action, main.arguments))
    )
    title = title_from(request, values, names, named_actions, fallback)
    if is_generic(main.tool or "") and title == fallback_title(main.tool or main.action, main.arguments):
        title = command_title(plan.steps) or title  # "Bash" says nothing; the commands say what was done
    else:
        title = imperative_title(title, plan.steps)  # "Remaining vacation days" -> "Find the remaining …"
        if actions and opens_with_object(title, [s.tool for s in plan.steps if s.tool]):
            title = fallback  # "Payment arrangement pls": the steps say what was done with it
    title = finished_title(title, plan.steps, generalize_words(request, values, names))
    if only_placeholders(title):
        title = finished_title(fallback, plan.steps, "")  # "{name}": the steps say what was done
    draft = Draft(
        title=title,
        when_to_use=when_to_use(request, values, names),
        steps=plan.steps,
        pitfalls=list(dict.fromkeys(plan.pitfalls)),
        requests=[whole_request(text, values, names) for text in _examples(task, request, answers)],
        task_index=task.index,
        # A repository's name stays in the goal: "a release of notifier" is nearer other releases than "of {repo}",
        # which every task in any repository shares.
        goal=goal_of(task, binder.value_map(readable_too=True), {n: k for n, k in names.items() if k != "repo"}),
    )
    draft.parameters = used_parameters(draft, binder.parameters())
    return draft


def steps_title(actions: list[str], main: Step) -> str:
    """What the steps did, when the request does not say: "Modify pending order address and items for
    {order_id}" for two actions, "Cancel reservation {reservation_id}" for one."""
    combined = combined_action(actions)
    return fallback_title(combined or main.tool or main.action, main.arguments)


def command_title(steps: list[Step]) -> str | None:
    """ "Run ruff check and pytest": the programs a shell session ran, when nothing else says what it did."""
    lines = [{k: v for k, v in s.arguments.items() if k.lower() in _COMMAND_LINES} for s in steps]
    heads = list(dict.fromkeys(" ".join(command_head(line)) for line in lines if command_head(line)))
    return f"Run {' and '.join(heads[:3])}" if heads else None


# Only a shell's command line starts with a program; code ("import pandas as pd") or a query does not.
_COMMAND_LINES = frozenset({"command", "cmd", "commands", "shell_command"})


def _examples(task: Task, titled: str, answers: set[str]) -> list[str]:
    """The run's first request, as later users will open theirs; and, when the first says nothing of the task
    ("Hi, I need help with an order"), the message the title came from or else the first that asks something."""
    sentence = request_sentence(task.request)
    if sentence is not None and not is_vague(sentence):
        return [task.request]
    asking = [
        t
        for t in task.user_texts
        if t != task.request and t not in answers and (s := request_sentence(t)) and not is_vague(s)
    ]
    better = titled if titled != task.request and titled not in answers else next(iter(asking), None)
    return [task.request, better] if better else [task.request]


def whole_request(text: str, values: dict[str, str], names: dict[str, str]) -> str:
    """The request as the user wrote it, generalized and clipped: what a later request for the same task resembles."""
    return generalize_words(" ".join(text.split()[:MAX_REQUEST_WORDS]), values, names)


def goal_of(task: Task, values: dict[str, str], names: dict[str, str]) -> str:
    """Everything the user asked for in this task (not the yes/no answers), generalized: two runs of the same
    task agree on it even when their first messages differ. ``values`` should hold every value the tools
    used, options and free text too ("payments logs" and "search logs" are the same task)."""
    reports = task.device_reports - {task.request}  # a first message after a device check still asks
    asked = " ".join(text for text in task.user_texts if is_substantive(text) and text not in reports)
    # A sentence the agent copied from the request into an argument (a PR title, a ticket summary) is not a
    # value of the task: replacing it would leave "{title} and open a PR" with nothing of what was asked. An
    # address inside a sentence is a value, however many words it has.
    values = {
        value: name
        for value, name in values.items()
        if len(value.split()) <= _MAX_VALUE_WORDS or carried(name) or not opens_a_sentence(value, asked)
    }
    return generalize_words(" ".join(asked.split()[:MAX_GOAL_WORDS]), values, names)


def used_parameters(draft: Draft, bound: list[Parameter]) -> list[Parameter]:
    """Parameters for the placeholders the title and steps use, in order of first use."""
    used = placeholder_names(Draft(title=draft.title, when_to_use="", steps=draft.steps))
    by_name = {p.name: p for p in bound}
    parameters = []
    for name in used:
        if name == "secret":
            continue
        if name in by_name:
            parameters.append(by_name[name])
        else:
            base = re.sub(r"_\d+$", "", name)
            kind = _PLACEHOLDER_KINDS.get(base, "text")
            parameters.append(
                Parameter(
                    name=name,
                    description=f"{kind.capitalize()} from the user's request.",
                    kind=kind,
                    example=example_for(kind, ""),
                    source="request",
                )
            )
    return parameters


def skipped_task(task: Task, reason: str, binder: ValueBinder, names: dict[str, str]) -> Skipped:
    lesson = lesson_from(task)
    literals = sensitive_literals(task, names)
    generalized_lesson = None
    if lesson:
        generalized_lesson = generalize_text(generalize_words(lesson, binder.value_map(), names), binder)
        if literal_leaks(generalized_lesson, literals):  # whole words: "Ann" is not in "cannot"
            generalized_lesson = None
    sentence = request_sentence(task.request) or task.request
    return Skipped(
        task_index=task.index,
        reason=reason,
        request=generalize_words(sentence, binder.value_map(), names),
        lesson=generalized_lesson,
        tools=sorted({c.tool for c in task.calls if isinstance(c, ToolCall)}),
    )


def known_names(trace: Trace) -> dict[str, str]:
    """Names seen in tool results and arguments, each with its placeholder, so titles and requests never carry
    them: a person's (``first_name``, ``username``, ...) becomes ``{name}``, a bare ``name`` field -- as often a
    product's, a file's or a team's -- becomes ``{item}``."""
    names: dict[str, str] = {}
    for call in trace.tool_calls:
        if call.result is not None:
            for match in [
                *_BARE_NAME_FIELD.finditer(call.result.content),
                *_PASCAL_NAME_FIELD.finditer(call.result.content),
            ]:
                names.setdefault(match.group(1), "item")
            for match in _PROPER_NAME_FIELD.finditer(call.result.content):
                if match.group(1).lower() in _OPTION_KEYS:
                    continue  # "label": "Closed – Won", "stage": "Qualified Lead": one of a few options, the how
                names.setdefault(_unescaped(match.group(2)), _proper_name_kind(match.group(1).lower()))
            names.update((m.group(1), "name") for m in _NAME_FIELD.finditer(call.result.content))
            names.update((m.group(1), "name") for m in _MAILBOX.finditer(call.result.content))
            names.update((m.group(1), "repo") for m in _REPOSITORY.finditer(call.result.content))
        for key, value in call.arguments.items():
            how = HOW_NAME_KEYS.search(key.lower())  # "action_name": "contain" is what was done
            if isinstance(value, str) and re.search(r"name$", key.lower()) and len(value) < 60 and not how:
                names[value] = "name" if NAME_KEYS.search(key.lower()) and key.lower() != "name" else "item"
    for name in request_names(trace):
        names[name] = "name"  # the tools know them by an address or handle too: a person, not a product
    return {name: kind for name, kind in names.items() if any(ch.isalpha() for ch in name)}
