"""The verbs requests and tools use for the same action, in groups: cancel/delete/remove, change/update/edit, ...

Shared by titles (what a request asks for), selection (whether a run did it) and rendering (the
everyday words a search for a procedure would use).
"""

from __future__ import annotations

import re
from functools import lru_cache

from deftly.tools.extract.tools_kind import is_verb_word, words

ASKS_TO = "The user asks to "
ASKS_FOR = "The user asks for: "  # a request that is not a verb phrase ("remaining vacation days")
READ_GROUP = "check"
# What opens a message or clause before its point ("OK, and …", "Oh, …", "Thanks! So …"), and the words that
# add a request to one before ("also", "plus"). Regular-expression alternations.
LEAD_INS = r"ok(?:ay)?|thanks?|thank you|great|cool|perfect|and|oh|so|but|then|btw|by the way"
ADDING = r"also|plus"
# Words in -s that are no plural: "calls work" tells, "this works" does too; "Ana and Raj this week" lists people
NOT_PLURAL = frozenset({
    "is", "was", "has", "does", "this", "its", "it's", "us", "plus", "as", "thus", "yes", "across", "always", "unless",
})  # fmt: skip
# Words a user moves on to another matter with ("one more thing", "separately", "while I have you"): a later
# message or clause opening so asks for something of its own. A regular-expression alternation.
MOVING_ON = (
    r"one more thing|one other thing|another thing|separately|something else"
    r"|unrelated(?:ly\b|(?=\s*(?:[,:;\u2014-]|question|but|note|thing|request)))"
    r"|on (?:another|a different|a separate) note"
    r"|(?:a |another )?(?:different|separate) (?:question|issue|matter|topic)"
    r"|while (?:i (?:have|'ve got|got) you|(?:you're|you are) at it|(?:i'm|i am) (?:at it|here))"
)
# Each group's words, most common first; a group is named by its alphabetically first word.
VERB_LISTS = [
    ("cancel", "delete", "remove", "refund", "drop", "terminate", "void", "revoke", "abort"),
    ("change", "update", "modify", "edit", "move", "switch", "rebook", "reschedule", "upgrade", "downgrade", "set"),
    ("book", "create", "add", "reserve", "purchase", "buy", "schedule", "open", "launch", "register", "invite"),
    ("send", "email", "share", "notify", "mail", "message", "post", "reply", "forward"),
    ("transfer", "escalate", "handoff"),
    ("archive", "shelve"),
    ("stop", "halt", "kill", "shutdown", "disable", "pause", "suspend"),
    ("restart", "start", "reboot", "reload", "bounce", "enable", "resume"),
    ("find", "check", "look", "search", "get", "show", "list", "fetch", "read", "lookup", "see", "know", "tell"),
]
VERB_GROUPS = [set(words_) for words_ in VERB_LISTS]


# Words that say which operation a command or request performs, beyond the verb groups: HTTP methods, SQL and
# version-control verbs. Two runs that differ in one of these did different things, whatever else they share.
_OPERATION_WORDS = frozenset(
    {
        "get", "post", "put", "patch", "delete", "head", "select", "insert", "truncate", "alter", "grant",
        "revoke", "push", "pull", "merge", "rebase", "reset", "revert", "force", "apply", "destroy", "scale",
        "rollback", "rollout", "approve", "reject", "accept", "decline", "archive", "unarchive", "lock", "unlock",
        "block", "unblock", "rm", "mv", "cp", "chmod", "chown", "mkdir", "rmdir", "describe", "show", "list",
        "close", "reopen", "resolve", "submit", "withdraw", "publish", "unpublish", "activate", "deactivate",
        "assign", "unassign",
    }
)  # fmt: skip


def is_change_verb(word: str) -> bool:
    """A verb that does something ("restart", "apply", "cancel"), not one that reads ("get", "show")."""
    lowered = word.lower()
    return len(lowered) > 2 and is_operation_word(lowered) and group_of(lowered) != READ_GROUP


@lru_cache(maxsize=8192)
def is_operation_word(word: str) -> bool:
    """A word naming what is done (a verb of a group, an HTTP or SQL verb, a flag letter), not what to."""
    lowered = word.lower()
    if len(lowered) <= 2 or lowered in _OPERATION_WORDS or group_of(lowered) is not None:
        return True
    return any(same_word(lowered, operation) for operation in _OPERATION_WORDS if len(operation) >= 4)


@lru_cache(maxsize=4096)
def primary_action(text: str, reads_too: bool = False) -> str | None:
    """The verb group of the first action a request asks for, read where a request puts its verb (a sentence's
    first word, or after "please", "can you", "to", "and"): "show me the sessions that are not revoked" asks
    to show, "plot new users starting May 1" asks for no action of a group. A change outranks a read ("check
    why auth is down and bounce it" asks to restart: the look comes first because it always does); the read
    group only with ``reads_too``, and only when nothing else is asked."""
    groups = _asked_groups(phrasal(text))
    changes = [group for group in groups if group != READ_GROUP]
    if changes:
        return changes[0]
    return READ_GROUP if reads_too and READ_GROUP in groups else None


def _asked_groups(text: str) -> list[str]:
    found: list[str] = []
    for sentence in re.split(r"[.!?\n]+", text):
        tokens = re.findall(r"[a-z]+", sentence)
        for index, word in enumerate(tokens):
            if index and tokens[index - 1] not in _BEFORE_A_VERB:
                continue
            group = group_of(word)
            if group is not None:
                found.append(group)
    return found


_BEFORE_A_VERB = frozenset({"please", "kindly", "you", "to", "and", "then", "also", "pls", "just"})


def same_word(a: str, b: str) -> bool:
    """Equal, or one is the other inflected (change/changes/changing, cancel/cancelled, book/bookings); not
    another word that starts like it (check/checkout, post/poster, set/setup)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    stem = short[:-1] if short.endswith("e") else short
    if len(short) < 4 or not long.startswith(stem):
        return False
    rest = long[len(stem) :]
    if rest[:1] == stem[-1:] and rest[1:] in _DOUBLING:
        rest = rest[1:]  # cancelled, stopped, planning
    return rest in _INFLECTIONS


_INFLECTIONS = frozenset({"s", "es", "e", "d", "ed", "ing", "ings", "ion", "ions", "al", "ment", "ments"})
_DOUBLING = frozenset({"ed", "ing"})


def overlap(left: set[str], right: set[str]) -> bool:
    return any(same_word(a, b) for a in left for b in right)


# Phrasal verbs whose first word alone would name another action: "set up a call" creates, not changes.
_PHRASE_VERBS = {"set up": "create", "sign up": "create", "call off": "cancel", "get rid of": "remove"}
_PHRASES = re.compile(r"\b(?:" + "|".join(_PHRASE_VERBS) + r")\b")


def _phrase_verb(match: re.Match[str]) -> str:
    return _PHRASE_VERBS[match.group(0)]


def phrasal(text: str) -> str:
    """``text`` lower-cased, with each phrasal verb replaced by the verb it means ("set up" -> "create")."""
    return _GIVE_ACCESS.sub("share", _PHRASES.sub(_phrase_verb, text.lower()))


# "give {email} viewer access", "grant Talia read-only access": sharing, whoever and whatever sits between
# (not "give me the nginx access logs", nor "a list of who has access")
_GIVE_ACCESS = re.compile(
    r"\b(?:give|grant)\b(?!\s+(?:me|us)\b)"
    r"(?=(?:(?!\.\s)[^,;!?\n]){0,40}?\baccess\b(?!\s+(?:logs?|patterns?|keys?|tokens?|lists?)\b))"
)


@lru_cache(maxsize=4096)
def mentioned_actions(text: str) -> frozenset[str]:
    """Which verb groups a request mentions, by the group's first verb (cancel, change, book, ...)."""
    found = {group_of(word) for word in set(re.findall(r"[a-z]+", phrasal(text)))}
    return frozenset(g for g in found if g is not None and g != READ_GROUP)


@lru_cache(maxsize=16384)
def group_of(word: str) -> str | None:
    for group in VERB_GROUPS:
        if any(same_word(verb, word) for verb in group):
            return min(group)
    return None


@lru_cache(maxsize=4096)
def tool_actions(tool: str) -> frozenset[str]:
    """The verb groups of a tool's verb (its first word; any exact verb when the first is a noun)."""
    tool_words = words(tool)
    if not tool_words:
        return frozenset()
    first = {min(group) for group in VERB_GROUPS if overlap(group, {tool_words[0]})}
    return frozenset(first or {min(group) for group in VERB_GROUPS if group & set(tool_words)})


def action_synonyms(tool: str, limit: int = 4) -> list[str]:
    """Everyday verbs for what a tool does (update_reservation_flights -> change, update, modify, edit)."""
    groups = tool_actions(tool)
    return [w for verbs in VERB_LISTS if min(verbs) in groups for w in verbs[:limit]]


def is_verb(word: str) -> bool:
    """A word that opens a request as its verb: one of the verb groups, or one tools' names open with."""
    return group_of(word) is not None or is_verb_word(word)
