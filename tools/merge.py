"""Merging a new draft into a procedure already known, instead of storing a duplicate.

A draft matches a stored procedure when it is another run of the same task: its
goal is a near-paraphrase of the procedure's and it changes the same things
(``MergePolicy``, ``side_effects``). Merging adds the session to ``sources`` (so evidence rises once per
session, never twice), keeps the most general form of each step, and bumps
``version`` (keeping the old one) only when the steps really changed.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deftly.tools.extract.base import Draft
from deftly.tools.extract.steps import signature
from deftly.tools.extract.tools_kind import as_compared
from deftly.tools.extract.vocabulary import is_operation_word
from deftly.tools.generalize import canonical_json, snake_name
from deftly.tools.generalize.commands import command_head
from deftly.tools.models import MetadataValue, Parameter, Procedure, Step
from deftly.tools.tool_spelling import spelled_like
from deftly.tools.values import COMMAND_KEYS, PLACEHOLDER, QUERY_KEYS, SQL_TABLE_WORDS, is_written_query, whole_word

MAX_EXAMPLES = 30
MAX_PITFALLS = 8
_LESSON_STOP = {"cannot", "with", "without", "that", "this", "there", "under", "current", "the", "user", "only"}
MAX_STEPS = 12
MAX_STEP_SOURCES = 5  # calls recorded per step: enough to trace it back, bounded however often it merges


@dataclass(frozen=True)
class Origin:
    """Where a draft came from: its session, and the metadata and tags the procedure inherits."""

    session_id: str
    metadata: dict[str, MetadataValue] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


def new_procedure(draft: Draft, origin: Origin, namespace: str, now: datetime) -> Procedure:
    return Procedure(
        id=procedure_id(draft.title),
        namespace=namespace,
        metadata=dict(origin.metadata),
        tags=list(origin.tags),
        title=draft.title,
        when_to_use=draft.when_to_use,
        goal=draft.goal,
        parameters=draft.parameters,
        steps=with_provenance(draft.steps, origin),
        pitfalls=draft.pitfalls[:MAX_PITFALLS],
        tools=draft.tools,
        examples=draft.requests[:MAX_EXAMPLES],
        asked=[draft.goal] if draft.goal else [],
        sources=[origin.session_id],
        signatures=[signature(draft.steps)],
        created_at=now,
        updated_at=now,
    )


def with_provenance(steps: list[Step], origin: Origin) -> list[Step]:
    """Steps whose call ids name their session: '<session id>#<call id>'."""
    return [
        step.model_copy(update={"sources": [s if "#" in s else f"{origin.session_id}#{s}" for s in step.sources]})
        for step in steps
    ]


def same_steps(a: list[Step], b: list[Step]) -> bool:
    """The same steps; where they were learned from is not part of them."""
    return _steps_json(a) == _steps_json(b)


def _steps_json(steps: list[Step]) -> str:
    return canonical_json([s.model_dump(exclude={"sources"}) for s in steps])


def merge(existing: Procedure, draft: Draft, origin: Origin, now: datetime) -> Procedure:
    """The merged procedure; the caller decides whether it is a new version (see ``same_steps``)."""
    run = new_procedure(draft, origin, existing.namespace, now)
    return absorb(existing, run, now)


def absorb(existing: Procedure, other: Procedure, now: datetime) -> Procedure:
    """``existing`` with ``other``'s runs: its steps aligned with the known ones, its requests, sources and
    tool sequences added. ``other`` is a new run's draft, or a procedure a later run showed to be the same task."""
    other_steps = spelled_like(other.steps, existing.steps)
    steps = used_outputs(merge_steps(existing.steps, other_steps))
    varying = varying_words(existing.steps, other_steps)
    examples = [_replace_words(e, varying) for e in existing.examples]
    added = [_replace_words(e, varying) for e in other.examples]
    return existing.model_copy(
        update={
            "title": _replace_words(existing.title, varying),
            "when_to_use": _replace_words(existing.when_to_use, varying),
            "steps": steps,
            "parameters": merge_parameters(existing.parameters, other.parameters, steps, existing.title),
            "pitfalls": _union_lessons(existing.pitfalls, other.pitfalls),
            "examples": _union(examples, added, MAX_EXAMPLES),
            "asked": _union(
                [a for a in existing.asked or [existing.goal] if a],
                [a for a in other.asked or [other.goal] if a],
                MAX_EXAMPLES,
            ),
            "sources": _union(existing.sources, other.sources, 10_000),
            "metadata": {**other.metadata, **existing.metadata},
            "tags": _union(existing.tags, other.tags, 50),
            "signatures": _union(existing.signatures, other.signatures, 50),
            "tools": list(dict.fromkeys(s.tool for s in steps if s.tool)),
            "updated_at": now,
        }
    )


def merge_steps(old: list[Step], new: list[Step]) -> list[Step]:
    """Align the two step lists on their tools. Common steps keep the more general arguments; a step
    whose tool the other run never used becomes optional; a tool both used but in another order keeps
    the known position (no duplicates). The known order wins, and ``old`` is kept if the merge would
    grow past MAX_STEPS."""
    old_keys, new_keys = [step_key(s) for s in old], [step_key(s) for s in new]
    merged: list[Step] = []
    for i, j in _align(old_keys, new_keys):
        if i is not None and j is not None:
            merged.append(_general_step(old[i], new[j]))
        elif i is not None:
            merged.append(old[i] if old_keys[i] in new_keys else old[i].model_copy(update={"optional": True}))
        elif j is not None and new_keys[j] not in old_keys:
            merged.append(new[j].model_copy(update={"optional": True}))
    return merged if len(merged) <= MAX_STEPS else old


def step_key(step: Step) -> str:
    """What a step does, to align two runs on: its tool, and through a shell its program and subcommand
    (``bash kubectl logs`` and ``bash kubectl rollout`` are two steps, not one ``bash`` twice); every
    harness's shell is one shell."""
    return " ".join([as_compared(step.tool) if step.tool else step.action, *command_head(step.arguments)])


def _replace_words(text: str, words: dict[str, str]) -> str:
    """Each word as written (case-sensitive: "delete" varying in a URL is not "Delete" in a sentence)."""
    for word in sorted(words, key=len, reverse=True):
        if word in text:
            text = whole_word(word, ignore_case=False).sub("{" + words[word] + "}", text)
    return text


def varying_words(old: list[Step], new: list[Step]) -> dict[str, str]:
    """Words two runs wrote in the same place of the same call, differently ("Bump numpy to {version}" /
    "Bump fastapi to {version}"): each run's instance, so no title or example should keep it. Word ->
    placeholder name, the one ``_common_form`` gives that place in the merged step."""
    found: dict[str, str] = {}
    for i, j in _align([step_key(s) for s in old], [step_key(s) for s in new]):
        if i is None or j is None:
            continue
        for key, value in old[i].arguments.items():
            other = new[j].arguments.get(key)
            if isinstance(value, str) and isinstance(other, str) and value != other:
                places = _varying_places(key, value, other)
                mine, theirs = _tokens(value), _tokens(other)
                for place, name in places.items():
                    for word in (mine[place], theirs[place]):
                        if _INSTANCE_WORD.fullmatch(word):
                            found.setdefault(word, name)
    return found


# A placeholder, an ISO date (one value, never split at its dashes), or a word.
_TOKENS = re.compile(r"(\{\w+\}|\d{4}-\d{2}-\d{2}|\w+)")
_MAX_DIFFERING = 0.25
_MIN_WORDS = 3  # a one- or two-word value that differs is a parameter as a whole
_INSTANCE_WORD = re.compile(r"[A-Za-z][A-Za-z_\-]{2,}")
_KEY_VALUE = re.compile(r"\s*[=:]\s*['\"]?")
_TEXT_KEYS = frozenset({"text", "body", "message", "content"})


def _tokens(text: str) -> list[str]:
    return _TOKENS.split(text)


def _varying_places(key: str, old: str, new: str) -> dict[int, str]:
    """Where two runs' command lines or queries differ, when they differ in a few values only: token index ->
    placeholder name. Empty when they differ in more, in their shape, or in an operation ("-X GET" / "DELETE",
    "restart" / "stop"): that is two things done, not one thing done to two values."""
    a, b = _tokens(old), _tokens(new)
    if len(a) != len(b) or len(a) < _MIN_WORDS * 2 or a[0::2] != b[0::2]:
        return {}
    differing = [i for i in range(1, len(a), 2) if a[i] != b[i]]
    if not differing or len(differing) > max(1, _MAX_DIFFERING * (len(a) // 2)):
        return {}
    if any(is_operation_word(t) for i in differing for t in (a[i], b[i]) if not PLACEHOLDER.fullmatch(t)):
        return {}
    if any(i >= 2 and a[i - 2].lower() in SQL_TABLE_WORDS for i in differing):
        return {}  # another table is another query, not the same query for another value
    places = {}
    for i in differing:
        named = next((PLACEHOLDER.fullmatch(t) for t in (a[i], b[i]) if PLACEHOLDER.fullmatch(t)), None)
        places[i] = named.group(1) if named else _name_before(a, i, key)
    return places


def _common_form(key: str, old: str, new: str) -> str | None:
    """Two runs' query or command line that differ only in a few values ("country = 'Germany'" / "'India'"):
    one line with those values as placeholders (``country = '{country}'``)."""
    places = _varying_places(key, old, new)
    if not places:
        return None
    tokens = _tokens(old)
    for index, name in places.items():
        tokens[index] = "{" + name + "}"
    return "".join(tokens)


def _name_before(tokens: list[str], index: int, key: str) -> str:
    """``country = 'Germany'`` -> country, ``app=billing`` -> app; else the argument's own name, unless it only
    says the value is text (command, query, code)."""
    if index >= 2 and _KEY_VALUE.fullmatch(tokens[index - 1]) and not PLACEHOLDER.fullmatch(tokens[index - 2]):
        name = snake_name(tokens[index - 2])
        if name and not name[0].isdigit():
            return name
    base = snake_name(key)
    says_text = base in COMMAND_KEYS or base in _TEXT_KEYS or QUERY_KEYS.match(base)
    return "value" if not base or says_text else base


def used_outputs(steps: list[Step]) -> list[Step]:
    """Drop ``produces`` entries no later step uses (they can go stale when steps merge)."""
    cleaned = []
    for index, step in enumerate(steps):
        later = canonical_json([s.arguments for s in steps[index + 1 :]])
        produces = [name for name in step.produces if "{" + name + "}" in later]
        cleaned.append(step if produces == step.produces else step.model_copy(update={"produces": produces}))
    return cleaned


def _align(a: list[str], b: list[str]) -> list[tuple[int | None, int | None]]:
    """Longest-common-subsequence alignment of two tool sequences."""
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = lengths[i + 1][j + 1] + 1 if a[i] == b[j] else max(lengths[i + 1][j], lengths[i][j + 1])
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs += [(k, None) for k in range(i, len(a))] + [(None, k) for k in range(j, len(b))]
    return pairs


def _general_step(old: Step, new: Step) -> Step:
    arguments = {
        key: _general_value(key, old.arguments.get(key), new.arguments.get(key))
        for key in dict.fromkeys([*old.arguments, *new.arguments])
    }
    return old.model_copy(
        update={
            "arguments": {k: v for k, v in arguments.items() if v is not None},
            "produces": list(dict.fromkeys([*old.produces, *new.produces])),
            "decision": old.decision or new.decision,
            "optional": old.optional or new.optional,
            "sources": _union(old.sources, new.sources, MAX_STEP_SOURCES),
        }
    )


def _general_value(key: str, old: Any, new: Any) -> Any:
    if old is None or new is None or old == new:
        return old if old is not None else new
    if isinstance(old, str) and isinstance(new, str):
        common = _common_form(key, old, new)
        if common is not None:
            return common
    written = key.lower() in COMMAND_KEYS or is_written_query(key, old) or is_written_query(key, new)
    if written and type(old) is type(new) and isinstance(old, str | list):
        # Two runs' command lines or written queries cannot be merged into one; keep the more general of the two.
        return new if _placeholder_count(new) > _placeholder_count(old) else old
    if isinstance(old, str) and PLACEHOLDER.fullmatch(old):
        return old
    if isinstance(new, str) and PLACEHOLDER.fullmatch(new):
        return new
    if isinstance(old, dict) and isinstance(new, dict):
        return {k: _general_value(k, old.get(k), new.get(k)) for k in dict.fromkeys([*old, *new])}
    if isinstance(old, list) and isinstance(new, list) and old and new:
        return [_general_value(key, old[0], new[0]), *old[1:]]
    # Two runs used different literals here: the value varies, so it is a parameter.
    return "{" + (snake_name(key) or "value") + "}"


def _placeholder_count(value: Any) -> int:
    return len(PLACEHOLDER.findall(canonical_json(value)))


def merge_parameters(old: list[Parameter], new: list[Parameter], steps: list[Step], title: str) -> list[Parameter]:
    text = title + canonical_json([s.model_dump() for s in steps])
    used = list(dict.fromkeys(PLACEHOLDER.findall(text)))
    known = {p.name: p for p in [*new, *old]}
    return [known.get(name) or _inferred(name) for name in used if name != "secret"]


def _inferred(name: str) -> Parameter:
    return Parameter(name=name, description="Varies between runs.", kind="text", example="varies", source="request")


def add_pitfall(procedure: Procedure, lesson: str, now: datetime) -> Procedure | None:
    """The procedure with ``lesson`` added as a pitfall, or None if it already says so."""
    if any(_same_lesson(lesson, known) for known in procedure.pitfalls):
        return None
    pitfalls = [*procedure.pitfalls, lesson][-MAX_PITFALLS:]
    return procedure.model_copy(update={"pitfalls": pitfalls, "updated_at": now})


def _same_lesson(a: str, b: str) -> bool:
    """Near-duplicate lessons: most of their content words are shared."""
    wa, wb = _content_words(a), _content_words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.6


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3} - _LESSON_STOP


def _union_lessons(old: list[str], new: list[str]) -> list[str]:
    merged = list(old)
    for lesson in new:
        if not any(_same_lesson(lesson, known) for known in merged):
            merged.append(lesson)
    return merged[-MAX_PITFALLS:]


def _union(old: list[str], new: list[str], limit: int) -> list[str]:
    merged = list(dict.fromkeys([*old, *new]))
    return merged[:limit]


def procedure_id(title: str) -> str:
    slug = re.sub(r"\{[^}]*\}", "", title.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    slug = "-".join(slug.split("-")[:6])[:40].strip("-") or "procedure"
    return f"{slug}-{secrets.token_hex(3)}"
