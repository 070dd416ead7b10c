"""Whether two runs made the same calls: the same tools with mostly the same arguments, and no fixed option of
one contradicting the other's where the requests ask for it ("status": "Done" against "Open")."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from deftly.tools.extract.vocabulary import same_word
from deftly.tools.generalize.commands import command_head, only_looks
from deftly.tools.models import Step
from deftly.tools.values import COMMAND_KEYS, PLACEHOLDER


def same_calls(steps: list[Step], other: list[Step], goals: tuple[str, str] | None = None) -> bool:
    """The same calls with no fixed value of one run contradicting the other's: "type": "Bug" and "type":
    "{type}" are the same call (one user said "bug"), "status": "Done" and "status": "Open" not. The same calls
    are the same tools (a command line by its program and subcommand) with mostly the same arguments: one
    agent adds a "notes" or a "title" another leaves out, but "adjustment" and "set_quantity" are two things."""
    mine, theirs = _argument_names(steps), _argument_names(other)
    if mine.keys() != theirs.keys():
        return False
    return all(_alike(mine[call], theirs[call]) for call in mine) and same_options(steps, other, goals)


_SAME_ARGUMENTS = 0.6  # shared / all argument names of a call


_SMALL_OBJECT = 2


def _alike(names: set[str], other: set[str]) -> bool:
    names, other = _objects_only_one_passed(names, other), _objects_only_one_passed(other, names)
    union = names | other
    return not union or len(names & other) >= _SAME_ARGUMENTS * len(union)


def _objects_only_one_passed(names: set[str], other: set[str]) -> set[str]:
    """A small object only one agent passed (``travel_dates.from``, ``travel_dates.to``) is one optional
    argument, not one per field: its fields tell two runs apart only where both passed it. A larger one
    (``refund.amount``, ``.method``, ``.restocking_fee``) may be another thing done."""
    tops = {name.split(".", 1)[0] for name in other}
    fields = Counter(name.split(".", 1)[0] for name in names if "." in name)
    return {
        top if top not in tops and fields[top] <= _SMALL_OBJECT else name
        for name in names
        for top in [name.split(".", 1)[0]]
    }


def _argument_names(steps: list[Step]) -> dict[str, set[str]]:
    """Each call that changes something (``_shaped_calls``) by tool and command head -> its argument names."""
    found: dict[str, set[str]] = {}
    for step in _shaped_calls(steps):
        call = " ".join([step.tool or "", *command_head(step.arguments)])
        found.setdefault(call, set()).update(_key_paths(step.arguments))
    return found


def other_fields(steps: list[Step], other: list[Step]) -> bool:
    """The same call passes an object of changes whose fields share nothing with the other run's: one run
    changed a manager, the other a job title, through ``update_employee(changes={...})``."""
    theirs = {(s.tool, key): value for s in _shaped_calls(other) for key, value in s.arguments.items()}
    for step in _shaped_calls(steps):
        for key, value in step.arguments.items():
            their_value = theirs.get((step.tool, key))
            if _disjoint_objects(value, their_value):
                return True
    return False


def _disjoint_objects(value: Any, other: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(other, dict)
        and bool(value and other)
        and not value.keys() & other.keys()
    )


_ONE_ID = 1


def _key_paths(arguments: dict[str, Any], prefix: str = "") -> list[str]:
    """Argument names, those inside an object by their path: ``changes.manager_id`` is not ``changes.job_title``."""
    passed = [k for k, v in arguments.items() if v not in (None, "", [], {})]
    paths = []
    for key, value in arguments.items():
        # "cc": [] or "cc": null beside a message's other fields passes nothing; a null beside an id alone is
        # the change ("assignee_id": null unassigns the ticket)
        if value in ([], {}) or (value in (None, "") and len(passed) > _ONE_ID):
            continue
        path = f"{prefix}{key}"
        paths.extend(_key_paths(value, f"{path}.") if isinstance(value, dict) and value else [path])
    return paths


def same_options(steps: list[Step], other: list[Step], goals: tuple[str, str] | None = None) -> bool:
    """No fixed value of one run's calls contradicts the other's at the same argument, where it counts: given
    the runs' requests (``goals``), only a value they ask for ("close issue #311": "closed"; "mark it won":
    "closed_won"), not one each agent picked from what it read ("source": "trade_show" / "referral")."""
    mine, theirs = _fixed_values(steps), _fixed_values(other)
    asked = " ".join(goals) if goals is not None else None
    for key in mine.keys() & theirs.keys():
        if not mine[key] & theirs[key] and (asked is None or _mentions(asked, mine[key] | theirs[key])):
            return False
    return True


def _mentions(text: str, values: set[str]) -> bool:
    said = set(WORD.findall(PLACEHOLDER.sub(" ", text).lower()))  # "{email}" is an address, not the word
    return any(same_word(part, word) for value in values for part in re.findall(r"[a-z]{3,}", value) for word in said)


WORD = re.compile(r"[a-z_][a-z_]+")


def _shaped_calls(steps: list[Step]) -> list[Step]:
    """The calls that change something; in a task of looks, the last look, which answered (the ``select``,
    not the ``\\d users`` one run looked at first; the balance, not the search for the employee's id that
    a run given a name needed and a run given the id did not)."""
    called = [s for s in steps if s.tool]
    acting = [s for s in called if not looks(s)]
    return acting or called[-1:]


def looks(step: Step) -> bool:
    return only_looks(step.tool or "", step.arguments)


def _fixed_values(steps: list[Step]) -> dict[str, set[str]]:
    """Each tool argument's literal values (no placeholder, a word or two, not a number): the options a run
    chose, which another run of the task either chose too or left to its user."""
    found: dict[str, set[str]] = {}
    for step in _shaped_calls(steps):
        for path, value in _leaves(step.arguments, step.tool or ""):
            if isinstance(value, str) and _OPTION.fullmatch(value) and not _FREE_TEXT.search(path.lower()):
                found.setdefault(path, set()).add(value.lower())
    return found


# Arguments that hold words an agent makes up ("label": "before-upgrade"), not an option it picks.
_FREE_TEXT = re.compile(
    r"\.(?:label|name|title|description|summary|notes?|comments?|reason|message|subject|body|text|content|tags?)"
    r"(?:\[\])*$"
)


_OPTION = re.compile(r"[A-Za-z][A-Za-z_-]*(?: [A-Za-z_-]+)?")  # "Bug", "writer", "in progress"; not "numpy==2.1"


def chosen_where_asked(steps: list[Step], other: list[Step]) -> set[str]:
    """The words (tagged like ``argument_words``) of ``steps``' fixed options at the arguments where ``other``
    has a placeholder: what one run chose and the other's user said."""
    asked = {path for step in _shaped_calls(other) for path, value in _leaves(step.arguments, step.tool or "")
             if isinstance(value, str) and PLACEHOLDER.fullmatch(value)}  # fmt: skip
    return {
        f"{step.tool}:{word}"
        for step in _shaped_calls(steps)
        for path, value in _leaves(step.arguments, step.tool or "")
        if path in asked and isinstance(value, str) and _OPTION.fullmatch(value)
        for word in WORD.findall(value.lower())
    }


def where_one_varies(steps: list[Step], other: list[Step]) -> set[str]:
    """The words (tagged like ``argument_words``) one run wrote where the other's same command line has a
    placeholder (``deployment/search`` / ``deployment/{app}``): a value, even when it reads like a verb."""
    found: set[str] = set()
    for mine, theirs in zip(steps, other, strict=False):
        for key, value in mine.arguments.items():
            other_value = theirs.arguments.get(key)
            if not isinstance(value, str) or not isinstance(other_value, str):
                continue
            a, b = _PARTS.split(value), _PARTS.split(other_value)
            if len(a) != len(b) or a[0::2] != b[0::2]:
                continue
            for x, y in zip(a[1::2], b[1::2], strict=True):
                if PLACEHOLDER.fullmatch(x) or PLACEHOLDER.fullmatch(y):
                    found.update(f"{mine.tool}:{word}" for word in WORD.findall(f"{x} {y}".lower()))
    return found


_PARTS = re.compile(r"(\{\w+\}|\w+)")  # placeholders and words, between the text that stays


def _leaves(value: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [
            leaf
            for k, item in value.items()
            if str(k).lower() not in COMMAND_KEYS
            for leaf in _leaves(item, f"{path}.{k}")
        ]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item, f"{path}[]")]
    return [(path, value)]
