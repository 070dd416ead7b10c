"""Text renderings of a procedure: compact Markdown for agents, and the documents search indexes."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from deftly.tools.extract.vocabulary import ASKS_FOR, ASKS_TO, action_synonyms
from deftly.tools.models import Procedure, Stats, Step
from deftly.tools.values import COMMAND_KEYS, PLACEHOLDER

MAX_EMBEDDED_EXAMPLES = 4  # each past request is a search phrase of its own; more add little

_MAX_ARG_CHARS = 60
_MAX_COMMAND_CHARS = 160
MAX_RENDERED_PITFALLS = 3
_STEP_FAILURE_MARK_MIN_RUNS = 3


def render_markdown(procedure: Procedure, stats: Stats | None = None) -> str:
    """Title, when to use, inputs, numbered steps and pitfalls; short enough for a system prompt.

    Only inputs the caller supplies are listed; values later steps take from earlier results show
    as "→ {name}" on the step that produces them.
    """
    lines = [f"## {procedure.title}"]
    if procedure.when_to_use:
        lines.append(f"Use when: {procedure.when_to_use}")
    inputs = [p for p in procedure.parameters if not p.source.startswith("step ")]
    if inputs:
        lines.append("Inputs: " + ", ".join(f"{{{p.name}}} ({p.kind})" for p in inputs))
    for number, step in enumerate(procedure.steps, start=1):
        lines.extend(_step_lines(number, step, stats))
    if procedure.pitfalls:
        lines.append("Pitfalls:")
        lines.extend(f"- {pitfall}" for pitfall in procedure.pitfalls[:MAX_RENDERED_PITFALLS])
        if len(procedure.pitfalls) > MAX_RENDERED_PITFALLS:
            lines.append(f"- (+{len(procedure.pitfalls) - MAX_RENDERED_PITFALLS} more: get_procedure {procedure.id})")
    if stats is not None and stats.needs_review:
        lines.append("> Needs review: most recent runs of this procedure failed; verify each step.")
    return "\n".join(lines)


def render_compact(procedure: Procedure, stats: Stats | None = None) -> str:
    """Title and numbered steps only, so three results fit in a system prompt."""
    lines = [f"## {procedure.title}"]
    for number, step in enumerate(procedure.steps, start=1):
        lines.extend(_step_lines(number, step, stats))
    extras = [
        _count(len(items), noun)
        for items, noun in ((procedure.parameters, "parameter"), (procedure.pitfalls, "pitfall"))
        if items
    ]
    if extras:
        lines.append(f"({' and '.join(extras)}: get_procedure {procedure.id})")
    if stats is not None and stats.needs_review:
        lines.append("> Needs review: most recent runs of this procedure failed; verify each step.")
    return "\n".join(lines)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _step_lines(number: int, step: Step, stats: Stats | None) -> list[str]:
    call = render_call(step) if step.tool else ""
    says_more = step.action and step.tool and _plain_words(step.action) != _plain_words(step.tool)
    head = step.action if not call else (f"{step.action}: {call}" if says_more else call)
    if step.produces:
        head += " → " + ", ".join(f"{{{name}}}" for name in step.produces)
    if stats is not None and _step_often_fails(number, stats):
        head += f" ⚠ failed in {stats.step_failures[number]} runs"
    lines = [f"{number}. {'(If needed) ' if step.optional else ''}{head}"]
    if step.decision:
        lines.append(f"   - {step.decision}")
    return lines


def _plain_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()))


def _step_often_fails(number: int, stats: Stats) -> bool:
    failures = stats.step_failures.get(number, 0)
    runs = stats.successes + stats.failures
    return failures >= 2 and runs >= _STEP_FAILURE_MARK_MIN_RUNS and failures * 2 > runs


def render_call(step: Step) -> str:
    args = ", ".join(
        f"{name}={render_command(value) if name.lower() in COMMAND_KEYS else render_value(value)}"
        for name, value in step.arguments.items()
    )
    return f"`{step.tool}({args})`"


def render_command(value: Any) -> str:
    """A command line is the point of its step: shown whole up to a generous limit, argv lists included."""
    argv = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not argv and not (isinstance(value, str) and not _is_placeholder(value)):
        return render_value(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_COMMAND_CHARS else text[: _MAX_COMMAND_CHARS - 2] + '…"'


def render_value(value: Any, depth: int = 0) -> str:
    """Compact argument values: placeholders bare, strings quoted, nested structures abbreviated."""
    if isinstance(value, str):
        if _is_placeholder(value) or value == "…":
            return value
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= _MAX_ARG_CHARS else text[: _MAX_ARG_CHARS - 2] + '…"'
    if isinstance(value, dict):
        if depth >= 2:
            return "{…}"
        inner = ", ".join(
            k if isinstance(v, str) and v == "{" + k + "}" else f"{k}: {render_value(v, depth + 1)}"
            for k, v in value.items()
        )
        return "{" + inner + "}"
    if isinstance(value, list):
        if depth >= 2:
            return "[…]"
        return "[" + ", ".join(render_value(v, depth + 1) for v in value[:3]) + (", …" if len(value) > 3 else "") + "]"
    return json.dumps(value, ensure_ascii=False)


def _is_placeholder(value: str) -> bool:
    return value.startswith("{") and value.endswith("}") and " " not in value and value.count("{") == 1


def action_summary(procedure: Procedure) -> str:
    """What the procedure does, in the everyday verbs a request would use:
    "change, update, modify, edit reservation flights"."""
    from deftly.tools.extract.tools_kind import is_read_only, words

    acting = [t for t in procedure.tools if not is_read_only(t)] or procedure.tools[-1:]
    phrases = []
    for tool in acting:
        verbs = action_synonyms(tool)
        objects = words(tool)[1:] if verbs else words(tool)
        phrases.append(" ".join([", ".join(verbs), *objects]).strip())
    return "; ".join(phrases)


def search_document(procedure: Procedure) -> str:
    """What full-text search indexes: the words an agent would use to ask for this procedure."""
    parts = [procedure.title, procedure.when_to_use, action_summary(procedure)]
    parts += [f"{p.name.replace('_', ' ')} {p.description}" for p in procedure.parameters]
    parts += [tool.replace("_", " ") for tool in procedure.tools]
    parts += [step.action for step in procedure.steps]
    parts += procedure.examples
    parts += procedure.asked or [procedure.goal]  # the later messages say what tells this task from others
    parts += procedure.tags
    return "\n".join(part for part in parts if part)


def search_phrases(procedure: Procedure) -> list[tuple[str, str]]:
    """The phrases an agent's request is compared with, as (kind, text): the title, when to use it,
    past requests, and what it does. Each is embedded on its own, so a short query is not diluted."""
    when = procedure.when_to_use
    asks_to = when.startswith((ASKS_TO, ASKS_FOR))  # "The user asks to <request>." repeats an example
    candidates = [
        ("title", readable(procedure.title, procedure)),
        *([] if asks_to or not when else [("when", readable(when, procedure))]),
        *(("example", readable(e, procedure)) for e in procedure.examples[:MAX_EMBEDDED_EXAMPLES]),
        ("action", embedding_text(procedure)),
        ("steps", steps_text(procedure)),
    ]
    seen: set[str] = set()
    phrases = []
    for kind, text in candidates:
        key = text.strip().lower()
        if key and key not in seen:
            seen.add(key)
            phrases.append((kind, text.strip()))
    return phrases


def steps_text(procedure: Procedure) -> str:
    """The procedure's title and what its steps do, one line: the context a short title lacks."""
    actions = list(dict.fromkeys(step.action for step in procedure.steps if step.action))
    return readable(f"{procedure.title}: " + ", ".join(actions), procedure)


def goal_text(procedure: Procedure) -> str:
    """What the procedure's task asks for, readable: the vector that recognises another run of it."""
    return readable(procedure.goal or next(iter(procedure.examples), "") or procedure.title, procedure)


def embedding_text(procedure: Procedure) -> str:
    """The procedure in one short line -- what it does and its goal -- for recognising duplicates.

    Short on purpose: the model's cost grows with length, and this is also a search phrase.
    """
    return f"{action_summary(procedure)}: {readable(procedure.title, procedure)}"


_KIND_WORDS = {
    "email": "an email address",
    "date": "a date",
    "time": "a time",
    "amount": "an amount",
    "number": "a number",
    "name": "a person",
    "url": "a link",
    "path": "a file path",
    "file": "a file",
    "text": "something",
    "option": "an option",
    "secret": "a secret",
}
_VAGUE_NAMES = {"to", "q", "query", "input", "text", "value", "data", "arg", "args", "item", "term", "keywords"}


def readable(text: str, procedure: Procedure) -> str:
    """Text with placeholders read as words, for embedding: "{reservation_id}" -> "reservation id",
    "{to}" (an email) -> "an email address"."""
    return placeholder_words(text, {p.name: p.kind for p in procedure.parameters})


def placeholder_words(text: str, kinds: Mapping[str, str] | None = None) -> str:
    """``readable`` for any text: a placeholder of no known kind with a vague name reads as "something"."""
    kinds = kinds or {}

    def word(match: re.Match[str]) -> str:
        name = match.group(1)
        base = re.sub(r"_\d+$", "", name)
        if base in _VAGUE_NAMES:
            return _KIND_WORDS.get(kinds.get(name, "text"), "something")
        return base.replace("_", " ")

    return PLACEHOLDER.sub(word, text).strip()
