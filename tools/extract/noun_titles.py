"""A request that names no action ("remaining vacation days", "need an on-demand backup of {instance}") titled
as one: a procedure's title says what to do, and a noun phrase does not."""

from __future__ import annotations

import re
from collections.abc import Sequence

from deftly.tools.extract.problems import lower_first
from deftly.tools.extract.tools_kind import all_words, is_generic, is_read_only, words
from deftly.tools.extract.typos import spelled
from deftly.tools.extract.vocabulary import group_of, is_verb, same_word
from deftly.tools.extract.wording import arrows_spelled, person_for_pronoun, reads_as_a_statement
from deftly.tools.generalize.commands import only_looks
from deftly.tools.models import Step
from deftly.tools.values import PLACEHOLDER

_WANTED = re.compile(r"^(?:i\s+)?(?:need|want|needs|wants|would like)\s+(?=(?:a|an|the|some|one|new)\b)", re.I)
_ARTICLES = frozenset({"a", "an", "the", "some", "one", "every", "each", "all", "any"})
_FILLER = re.compile(r"\s+(?:pls|plz|please)\b", re.I)
_LOOKUP_VERB = "find"
# What follows a verb and not a noun: "Dispute a charge", "Claim on the insurance", "Review it"
OBJECT_OPENERS = _ARTICLES | frozenset({
    "my", "our", "your", "his", "her", "their", "its", "this", "that", "these", "those", "two", "on", "for", "to",
    "from", "with", "in", "into", "at", "by", "of", "off", "up", "out", "back", "down", "over", "it", "them", "me",
    "us", "him",
})  # fmt: skip
CHECKED = "Check whether to "  # a request to act whose runs only looked: what they checked
_META = frozenset({"question", "one", "thing", "favor", "favour", "request", "ask", "heads-up"})


def imperative_title(title: str, steps: Sequence[Step]) -> str:
    """``as_imperative`` for a procedure of these steps: a lookup when every call only looked, else the
    acting calls (a shell that changed something names no action, and leaves the title as it was)."""
    called = [s.tool for s in steps if s.tool]
    if all(only_looks(s.tool or "", s.arguments) for s in steps if s.tool):
        return as_imperative(title, [], called)
    acting = [tool for tool in called if not is_read_only(tool) and not is_generic(tool)]
    return as_imperative(title, acting, called) if acting else title


def as_imperative(title: str, acting_tools: Sequence[str], tools: Sequence[str] = ()) -> str:
    """The title when it names an action; else, for a task of lookups (no ``acting_tools``), "find" what it
    names ("Find the remaining vacation days"), and for one acting tool whose name is a verb and an object
    the phrase names, that verb ("Create an on-demand backup of {instance}" for ``db.create_backup``). A
    statement ("{name} went with another vendor") or a phrase no single tool names stays as it was. A phrase
    opening with what the ``tools`` act on ("Meter reading" for ``submit_meter_reading``) names no action."""
    phrase = _FILLER.sub("", _WANTED.sub("", title, count=1))
    if not phrase or not (_names_no_action(phrase, wanted=phrase != title) or opens_with_object(phrase, tools)):
        return title
    verb = _LOOKUP_VERB if not acting_tools else _tool_verb(phrase, acting_tools)
    if verb is None:
        return title
    body = lower_first(phrase)
    if verb == _LOOKUP_VERB and body.split()[0].lower() not in _ARTICLES and not PLACEHOLDER.match(body):
        body = f"the {body}"
    return f"{verb.capitalize()} {body}"


def _names_no_action(phrase: str, wanted: bool) -> bool:
    tokens = phrase.split()
    if len(tokens) < 2 or _META.intersection(w.lower() for w in tokens[:2]):
        return False  # "Quick question for a planning doc" names no thing to find
    second = tokens[1].lower()
    if second.endswith("ed") and second.isalpha():
        return False  # "{name} went with …", "customer disputed {invoice_id}": a statement, not a thing asked for
    if PLACEHOLDER.match(tokens[0]) and not tokens[0].endswith("'s"):
        return False
    return (wanted and tokens[0].lower() in _ARTICLES) or reads_as_a_statement(phrase)


def opens_with_object(title: str, tools: Sequence[str]) -> bool:
    """ "Payment arrangement" for ``create_payment_plan``, "Meter reading" for ``submit_meter_reading``: a title
    opening with a word the tools' names use for what they act on, and none for what it does, names a thing,
    not an action. A word the tools do not use says nothing either way ("Claim …" stays a verb unless a tool
    acts on claims)."""
    head = title.lower().split()
    found = re.findall(r"[a-z]+", PLACEHOLDER.sub(" ", head[0])) if head else []
    first = found[0] if len(found) == 1 else ""
    if not first or is_verb(first) or first in _CHANGING_VERBS:
        return False
    labelled = len(head) == 2 and bool(PLACEHOLDER.fullmatch(head[1]))  # "Reservation {confirmation_number}"
    if len(head) < 2 or not (head[1].isalpha() or labelled) or head[1] in OBJECT_OPENERS:
        return False  # "Review #{pull_number}", "Dispute a charge", "Claim on the insurance": a verb and its object
    named = [words(tool) for tool in tools]
    if any(tool_words and same_word(tool_words[0], first) for tool_words in named):
        return False  # a tool does it: "Archive the old tickets" for archive_ticket
    return any(same_word(word, first) for tool_words in named for word in tool_words[1:])


def _tool_verb(phrase: str, acting_tools: Sequence[str]) -> str | None:
    """The verb of the one acting tool, when the phrase names that tool's object and not its action
    ("a password reset for {email}" is already the action)."""
    if len(set(acting_tools)) != 1:
        return None
    tool_words = all_words(acting_tools[0])
    verbs = [n for n, word in enumerate(tool_words) if group_of(word)]
    if not verbs:
        return None
    verb, objects = tool_words[verbs[0]], tool_words[verbs[0] + 1 :]
    said = re.findall(r"[a-z]+", phrase.lower())
    if any(same_word(verb, word) for word in said) or not any(same_word(o, w) for o in objects for w in said):
        return None
    return verb


def finished_title(title: str, steps: Sequence[Step], asked: str) -> str:
    """A title's last touches, for a run's draft and for a procedure retitled from its runs' requests: spelled
    ("Upgade axios"), chat arrows read ("{package} -> {version}"), said to check where the runs only looked, and
    naming the one person the generalized request ``asked`` names where it says "they"."""
    return person_for_pronoun(checked_title(arrows_spelled(spelled(title, steps)), steps), asked)


def checked_title(title: str, steps: Sequence[Step]) -> str:
    """A task asked to act whose calls only looked (the deployment was already at 8 replicas, the failure was
    real, not a flake): "Check whether to scale {deployment} …", what its runs did."""
    if all(only_looks(s.tool, s.arguments) for s in steps if s.tool) and asks_to_act(title):
        return f"{CHECKED}{lower_first(title)}"
    return title


def asks_to_act(title: str) -> bool:
    """A title opening with a verb that changes something where the task is done ("Retrigger …", "Scale …",
    "Cancel …"), not one whose result is the answer ("Send me the list …", "Export … to CSV", "Download the
    logs …": read-only calls and a reply do those)."""
    first = title.split(" ", 1)[0].lower()
    return group_of(first) in _CHANGING_GROUPS or first in _CHANGING_VERBS


# The verb groups (``vocabulary.VERB_LISTS``, by their first word) whose actions change state in place.
_CHANGING_GROUPS = frozenset({"abort", "change", "add", "archive", "disable", "bounce"})
_CHANGING_VERBS = frozenset({
    "rerun", "retrigger", "trigger", "deploy", "redeploy", "install", "uninstall", "bump", "cut", "tag", "release",
    "publish", "rotate", "restore", "rollback", "revert", "merge", "approve", "reject", "grant", "assign", "unassign",
    "close", "reopen", "scale", "apply", "rename", "migrate", "resolve", "mark", "onboard", "offboard", "lock",
    "unlock", "block", "unblock", "reset", "renew", "extend", "clean", "clear", "purge", "prune", "share",
})  # fmt: skip
