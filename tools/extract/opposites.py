"""Operations that undo or refuse each other (approve / reject, enable / disable): a run that did one when its
user asked for the other did the opposite, and a procedure doing one is not the answer to a request for the other."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from deftly.tools.extract.tools_kind import words
from deftly.tools.extract.vocabulary import same_word

NEGATED = re.compile(
    r"\b(?:don't|do not|dont|doesn't|no|without|never|not yet|but not|not to|nothing to|shouldn't|should not"
    r"|must not|mustn't|won't|will not)\s+(?:(?:actually|really|yet|you|to|the|any|it)\s+)?(?P<operation>[a-z]+)",
    re.IGNORECASE,
)

# What the user says they cannot or will not do is not what they ask for: "I can't approve it, deny it".
_NOT_ASKED = re.compile(
    rf"{NEGATED.pattern}|\b(?:can't|cannot|can not|couldn't|could not)\s+(?:(?:really|just)\s+)?[a-z]+", re.IGNORECASE
)
OPPOSITES = (
    ({"approve", "accept", "allow"}, {"reject", "decline", "deny", "refuse"}),
    ({"enable", "activate"}, {"disable", "deactivate"}),
    ({"lock"}, {"unlock"}), ({"block"}, {"unblock"}), ({"archive"}, {"unarchive"}), ({"publish"}, {"unpublish"}),
    ({"assign"}, {"unassign"}), ({"grant"}, {"revoke"}), ({"subscribe"}, {"unsubscribe"}), ({"mute"}, {"unmute"}),
    ({"increase"}, {"decrease"}), ({"suspend"}, {"reinstate"}), ({"freeze"}, {"unfreeze", "thaw"}),
    ({"pause"}, {"resume", "unpause"}), ({"install"}, {"uninstall"}), ({"pin"}, {"unpin"}), ({"follow"}, {"unfollow"}),
    ({"star"}, {"unstar"}), ({"watch"}, {"unwatch"}), ({"mount"}, {"unmount"}), ({"link"}, {"unlink"}),
    ({"hide"}, {"unhide"}), ({"register"}, {"unregister", "deregister"}), ({"attach"}, {"detach"}),
    ({"connect"}, {"disconnect"}),
)  # fmt: skip
_OPTION_VALUE = re.compile(r"[A-Za-z][A-Za-z_ -]{0,40}")


def asked_words(texts: Iterable[str]) -> set[str]:
    """The words of what the user said, without what they said not to do or could not do, nor what they say
    happened ("I installed numpy by mistake, remove it"): a word in -ed counts where the sentence wants it so
    ("I want her account locked", "make sure the flag is enabled")."""
    found: set[str] = set()
    for text in texts:
        for sentence in re.split(r"[.!?;]+(?:\s+|$)|\n+", _NOT_ASKED.sub(" ", text)):
            wanting = False
            for word in re.findall(r"[A-Za-z]+", sentence.lower()):
                wanting = wanting or word in _WANTING
                if wanting or not word.endswith("ed"):
                    found.add(word)
    return found


# Words after which a participle is the state asked for: "want it locked", "should be approved", "make sure
# it is enabled", "need the channel archived", "get it unblocked", "keep it disabled".
_WANTING = frozenset({"want", "wants", "need", "needs", "should", "must", "sure", "ensure", "get", "keep", "have"})


def asked_operations(asked: set[str]) -> dict[int, tuple[int, str]]:
    """Per pair of ``OPPOSITES`` whose one side only the ``asked`` words ask for: that side and the word."""
    sides: dict[int, dict[int, str]] = {}
    for word in sorted(asked):
        for pair, side in _sides_of(word):
            sides.setdefault(pair, {}).setdefault(side, word)
    return {pair: next(iter(found.items())) for pair, found in sides.items() if len(found) == 1}


def opposite_of_asked(asked: set[str] | dict[int, tuple[int, str]], done: Sequence[str]) -> tuple[str, str] | None:
    """(a word of ``done``, the word asked) when ``done`` does the opposite of an operation asked (the ``asked``
    words, or their ``asked_operations``) and never the operation itself; None when it does not, or the user
    named both."""
    wanted = asked if isinstance(asked, dict) else asked_operations(asked)
    if not wanted:
        return None
    done_sides = {(pair, side): word for word in done for pair, side in _sides_of(word)}
    for pair, (side, word) in wanted.items():
        if (pair, side) not in done_sides and (pair, 1 - side) in done_sides:
            return done_sides[(pair, 1 - side)], word
    return None


@lru_cache(maxsize=16384)
def _sides_of(word: str) -> tuple[tuple[int, int], ...]:
    """(pair, side) of each of ``OPPOSITES``' operations ``word`` is a form of."""
    return tuple(
        (pair, side)
        for pair, sides in enumerate(OPPOSITES)
        for side, operations in enumerate(sides)
        if any(same_word(operation, word) for operation in operations)
    )


def call_words(tool: str, arguments: dict[str, Any]) -> list[str]:
    """The words of a tool's name and of a call's short option-like string values ("approve", "closed_won")."""
    values = [v for v in _string_leaves(arguments) if _OPTION_VALUE.fullmatch(v)]
    return [*words(tool), *(w.lower() for v in values for w in re.findall(r"[A-Za-z]+", v))]


def _string_leaves(value: object) -> list[str]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _string_leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _string_leaves(item)]
    return [value] if isinstance(value, str) else []
