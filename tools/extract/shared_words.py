"""Which words of a title only its own request used, and look like that user's rather than the task's.

A word no other request for the same task used, and no tool name, is one user's: a typo of a word the others
spelled ("recrod", "reciept"), or a value no tool took, written with a digit or sign ("C+", "2h") or capitalized
inside the sentence ("Thu", "Energy Refills", "ErrorRateHigh"). A plain lowercase word of one's own ("memory
editing", "quickly") is a way of putting it, and left alone: counting those favours titles of three words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from deftly.tools.extract.tools_kind import all_words
from deftly.tools.extract.typos import COMMON_VERBS, one_edit
from deftly.tools.models import Step
from deftly.tools.values import PLACEHOLDER

_TOKEN = re.compile(r"[A-Za-z0-9][\w+\-.']*")
_MIN_TYPO_LENGTH = 4
_LETTER = re.compile(r"[B-HJ-Z]")


def instance_words(title: str, others: Sequence[str], steps: Iterable[Step]) -> list[str]:
    """The title's words only it used that look like a typo of a shared word or like a value, and its capital
    letters standing alone ("from C to B": grades, which other runs' letters match by chance)."""
    said = Counter(word for text in others for word in {w.lower() for w in _tokens(text)})
    trusted = {word for step in steps for word in all_words(step.tool or "")} | COMMON_VERBS
    words = _tokens(title)
    return [
        word
        for position, word in enumerate(words)
        if (position > 0 and _LETTER.fullmatch(word))
        or (
            word.lower() not in said
            and word.lower() not in trusted
            and (_typo(word.lower(), said, trusted) or _value_like(word, position))
        )
    ]


def without_source(title: str, examples: Sequence[str]) -> list[str]:
    """The examples but the one the title was most likely written from (the most words in common): a title's
    own typos and values are shared with its source."""
    if not examples:
        return []
    mine = {word.lower() for word in _tokens(title)}
    source = max(range(len(examples)), key=lambda i: len(mine & {w.lower() for w in _tokens(examples[i])}))
    return [example for i, example in enumerate(examples) if i != source]


def _tokens(text: str) -> list[str]:
    return [token.rstrip(".'") for token in _TOKEN.findall(PLACEHOLDER.sub(" ", text))]


def _typo(word: str, said: Counter[str], trusted: set[str]) -> bool:
    """Two letters swapped, or one dropped or added inside the word, of a word the tools use or other requests
    said more than once. A changed letter is as often another word ("last" / "list"), and a changed ending
    grammar ("approve" / "approved")."""
    if len(word) < _MIN_TYPO_LENGTH or not word.isalpha():
        return False
    return any(_swapped_or_inside(word, known) for known in [*trusted, *(w for w, n in said.items() if n > 1)])


def _swapped_or_inside(word: str, known: str) -> bool:
    if len(known) < _MIN_TYPO_LENGTH or known[0] != word[0] or known[-1] != word[-1] or not one_edit(word, known):
        return False
    return len(known) != len(word) or sorted(known) == sorted(word)


def _value_like(word: str, position: int) -> bool:
    """A digit or a sign ("C+", "2h"), or capitalized inside the sentence ("Thu", "Energy"); not an acronym
    ("MRR", "NDA") or a word with a hyphen ("on-demand"), which are how a trade speaks."""
    if word.isupper() and word.isalpha():
        return False
    if not word.replace("-", "").replace("'", "").isalpha():
        return True
    return position > 0 and word[0].isupper()
