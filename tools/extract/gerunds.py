"""A request's opening gerund as the verb a title starts with: "canceling the orders" -> "cancel the orders"."""

from __future__ import annotations

import re

# Stems whose base form ends in a silent e, known by name; `_DROPPED_E` guesses the others.
GERUND_BASES = {
    "chang": "change",
    "mak": "make",
    "updat": "update",
    "creat": "create",
    "remov": "remove",
    "schedul": "schedule",
    "reserv": "reserve",
    "writ": "write",
    "us": "use",
    "mov": "move",
    "clos": "close",
    "delet": "delete",
    "configur": "configure",
    "sav": "save",
    "shar": "share",
    "handl": "handle",
    "issu": "issue",
    "manag": "manage",
    "purchas": "purchase",
    "receiv": "receive",
    "replac": "replace",
    "resolv": "resolve",
    "upgrad": "upgrade",
    "downgrad": "downgrade",
    "compar": "compare",
    "prepar": "prepare",
    "releas": "release",
    "merg": "merge",
    "debugg": "debug",
    "tak": "take",
    "giv": "give",
    "generat": "generate",
    "migrat": "migrate",
}

# -ing words that describe a noun ("remaining vacation days", "outstanding balance"), not an action to take.
ADJECTIVES = frozenset(
    {"remaining", "outstanding", "pending", "upcoming", "existing", "missing", "incoming", "outgoing", "ongoing",
     "following", "matching", "recurring", "corresponding", "leading", "trailing", "billing", "shipping"}
)  # fmt: skip

# Stems whose verb ends in a silent e: archiv(ing), summariz(ing), analyz(ing), produc(ing), rotat(ing).
_DROPPED_E = re.compile(r"(?:v|[iy]z|[uro]c|[^aeioum]at)$")


def imperative(text: str) -> str:
    """ "canceling a couple of reservations" -> "cancel a couple of reservations"."""
    first, _, rest = text.partition(" ")
    if not first.isalpha() or not first.lower().endswith("ing") or len(first) <= 5 or first.lower() in ADJECTIVES:
        return text
    stem = first[:-3].lower()
    doubled = (len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz") or stem.endswith("ll")
    if doubled:  # runn(ing), cancell(ing)
        stem = stem[:-1]
    base = GERUND_BASES.get(stem) or (stem + "e" if not doubled and _DROPPED_E.search(stem) else stem)
    return f"{base} {rest}".strip()
