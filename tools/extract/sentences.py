"""The sentences of a user message: split, with quotes and chat shorthand made plain, openers ("OK,", "Also,")
and greetings aside, and the words that mark a request ("can you", "I'd like to", "please")."""

from __future__ import annotations

import re

from deftly.tools.extract.vocabulary import ADDING, LEAD_INS, READ_GROUP, group_of, mentioned_actions
from deftly.tools.extract.wording import without_shorthand

MARKER = re.compile(
    r"\b(?:i(?:'d| would) (?:\w+ )?(?:like|love|want)(?: you)?(?: to)?|i (?:\w+ )?(?:want|need|wish|have)(?: you)? to"
    r"|i(?:'m| am) (?:looking|trying|hoping|planning|wanting) to"
    r"|(?:i'm |i am )?hoping (?:that )?(?:you can|you could|to)|can you(?: please)?|could you(?: please)?"
    r"|would you(?: please)?|will you|please|help me(?: (?:to|with))?|how (?:do|can|should) i|let's|i'd like"
    r"|^\W*(?:really |just )?(?:need|want)(?: you)? to)\s+"  # "need to add receipts to my claim": chat drops the "I"
    r"(?=[\w{\"'`])",  # what follows is the request: not the dash after "profile it for me please — …"
    re.IGNORECASE,
)
# "Also, what's happening with my claim?", "So, can you …": what opens a sentence before what it asks
_LEAD_IN = re.compile(rf"^\W*(?:(?:{LEAD_INS}|{ADDING})\b[\s,:]*)+", re.I)
_THANKS = re.compile(r"^\W*(?:thanks?|thank you|great|perfect|ok(?:ay)?|awesome|sure|yes|ha(?:ha)*)\b[\s,!.]*", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# "Keiko Sato (keiko.sato@x.ai) forgot …", "plan sandbox (no apply)": an aside, not where the request goes on.
ASIDE = re.compile(r"\s*\([^()\n]{0,80}\)")
GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|yo|hiya|good (?:morning|afternoon|evening)|morning)\b[\s,!.]*(?:there[\s,!.]*)?", re.I
)


def bare(request: str) -> str:
    """The request without its greeting and asides, its quotes plain and its shorthand spelled out."""
    return ASIDE.sub("", GREETING.sub("", plain_quotes(request.strip())))


def sentences(text: str) -> list[str]:
    """The sentences of a message, each without an opening "OK," or "Thanks!": "OK, can you bump ..." asks."""
    found = (_LEAD_IN.sub("", _THANKS.sub("", s)).strip() for s in SENTENCE_END.split(text))
    return [s for s in found if s]


def plain_quotes(text: str) -> str:
    """Plain quotes, and chat shorthand spelled out: "can u retrigger it pls" asks as "can you … please" does."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return without_shorthand(text)


def requested_actions(text: str) -> frozenset[str]:
    """The changes a message asks for: verbs in its request sentences ("can you cancel ...",
    "please move it ...", "Cancel it."), not in narration ("I booked two flights")."""
    found: set[str] = set()
    for sentence in SENTENCE_END.split(plain_quotes(text)):
        match = MARKER.search(sentence)
        if match:
            found |= mentioned_actions(sentence[match.end() :])
        elif group_of(first_word(sentence)) not in (None, READ_GROUP):
            found |= mentioned_actions(sentence)
    return frozenset(found)


def first_word(sentence: str) -> str:
    """The first word of a sentence after any greeting, lower-cased ("" for none)."""
    words_found = re.findall(r"[a-z]+", GREETING.sub("", sentence).lower())
    return words_found[0] if words_found else ""
