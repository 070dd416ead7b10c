"""A mistyped verb opening a title ("Upgade axios", "Scael event-router up", "Revew PR #12") read as the word
the task's tools and commands use, or a common verb, one keystroke away."""

from __future__ import annotations

import re
from collections.abc import Iterable

from deftly.tools.extract.tools_kind import all_words
from deftly.tools.extract.vocabulary import VERB_LISTS, group_of, is_operation_word, tool_actions
from deftly.tools.generalize.commands import command_head
from deftly.tools.models import Step

_MIN_LENGTH = 4
# Everyday verbs of work requests beyond the groups, and real words one edit from them ("clear" is no typo of
# "clean", "preview" none of "review"): a title opening with one is spelled right.
_EVERYDAY_VERBS = frozenset({
    "clean", "clear", "clone", "close", "merge", "deploy", "install", "uninstall", "export", "import", "rename",
    "review", "preview", "approve", "reject", "release", "rerun", "restore", "rotate", "summarize", "summarise",
    "upload", "download", "build", "rebuild", "publish", "assign", "triage", "label", "rollback", "revert",
    "migrate", "configure", "verify", "investigate", "debug", "invoice", "onboard", "offboard", "trigger",
    "retrigger", "resolve", "comment", "backup", "tidy", "dedupe", "format", "convert", "bill", "fill", "mark",
    "cut", "bump", "tag", "rollout", "file", "dump", "pick", "fix", "translate", "refresh", "profile", "call",
    "remind", "escalate", "reconcile", "backfill", "reindex", "retry",
})  # fmt: skip
_GROUP_VERBS = frozenset(word for verbs in VERB_LISTS for word in verbs)
COMMON_VERBS = _GROUP_VERBS | _EVERYDAY_VERBS


def spelled(title: str, steps: Iterable[Step]) -> str:
    """The title with its opening verb (``with_verb_spelled``) and later words (``with_words_spelled``) spelled."""
    steps = list(steps)
    return with_words_spelled(with_verb_spelled(title, steps), steps)


def with_verb_spelled(title: str, steps: Iterable[Step]) -> str:
    """The title with its first word corrected when it is no verb deftly knows and exactly one word of the
    task's vocabulary (its tools' and commands' words, the common verbs) is one edit away."""
    first, _, rest = title.partition(" ")
    word = first.lower()
    if len(word) < _MIN_LENGTH or not word.isalpha() or group_of(word) is not None or is_operation_word(word):
        return title
    steps = list(steps)
    own = _task_words(steps)
    if word in own or word in COMMON_VERBS:
        return title
    # A common verb only where the task did that kind of thing, or nothing a tool's name says: "Bill {account}"
    # through create_invoice is no "Kill".
    done = {action for s in steps if s.tool for action in tool_actions(s.tool)}
    common = {verb for verb in _GROUP_VERBS if not done or group_of(verb) in done}
    # An everyday verb only for a letter dropped or two swapped ("Clen", "Mrege"): one changed is as often
    # another real word ("File a bug" is no "Fill", "Dump the schema" no "Bump").
    everyday = {verb for verb in _EVERYDAY_VERBS if len(verb) == len(word) + 1 or sorted(verb) == sorted(word)}
    near = {known for known in own | common | everyday if len(known) >= _MIN_LENGTH and one_edit(word, known)}
    if len(near) != 1:
        return title
    (fixed,) = near
    fixed = fixed.capitalize() if first[0].isupper() else fixed
    return f"{fixed} {rest}".rstrip()


def with_words_spelled(title: str, steps: Iterable[Step]) -> str:
    """The title's later words with a letter dropped inside them restored, where exactly one word of the task's
    tools and commands is that word with one more letter ("Make a relase" by ``gh release``, "Open a pull reqest"
    through ``create_pull_request``). Only a dropped letter inside the word: "plan" is no typo of "plain", and an
    ending ("post" / "posts") is grammar."""
    own = {word for word in _task_words(steps) if len(word) > _MIN_LENGTH}
    first, *rest = title.split(" ")
    return " ".join([first, *(_restored(word, own) for word in rest)])


def _restored(word: str, known: set[str]) -> str:
    lowered = word.lower()
    if len(lowered) < _MIN_LENGTH or not lowered.isalpha() or lowered in known:
        return word
    near = [k for k in known if len(k) == len(lowered) + 1 and any(
        lowered == k[:i] + k[i + 1 :] for i in range(1, len(k) - 1))]  # fmt: skip
    if len(near) != 1:
        return word
    return near[0].capitalize() if word[0].isupper() else near[0]


def _task_words(steps: Iterable[Step]) -> set[str]:
    """The words of the tools' names and of the commands' program and subcommand (``kubectl scale``)."""
    found: set[str] = set()
    for step in steps:
        found.update(all_words(step.tool or ""))
        found.update(word for word in command_head(step.arguments) if re.fullmatch(r"[a-z]+", word))
    return found


def one_edit(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours turns ``a`` into ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        return len(diff) == 1 or swapped
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(short == long[:i] + long[i + 1 :] for i in range(len(long)))
