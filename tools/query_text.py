"""A request as the procedures' phrases read: its instance values as the words their placeholders become.

A procedure is embedded with its placeholders read as words ("Set name as the line manager for name"); a new
request names people, codes and dates ("Goran Jansen's manager should be Sven Underwood now"). Sentence
vectors weigh those names heavily, so the request is compared in the procedures' form: values recognisable
by shape, and capitalized names, become the words a placeholder of their kind reads as.
"""

from __future__ import annotations

import re

from deftly.tools.extract.vocabulary import is_operation_word
from deftly.tools.render import placeholder_words
from deftly.tools.values import redact_patterns

# Two or more capitalized words ("Sven Underwood", "Meridian Aviation"), or one before "'s": a name of a
# person or a thing, which a procedure holds as a placeholder. Not "I", not an acronym ("AWS", "PTO").
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b|\b[A-Z][a-z]+(?='s\b)")


# A name made of joined words: a repository, service, branch or file ("search-indexer", "feat-dark-mode-toggle",
# "webinar_registrations"); not a hyphenated word ("on-call", "follow-up", "scale-up").
_SLUG = re.compile(r"(?<![\w{/.@-])(?=[a-z0-9_-]{10,}(?![\w}/@-]))[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+(?![\w}/@-])")


def embedding_query(text: str) -> str:
    """``text`` with its values read as their kinds: "Refund $40 of INV-2231 for Ana Lopes" -> "Refund amount
    of invoice id for name". Text without values comes back unchanged."""
    generalized = _SLUG.sub(_slug, redact_patterns(_NAME.sub(_name, text)))
    if generalized == text:
        return text
    return " ".join(placeholder_words(generalized).split())  # as procedures' phrases read (``render.readable``)


def _slug(match: re.Match[str]) -> str:
    """ "{id}", unless a part names an operation ("terraform-apply", "squash-merge", "pg-search-main"): that
    may be what to do, and a name with such a part is kept whole rather than guessed at."""
    parts = re.split(r"[-_]", match.group(0))
    return match.group(0) if any(len(part) > 2 and is_operation_word(part) for part in parts) else "{id}"


def _name(match: re.Match[str]) -> str:
    """ "{name}", keeping a capitalized verb that opens the sentence ("Reject Ana Ruiz's request")."""
    first, _, rest = match.group(0).partition(" ")
    if rest and is_operation_word(first.lower()):
        return f"{first} {{name}}"
    return "{name}"
