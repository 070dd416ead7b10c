"""What a user's sentence says when it asks for nothing: how it opens ("I", "thanks", "still"), what the user
did ("Rebooted and it's white"), which record they mean ("Account AC-88213"), or more of the problem ("…, very
poor"). ``titles.request_sentence`` keeps what is left."""

from __future__ import annotations

import re

from deftly.tools.extract.noun_titles import OBJECT_OPENERS
from deftly.tools.extract.tools_kind import is_verb_word
from deftly.tools.extract.typos import COMMON_VERBS
from deftly.tools.extract.vocabulary import is_verb

_NOT_IMPERATIVE = re.compile(
    r"^\W*(?:i|i'm|i've|i'd|my|we|our|it|its|this|that|these|those|there|what|why|who|when|where|which|how"
    r"|the|a|an|your|with|about|for|of|on|in|at|to|some|any|all|is|are|was|were"
    # openers of a clause, not of a request: "But I don't have the id", "As for the order", "Given that ..."
    r"|but|and|or|so|as|because|since|given|if|unless|although|though|while|unfortunately|after|before|by|from"
    r"|regarding|thanks|thank|appreciate|appreciated|cheers|sorry|not|hmm|hope|hopefully|maybe|perhaps|probably"
    r"|anyway|btw|fyi"
    # interjections, modals and pronouns: "Oh wow", "Can the user change ...", "One I need to update" ("do a
    # dry run" asks, though)
    r"|oh|wow|ok|okay|well|yes|yeah|no|nope|one|can|could|would|will|should|shall|may|might|must|do(?!\s+an?\b)|does|did"
    r"|you|he|she|they|him|her|them"
    # a negated statement typed without its apostrophe: "cant get online", "wont load"
    r"|cant|wont|couldnt|didnt|doesnt|isnt|arent|wasnt"
    # "need my number on a new sim": what the user wants, said without a verb for what to do with it
    r"|(?:need|needs|want|wants)(?!\s+(?:a|an|some|one|new)\b)|still"
    # what happened before the request: "Found my card in my coat pocket! Can you unfreeze it?"
    r"|found|lost|got|tried|noticed|reali[sz]ed|forgot|received|saw)\b",
    re.IGNORECASE,
)


def opens_no_request(sentence: str) -> bool:
    """Whether the sentence opens as no request does ("I", "the", "thanks", "still"), its first word read also
    with two letters swapped back ("Sitll fails", "thnak you"), as chat types it."""
    if _NOT_IMPERATIVE.match(sentence):
        return True
    found = re.match(r"\W*([A-Za-z]{5,})\b", sentence)  # not "form" for "from"
    if found is None or is_verb(found.group(1).lower()):
        return False
    word = found.group(1).lower()
    swaps = {word[:n] + word[n + 1] + word[n] + word[n + 2 :] for n in range(len(word) - 1)}
    return bool(swaps & _TYPED_OVER)  # not "three" for "there"


_TYPED_OVER = frozenset({"still", "thanks", "thank", "sorry", "maybe", "hopefully", "anyway", "perhaps"})


def tells_done(sentence: str) -> bool:
    """ "Rebooted and it's white", "changed it to 4G/5G": what the user did, in the past tense, not what to do.
    ("Proceed with the refund" and "Embed the chart" ask: no verb stands before their "ed"; "Closed tickets from
    Q2 exported to CSV" and "untagged resources" name things.)"""
    found = _without_asides(re.findall(r"[A-Za-z']+", sentence.lower()))  # "just swapped my modem", "ok rebooted"
    word = found[0] if found else ""
    if not _in_ed(word):
        return False
    following = found[1] if len(found) > 1 else ""
    if following and following not in _TOLD_AFTER and not following.endswith("ly"):
        return False  # an adjective before its noun
    # a longer word in "ed" is past whatever its verb ("swapped the modem"); "embed", "shred" are not
    return _past_of_a_verb(word) or len(word) >= _PAST_LETTERS


def names_a_done_thing(clause: str) -> bool:
    """ "Scheduled maintenance for tonight", "updated pricing for the Pro plan": a thing named by what was done
    to it, which a later clause says what to do about (or, alone, is the request: "untagged resources")."""
    found = _without_asides(re.findall(r"[A-Za-z']+", clause.lower()))
    return len(found) >= 2 and _past_of_a_verb(found[0]) and not tells_done(clause)


def _in_ed(word: str) -> bool:
    """A word that may be a verb's past: "rebooted"; not "proceed", "seed" or "feed", nor a verb tools open with."""
    return word.endswith("ed") and not word.endswith("eed") and not is_verb_word(word)


def _past_of_a_verb(word: str) -> bool:
    stems = {word[:-2], word[:-1], word[:-3], word[:-3] + "y"}  # rebooted, changed, swapped, tried
    return _in_ed(word) and any(len(stem) > 2 and is_verb(stem) for stem in stems)


_PAST_LETTERS = 6
# what follows a verb done ("rebooted and …", "turned it off", "tried again") rather than the noun it describes
_TOLD_AFTER = OBJECT_OPENERS | frozenset({"and", "again", "twice", "already", "but", "everything", "both"})


def only_frames_a_request(clause: str) -> bool:
    """What the user does for the agent ("give you my meter reading"), that a request is coming ("quick
    question"), or which record they mean ("Account AC-88213"): the frame of a request, not the request."""
    return bool(_USERS_PART.match(clause) or _ABOUT_TO_ASK.match(clause)) or _names_records(clause)


# "I want to give you my meter reading": what the user does for the agent, not the task
_USERS_PART = re.compile(r"^\W*(?:give|send|tell|show|pass|provide|bring|email|text|share)\s+(?:you|u)\b", re.I)
# "Quick question about my plan", "quick payroll question": says a request is coming, not what it is ("short PTO
# request for Dana" is the request)
_ABOUT_TO_ASK = re.compile(
    r"^\W*(?:(?:(?:a|one|quick|small|short|little)\s+)+(?:question|favou?r|request|ask|[a-z]+\s+questions?)"
    r"|questions?|favou?r)\b",
    re.I,
)


def _names_records(clause: str) -> bool:
    """ "Account AC-88213", "ticket 4411": which record the user means, said with no action to do on it ("Fix
    PROJ-1234", "cancel ZFA04Y" ask one)."""
    first, *rest = clause.split()
    named = bool(rest) and all(_RECORD_ID.fullmatch(word) for word in rest)  # not "clen data/raw/a_0612.csv"
    return named and first.lower().strip("#:") in _RECORD_KINDS


_RECORD_KINDS = frozenset({
    "account", "acct", "order", "ticket", "case", "invoice", "booking", "reservation", "customer", "member", "policy",
    "ref", "reference", "number", "no", "id", "phone", "line", "card", "user", "employee", "incident",
    "conf", "confirmation",
})  # fmt: skip
_RECORD_ID = re.compile(r"#?(?=[\w-]*\d)[A-Za-z0-9][\w-]*")


def acts_on(clause: str) -> bool:
    """ "fix failing tests", "leave a comment on it", "actually also cancel my physical": what to do; not "very
    poor", "SOS only", "under 1 Mbps", "mobile data yes", "much for your help" (more of what was said)."""
    found = _without_asides([w.lower() for w in re.findall(r"[A-Za-z0-9'.]+", clause)])
    if not found or found[0] in _NOT_VERBS or found[0][0].isdigit() or found[-1] in _VERDICTS:
        return False
    # "paper stuck in tray 3", "users getting 500s", "error in the transform step": more of the problem; so a
    # word deftly knows no verb for acts only on a thing named with its determiner ("leave a comment")
    return is_verb(found[0]) or found[0] in COMMON_VERBS or (len(found) > 1 and found[1] in _THE_THING)


def _without_asides(found: list[str]) -> list[str]:
    """The words from the first that is no aside ("just", "also", "actually"; not "apply", "reply")."""
    while found and (found[0] in _ASIDES or (found[0].endswith("ly") and not is_verb(found[0]))):
        found = found[1:]
    return found


_ASIDES = frozenset(
    {"also", "just", "then", "please", "and", "so", "otherwise", "instead", "ok", "okay", "already", "well"}
)
_NOT_VERBS = frozenset({
    "like", "even", "about", "with", "for", "to", "from", "than", "as", "very", "really", "too", "quite", "pretty",
    "much", "most", "same", "under", "over", "only", "not", "no", "nothing", "both", "still",
})  # fmt: skip
_VERDICTS = frozenset({"yes", "no", "good", "fine", "ok", "okay", "bad", "poor", "great", "now", "either"})
# OBJECT_OPENERS without its prepositions: "error in the transform step" names no object
_THE_THING = OBJECT_OPENERS - frozenset({"on", "for", "to", "from", "with", "in", "into", "at", "by", "of", "off",
    "up", "out", "back", "down", "over", "two", "some", "one", "any"})  # fmt: skip
