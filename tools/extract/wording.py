"""A request's words with the run's instance values as placeholders: the people, dates, times, addresses and
ids one user named become ``{name}``, ``{date}`` …, so the words read for every run of the task."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence

from deftly.tools.extract.gerunds import ADJECTIVES
from deftly.tools.extract.vocabulary import NOT_PLURAL, group_of, is_verb
from deftly.tools.values import (
    EMAIL,
    PLACEHOLDER,
    TEST_ID,
    TIME,
    YEAR_MONTH,
    redact_patterns,
    replace_values,
)

_ROUTE = re.compile(r"\bfrom ([A-Z][\w.]*(?: [A-Z][\w.]*)*) to ([A-Z][\w.]*(?: [A-Z][\w.]*)*)")
# How many of something one user wanted is not part of the procedure: "cancel two of the reservations",
# "make a few changes", "upgrade another reservation" are the same task for every count.
_COUNT_OF = re.compile(
    r"\b(?:two|three|four|five|both|several|a couple|a few|some|all)\s+of\s+"
    r"(?=(?:the|these|those|their|your|my|our)\b)",
    re.IGNORECASE,
)
_COUNT = re.compile(
    r"\b(?:a couple of|a few|a couple|several|some|two|three|four|five)\s+"
    r"(?!(?:times|seconds|minutes|hours|days|weeks|months|years)\b)(?=[a-z]+s\b)",
    re.I,
)  # not "written in several times", "snooze it for two hours": how often or how long is no count of things
_ANOTHER = re.compile(r"\banother\b")
_LISTED_PLACEHOLDER = re.compile(rf"({PLACEHOLDER.pattern})(?:(?:,\s*|,?\s+(?:and|or|&)\s+)\1)+")
# Not a contraction ("Let's", "What's") nor a time or anyone's ("Today's", "Friday's", "Everyone's").
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NO_PERSON = (
    r"(?:Let|It|That|What|Who|Where|When|How|Why|Here|There|He|She|This|Today|Tomorrow|Yesterday|Tonight"
    rf"|Everyone|Everybody|Someone|Somebody|Anyone|Nobody|Nothing|Everything|Something|One|{_DAYS}"
    r"|January|February|March|April|May|June|July|August|September|October|November|December)'s"
)
_WEEKDAY = re.compile(rf"(?:\b([A-Za-z]+) )?\b(?:{_DAYS})\b(?!\.\w)", re.I)
# The words that make a weekday a day's name: "Black Friday", "Cyber Monday", "Good Friday", "Super Tuesday"
_NAMED_DAYS = frozenset({
    "black", "cyber", "good", "holy", "easter", "ash", "super", "palm", "giving", "fat", "shrove", "maundy",
    "whit", "blue", "manic", "small", "business",
})  # fmt: skip
_POSSESSIVE_NAME = re.compile(rf"(?<=\s)(?!{_NO_PERSON})(?:[A-Z][a-z]+\s)*(?!{_NO_PERSON})[A-Z][a-z]+(?='s\b)")


def generalize_words(text: str, values: Mapping[str, str], names: Iterable[str]) -> str:
    text = with_long_values(text, values)
    named = dict(names) if isinstance(names, Mapping) else dict.fromkeys(names, "name")
    text = _ROUTE.sub(lambda m: _route(m, values, named), text)
    text = TEST_ID.sub("{test_id}", text)  # before the paths: the file alone would leave "::test_login"
    # A month the tools took apart ({"year": 2025, "month": 3}) would leave "{year}-03".
    text = YEAR_MONTH.sub(lambda m: m.group(0) if m.group(0) in values else "{month}", text)
    text = TIME.sub("{time}", text)  # before values: "09:30" is a time, not "09:" and a bound 30 minutes
    text = _WEEKDAY.sub(_day, text)  # "move my appointment to Friday": the next user's is another day
    known = {value.lower() for value in values}
    # An address no tool used is still one value, not a name inside it ("keiko.{name}@…").
    text = EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() in known else "{email}", text)
    people = {value: kind for value, kind in named.items() if kind == "name"}
    text = _possessives(text, people)
    # "check the size of acme-logs/tmp/" names the "s3://acme-logs/tmp/" the tools were given
    bare = {v.split("://", 1)[1]: kind for v, kind in values.items() if "://" in v and len(v.split("://", 1)[1]) >= 6}
    text = replace_values(text, {**bare, **named, **values, **people})  # a person found by a lookup is a {name}
    text = _POSSESSIVE_NAME.sub("{name}", text)  # "approve Sven's time off": a person the tools knew by id
    return _without_counts(redact_patterns(text))


_GRADE = re.compile(r"[A-F][+-]?")
_CODE = re.compile(r"[A-Z]{1,2}\d")
_STEPS = frozenset({"status", "state", "stage", "plan", "tier", "priority", "level", "cabin", "phase", "role"})


def _route(match: re.Match[str], values: Mapping[str, str], names: Iterable[str]) -> str:
    """ "from {origin} to {destination}" for places no tool took; "log $500 from Maria Chen to General Fund"
    names a donor and a fund the tools were given, which the values below name ("from Dana Whitfield to {name}"
    keeps only the end no tool took as a route's). "from C to B" is a grade."""
    if all(_GRADE.fullmatch(end) or _CODE.fullmatch(end) for end in match.groups()):
        return match.group(0)  # "from P2 to P1", "from L1 to L2", "from Q1 to Q2": levels, not places
    named = {value.lower(): kind for value, kind in [*values.items(), *dict.fromkeys(names, "name").items()]}
    origin, destination = match.groups()
    if any(named.get(end.lower()) in _STEPS for end in match.groups()):
        return match.group(0)  # "from In Progress to Done": a status changing, the tools' value named below
    start = origin if origin.lower() in named else "{origin}"
    end = destination if destination.lower() in named else "{destination}"
    return f"from {start} to {end}"


def _day(match: re.Match[str]) -> str:
    """ "{day}" for a weekday this user meant ("to Friday", "PTO Friday"), not one in a name ("Black Friday",
    "Cyber Monday") nor a site ("Monday.com")."""
    before = match.group(1)
    if before is None:
        return "{day}"
    return match.group(0) if before.lower() in _NAMED_DAYS else f"{before} {{day}}"


def with_long_values(text: str, values: Mapping[str, str]) -> str:
    """Values of several words replaced first, whole: a message the user dictated keeps its times, addresses,
    commas and full stops, which would otherwise be taken apart (into "{time}", into sentences) before the
    message is recognised, leaving its other words behind."""
    return replace_values(text, {value: name for value, name in values.items() if len(value.split()) > 2})


def _possessives(text: str, people: Iterable[str]) -> str:
    """ "answer Anouks email": a person's possessive typed without its apostrophe is still that person's, the
    first name of one the tools know by their full name too."""
    for name in {part for person in people for part in (person, person.split()[0])}:
        if len(name) >= 3 and name[:1].isupper() and f"{name}s" in text:  # as written: "Grants" is no "Grant"
            text = re.sub(rf"(?<![\w{{]){re.escape(name)}s(?![\w}}])", "{name}'s", text)
    return text


def _without_counts(text: str) -> str:
    """ "Cancel two of the reservations {reservation_id} and {reservation_id}" -> "Cancel the reservations
    {reservation_id}": counts and enumerations of one placeholder describe one run, not the procedure."""
    text = _LISTED_PLACEHOLDER.sub(r"\1", text)
    text = _COUNT_OF.sub("", text)
    text = _COUNT.sub("", text)
    return " ".join(_ANOTHER.sub("a", text).split())


def reads_as_a_statement(sentence: str) -> bool:
    """ "remaining vacation days", "count of new signups", "customer disputed {invoice_id}", "{name} went with
    another vendor": a noun phrase or a statement, which "The user asks to …" would make ungrammatical. Only
    what shows it counts (an opener that is no verb, "of" after the first word, a past tense second word): a
    verb this does not know ("release", "bill") stays a request."""
    tokens = sentence.split()
    first = tokens[0].lower()
    second = tokens[1].lower() if len(tokens) > 1 else ""
    return (
        bool(PLACEHOLDER.match(tokens[0]))
        or first[:1].isdigit()
        or first in _NOUN_OPENERS
        or first in ADJECTIVES
        or second == "of"
        or (second.endswith("ed") and second.isalpha() and len(second) > 4)
    )


_NOUN_OPENERS = frozenset(
    {"new", "total", "partial", "full", "net", "current", "latest", "last", "next", "bad", "good", "quick", "someone",
     "somebody", "everyone", "nobody", "customer", "password", "no", "every", "each", "both"}
)  # fmt: skip


# "how many days does {name} have left" asked as a question; told as what to find out, the subject comes
# before its verb: "how many days {name} has left". Only a subject that is plainly one (a placeholder, a
# pronoun, or "the"/"my" and a word or two) is moved; anything else keeps the question's order.
_DO_SUPPORT = re.compile(
    r"^(?P<asked>(?i:how|what|which|when|where|why)\b(?:[^?]*?))\s+(?P<do>(?i:does|do))\s+"
    r"(?P<subject>(?:\{\w+\}|[A-Z][\w'-]+(?: [A-Z][\w'-]+){0,3})(?:'s [a-z]+)?|(?i:he|she|it|they|we|i|you)|"
    r"(?i:the|my|our|his|her|their|its|this|that|your) (?:\{\w+\} )?[a-z]+)\s+(?P<verb>[a-z]+)\b"
)
_THIRD_PERSON = {"have": "has", "do": "does", "go": "goes", "be": "is"}
# "how much data have I used": the helper verb after the user, as in a clause ("how much data the user has used")
_ASKED_OF_SELF = re.compile(
    r"^(?P<asked>(?i:how|what|which|when|where|why)\b[^?]*?)\s+"
    r"(?P<aux>(?i:have|had|am|was|can|could|will|would|should))\s+(?i:i|we)\s+(?=[a-z])"
)
_USERS_AUX = {"have": "has", "am": "is"}


_ADVERBS = frozenset({"still", "already", "actually", "really", "currently", "usually", "ever", "just", "normally"})


def indirect_question(question: str) -> str:
    """The question in the order of a clause, about the user where they asked about themselves: "how much
    does {name} owe" -> "how much {name} owes", "how much data have I used" -> "how much data the user has
    used" ("I have used …" left as it is would read as what the user did)."""
    found = _DO_SUPPORT.match(question)
    if not found:
        own = _ASKED_OF_SELF.match(question)
        if own is None:
            return question
        aux = own["aux"].lower()
        return f"{own['asked']} the user {_USERS_AUX.get(aux, aux)} {question[own.end() :]}"
    verb, subject, rest = found["verb"], found["subject"], question[found.end() :]
    if subject.lower() in {"i", "we"}:
        subject, third = "the user", True
    else:
        third = found["do"].lower() == "does"
    adverb = ""
    after = re.match(r"\s+([a-z]+)", rest)
    if verb.lower() in _ADVERBS and after:  # "which invoices do I still owe"
        adverb, verb, rest = f"{verb} ", after.group(1), rest[after.end() :]
    if third:
        verb = _THIRD_PERSON.get(verb.lower()) or _third_person(verb)
    return f"{found['asked']} {subject} {adverb}{verb}{rest}"


def _third_person(verb: str) -> str:
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"  # qualify -> qualifies
    return verb + "es" if verb.endswith(("s", "sh", "ch", "x", "z", "o")) else verb + "s"


_REPORTER = re.compile(r"^(?:\{\w+\}|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})$")
_THEIR_VERB = re.compile(r"\b(?:they|he|she) (have|has|are|is|were|was)\b", re.IGNORECASE)
_SINGULAR = {"have": "has", "has": "has", "are": "is", "is": "is", "were": "was", "was": "was"}


def about_reporter(question: str, before: str) -> str:
    """ "{name} asked me how many days they have left": the question is about {name}, and says so ("how many
    days {name} has left"); who "they" is is lost once the title stands alone."""
    reporter = before.strip()
    if not _REPORTER.match(reporter):
        return question
    return _THEIR_VERB.sub(lambda m: f"{reporter} {_SINGULAR[m.group(1).lower()]}", question, count=1)


# Finite verbs that make a clause a report ("the repo is web-dashboard", "pager went off", "CI on #512 failed
# again"), and the words that start a clause inside a request ("rerun only what failed").
_FINITE = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "keeps", "kept", "went", "got", "just", "failed", "broke",
     "crashed", "landed", "flagged", "submitted", "looks", "seems", "died", "stopped", "says", "shows", "not", "won't",
     "isn't", "doesn't", "can't", "cannot", "aren't", "wasn't"}
)  # fmt: skip
_WORKS = frozenset({"works", "worked"})
_WEAK_FINITE = frozenset({"not", "just"})  # "the tickets not updated", "the PR Alex just approved"
_CLAUSE_OPENERS = frozenset(
    {"what", "which", "that", "why", "how", "who", "whether", "if", "when", "where", "once", "after", "before",
     "until", "because", "since", "so", "and", "but", "as", "unless", "while", "then", "now"}
)  # fmt: skip
_STATEMENT_REACH = 6
_DETERMINERS = frozenset({"the", "a", "an", "my", "our", "this", "that", "these", "those", "their", "its"})


def reports(sentence: str) -> bool:
    """ "Repo is web-dashboard", "Pager went off", "Don't change anything": a sentence that tells, or forbids,
    rather than asks for what to do; not "Rerun only what failed", nor one opening with a verb deftly knows."""
    found = re.findall(r"[a-z']+", sentence.lower())
    if not found:
        return False
    if found[0] in {"don't", "dont"} or found[:2] == ["do", "not"]:
        return True
    if found[:2] == ["make", "sure"] or found[0] == "ensure":
        return False  # "Make sure checkout is up" asks for a state
    if group_of(found[0]) is not None:
        return False
    if is_verb(found[0]):  # "Close the tickets not updated in 30 days" asks; "Sync is stuck" tells
        return any(word in _FINITE - _WEAK_FINITE for word in found[1:3])
    for before, word in itertools.pairwise(found[:_STATEMENT_REACH]):
        if word in _CLAUSE_OPENERS:
            return False
        if word in _FINITE and before not in _DETERMINERS:  # "the failed jobs": an adjective
            return True
        if word in _WORKS or (word == "work" and before.endswith("s") and before not in NOT_PLURAL):
            return True  # "the app works", "calls work", "nothing worked": whether something works is told
    return False


def without_shorthand(text: str) -> str:
    """Chat shorthand spelled out: "can u retrigger it pls" asks as "can you … please" does."""
    return _SHORTHAND.sub(lambda m: _SHORTHAND_WORDS[m.group(0).lower()], text)


_SHORTHAND_WORDS = {"u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks", "em": "them"}
_SHORTHAND = re.compile(
    rf"(?<![\w{{'.-])(?:{'|'.join(w for w in _SHORTHAND_WORDS if w != 'em')}"
    r"|(?<=[a-z] )em(?=\s*(?:$|[.,!?]|\s(?:pls|please|plz|for|to|into|up|out|all|now)\b)))"
    rf"(?![\w}}'.-])",
    re.IGNORECASE,
)  # "merge em", not the "em dash" nor "2 em"


def in_third_person(text: str) -> str:
    """The user's words about themselves as a title says them: "cancel my order" -> "cancel the order"."""
    return substituted(text, _PRONOUNS)


def substituted(text: str, rules: Sequence[tuple[re.Pattern[str], str]]) -> str:
    """``text`` with each rule's pattern replaced, in order."""
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


# Whole words only: not the "us" of "prod-us-east-2", nor "US", the country.
_PRONOUNS = [
    (re.compile(r"(?<![\w-])my(?![\w-])", re.I), "the"),
    (re.compile(r"(?<![\w-])mine(?![\w-])", re.I), "the user's"),
    (re.compile(r"(?<![\w-])me(?![\w-])", re.I), "the user"),
    (re.compile(r"(?<![\w-])(?:myself|ourselves)(?![\w-])", re.I), "the user"),
    (re.compile(r"(?<![\w-])I(?:'m| am)(?![\w-])"), "the user is"),
    (re.compile(r"(?<![\w-])I(?![\w-])"), "the user"),
    (re.compile(r"(?<![\w-])our(?![\w-])", re.I), "the"),
    (re.compile(r"(?<![\w-])[Uu]s(?![\w-])"), "the user"),
]


def whole_phrase(text: str) -> str:
    """Without a dangling end ("... get a refund back to the") or a quote cut open ('... with the title "Return
    RateLimit headers'): a title stops where a phrase stops."""
    if text.count('"') % 2:
        text = _NAMING_END.sub("", text[: text.rindex('"')].rstrip())
    words_ = text.split()
    while len(words_) > 2 and words_[-1].lower().strip(",;:") in _DANGLING and not _ends_a_question(words_):
        words_.pop()
    return " ".join(words_).rstrip(",;:")


def _ends_a_question(words_: list[str]) -> bool:
    """ "… what the most expensive item in the order is": the verb of a question asked inside, not a phrase cut
    before its end."""
    return words_[-1].lower().strip(",;:") in {"is", "are"} and any(w.lower() in _ASKING for w in words_[:-2])


_ASKING = frozenset({"what", "who", "whose", "where", "when", "how", "why"})  # "whether the pod is" is cut short
_NAMING_END = re.compile(r"\s+(?:with|and)\s+(?:the|a|an)\s+\w+$|\s+(?:titled|called|named|saying)$", re.I)
_DANGLING = {
    "the", "a", "an", "to", "for", "of", "and", "or", "with", "on", "in", "at", "by", "from", "that", "which", "my",
    "your", "their", "is", "are", "be", "so", "but", "if", "as", "into", "about", "this", "it's", "its", "that's",
}  # fmt: skip


def points_somewhere(sentence: str) -> bool:
    """ "Notion -> {query}": a place and what goes there, no action a title could name."""
    parts = _ARROW.split(sentence, maxsplit=1)
    return (
        len(parts) == 2
        and len(parts[0].split()) == 1
        and not PLACEHOLDER.fullmatch(parts[0].strip())
        and PLACEHOLDER.match(parts[1].strip()) is not None  # not "staging -> prod": a promotion is an action
    )


def arrows_spelled(title: str) -> str:
    """Chat arrows in a title read as words: "Set {deal_id} -> closed won" sets it to that; "{package} -> {version}
    please" changes one to the other. A trailing "please" is no part of the task."""
    values, *rest = _ARROW.split(title, maxsplit=1)
    then = _TRAILING_COURTESY.sub("", rest[0]).strip() if rest else ""
    verb = then.split()[0] if then else ""
    if PLACEHOLDER.match(values) and verb.isalpha() and is_verb(verb.lower()) and len(then.split()) > 1:
        # "{vehicle} / {address} → log issue, dispatch tow": what to do with those values, not a change of them
        # ("{order_id} -> cancel" names no object of its own: it changes the order to cancelled, as before)
        return then[0].upper() + then[1:]
    arrowed = _ARROW.sub(" to ", title)
    if arrowed != title and PLACEHOLDER.match(arrowed):
        arrowed = f"Change {arrowed}"
    return _TRAILING_COURTESY.sub("", arrowed).strip() or title


_ARROW = re.compile(r"\s+(?:->|→|=>)\s+")  # spaced, as chat writes it; not "conn->buf" in code
_TRAILING_COURTESY = re.compile(
    r"(?:\s+(?:please|pls|plz)|,\s*(?:please|pls|plz|thanks|thx|ty|cheers))+[.!]*$", re.IGNORECASE
)  # "…, thanks", not "email the team to say thanks"


def person_for_pronoun(title: str, asked: str) -> str:
    """ "Remove every access they have", asked about one person ("Our contract with {name} ended"): the title
    names whom ("Remove every access {name} has"), a pronoun says nothing without the message before it."""
    people = set(re.findall(r"\{name(?:_\d+)?\}", asked))
    if people != {"{name}"} or "{name}" in title:
        return title
    return substituted(title, _PERSON_PRONOUNS)


_PERSON_PRONOUNS = [
    (re.compile(r"\bthey have\b", re.I), "{name} has"),
    (re.compile(r"\bthey(?:'re| are)\b", re.I), "{name} is"),
    (re.compile(r"\btheir\b", re.I), "{name}'s"),
    (re.compile(r"\b(?:they|them|he|she|him)\b", re.I), "{name}"),
    (re.compile(r"\b(?:his|her)\b", re.I), "{name}'s"),
]
