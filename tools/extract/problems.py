"""How a request is put around what it asks: a problem described before asking ("The billing service is crash
looping in prod, restart it") or what to act on named first ("the staging db, can you restart it?") says what
the request's "it" stands for; a statement after it ("— one item was returned") says why, not what to do."""

from __future__ import annotations

import itertools
import re

from deftly.tools.extract.tools_kind import is_verb_word
from deftly.tools.extract.vocabulary import group_of, is_change_verb, is_operation_word

CLAUSE_BREAK = re.compile(
    r"\s+(?:which|who|whom)\s+(?=(?:i|we|you|they|he|she|it|is|are|was|were|has|have|had|will|would)\b)"
    r"|\s+(?:because|since|so that|so|but|though|although|if|when|while"
    r"|as(?=\s+(?:i|we|you|they|he|she|it|there|well|soon|long|per|mentioned|discussed|requested|usual)\b))\s+"
    r"|[;(]|,(?!\d)|:(?=\s|$)|\s+-\s+",  # not the comma of 1,000, the colon of 10:00 or of tests/a.py::test_b
    re.I,
)
_FIX_IT = re.compile(
    r"\b(fix|repair|debug|resolve|solve|troubleshoot|investigate|sort out|look into)\s+(?:it|them|this|that|the"
    r" (?:issue|problem|error|failure|bug))\b",
    re.IGNORECASE,
)
# Any other action done to "it": "restart it", "bounce them", "roll it back".
_ACT_ON_IT = re.compile(r"\b([a-z]+)\s+(?:it|them)\b", re.IGNORECASE)
_PROBLEM = re.compile(
    r"^(?P<subject>(?:\S+\s+){0,7}?\S+)\s+(?P<verb>is|are|was|were|keeps?|kept|has been|have been|started|seems to be"
    r"|can't|cannot|won't|doesn't|don't|isn't|aren't|fails?|broke|crashed|stopped|forgot|lost|leaked)(?:\s+(?P<state>.+))?$",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"can't|cannot|won't|doesn't|don't|isn't|aren't|fails?|broke|crashed|stopped", re.IGNORECASE)


def is_problem(clause: str) -> bool:
    """ "the nightly build keeps failing", "auth is down": a description, not a request."""
    problem = _PROBLEM.match(clause)
    return problem is not None and _names_a_thing(problem.group("subject"))  # not "set it to closed lost"


def problem_request(text: str) -> str | None:
    """The request spelled out with the problem the user describes first, when it only says "it":
    "The nightly build keeps failing since Monday, can you fix it?" -> "fix the nightly build failing since
    Monday"; "The billing service is crash looping in prod, restart it." -> "restart the billing service"."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    for sentence in sentences:
        found = _spelled_out(sentence)
        if found:
            return found
    for told, asked in itertools.pairwise(sentences):  # "X pods keep restarting. fix pls", "… debug it?"
        bare = _BARE_FIX.match(asked.strip())
        if bare and (found := _spelled_out(f"{told.rstrip('.!? ')}, {bare.group('verb')} it")):
            return found
    return None


_SPLIT_PARTICLE = re.compile(r"\b(sort)\s+(it|them|this|that)\s+(out)\b", re.IGNORECASE)
_BARE_FIX = re.compile(
    r"^(?:(?:please|pls|plz|can you|could you|would you)\s+)*(?P<verb>fix|repair|sort out|resolve|debug|look into)"
    r"(?:\s+(?:it|them|this|that))?(?:\s+(?:please|pls|plz|asap))?\s*[.!?]*$",
    re.IGNORECASE,
)


def _spelled_out(text: str) -> str | None:
    problem = _PROBLEM.match(CLAUSE_BREAK.split(text, maxsplit=1)[0].strip())
    if problem is None or not _names_a_thing(problem.group("subject")):
        return None
    subject = _subject(problem.group("subject"))
    fixing = _FIX_IT.search(_SPLIT_PARTICLE.sub(r"\1 \3 \2", text))  # "sort it out" sorts out "it"
    if fixing is not None:
        state, verb = problem.group("state") or "", problem.group("verb")
        joined = f"that {verb} {state}" if _NEGATED.match(verb) else state
        return f"{fixing.group(1).lower()} {subject} {joined}"
    acting = next((m for m in _ACT_ON_IT.finditer(text) if _acts(m.group(1))), None)
    if acting is None or (acting.group(0).lower().endswith(" them") and problem.group("verb").lower() in _SINGULAR):
        return None  # "Kwame keeps opening tickets, merge them": one subject, and "them" is what it makes
    owned = _OWNED.match(problem.group("state") or "")  # "Keiko forgot her password, reset it": "it" is the password
    target = f"{subject}'s {owned.group(1)}" if owned and acting.group(0).lower().endswith(" it") else subject
    return f"{acting.group(1).lower()} {target}"


_SINGULAR = frozenset({"is", "was", "keeps", "has been", "fails", "doesn't", "isn't"})
_OWNED = re.compile(r"(?:their|his|her|its|my|our)\s+([a-z]+)\b", re.IGNORECASE)


def _names_a_thing(subject: str) -> bool:
    """ "The billing service", "checkout requests": not "Check why auth" (a request with its question)."""
    found = re.findall(r"[a-z']+", subject.lower())
    named = bool(re.search(r"[\w][-_./][\w]", subject.split()[0])) if subject.split() else False  # "ingest-worker"
    return bool(found) and (named or group_of(found[0]) is None) and not set(found) & _QUESTION_WORDS


_ACTS_ON_IT = frozenset(
    {"rotate", "wipe", "renew", "extend", "rerun", "retry", "rebuild", "redeploy", "reinstall", "trigger", "retrigger"}
)
_LOOKING = frozenset({"get", "show", "list", "describe", "head"})  # operations that only read
_QUESTION_WORDS = frozenset({"why", "what", "how", "who", "when", "where", "which", "whether", "if"})


def _acts(verb: str) -> bool:
    """ "restart", "reset", "rotate": a verb that does something (not "see it", not "get it")."""
    word = verb.lower()
    return word in _ACTS_ON_IT or (is_change_verb(word) and word not in _LOOKING)


def desired_state(clause: str) -> str | None:
    """ "Goran's manager should be Sven now" asks to set it: "set Goran's manager to Sven" (None for a clause
    that says no such thing, or says it of a pointer: "it should be fine")."""
    match = _SHOULD_BE.match(clause.strip())
    if match is None or match.group("subject").split()[0].lower() in _POINTER_SUBJECTS:
        return None
    return f"set {_subject(match.group('subject'))} to {match.group('value')}"


def wanted_done(clause: str) -> str | None:
    """ "I need a csv cleaned up: …" asks to clean it up: "clean up a csv" (None for a clause that says no such
    thing, or wants a pointer done: "I need it fixed")."""
    match = _WANTED_DONE.match(clause.strip())
    if match is None or match.group("object").split()[0].lower() in _POINTER_SUBJECTS:
        return None
    participle = match.group("done").lower()
    known = [stem for stem in (participle[:-1], participle[:-2]) if is_verb_word(stem)]  # "archived", "locked"
    verb = known[0] if known else participle[:-1] if is_change_verb(participle[:-1]) else participle[:-2]
    if participle.endswith("ied"):
        verb = participle[:-3] + "y"  # "tidied" -> "tidy"
    if len(verb) > 2 and verb[-1] == verb[-2] and verb[-1] not in "lsz":
        verb = verb[:-1]  # "stopped" -> "stop"; "rolled" stays "roll"
    particle = f" {match.group('particle').lower()}" if match.group("particle") else ""
    return f"{verb}{particle} {_subject(match.group('object'))}{match.group('rest') or ''}"


_WANTED_DONE = re.compile(
    r"^(?:i|we)\s+(?:need|want|would like|'d like)\s+(?P<object>(?:\S+\s+){0,5}?\S+)\s+(?P<done>[a-z]{3,}ed)"
    r"(?:\s+(?P<particle>up|out|off|down|over|back))?(?P<rest>\s+.*)?$",
    re.IGNORECASE,
)
_SHOULD_BE = re.compile(
    r"^(?P<subject>(?:\S+\s+){0,5}?\S+)\s+(?:should|must|needs? to|has to|ought to)\s+(?:be|become|now be)\s+"
    r"(?P<value>.+?)(?:\s+(?:now|instead|from now on|going forward))?$",
    re.IGNORECASE,
)
_POINTER_SUBJECTS = frozenset({"it", "this", "that", "these", "those", "they", "i", "we", "you", "he", "she", "there"})


def _subject(text: str) -> str:
    """A subject in the middle of a request: "The billing service" -> "the billing service", a name as written."""
    first, _, rest = text.partition(" ")
    if first.lower() in _SUBJECT_DETERMINERS:
        return f"{first.lower()} {rest}".strip()
    return text if rest[:1].isupper() else lower_first(text)  # "Keiko Sato", "Billing service"


_SUBJECT_DETERMINERS = frozenset(
    {"the", "a", "an", "our", "my", "your", "their", "this", "that", "these", "those", "all"}
)


def lower_first(text: str) -> str:
    """ "Release version 2" -> "release version 2"; "GitHub", "API" and "I" keep their capitals."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


# What to act on, then the action on "it": "the claim Marta sent, approve it", "staging db - can you restart it?"
_TOPIC_FIRST = re.compile(
    r"^(?P<topic>[^,:;\u2013\u2014]{3,80}?)\s*(?:,|:|\s[\u2013\u2014-])\s*"
    r"(?:(?:(?:can|could|would|will) you|please|pls|just)\s+)*(?P<verb>[a-z]+)\s+(?:it|them)\b(?P<rest>[^?]*)",
    re.IGNORECASE,
)
_DETERMINERS = frozenset({"the", "that", "this", "these", "those", "our", "my", "their"})
_CLAUSE_WORDS = frozenset({"is", "are", "was", "were", "keeps", "has", "have", "had", "i", "we", "you", "it", "they"})


def topic_first(sentence: str) -> str | None:
    """A request that names what to act on before the action: "the claim Marta sent, approve it" -> "approve
    the claim Marta sent". Not a problem told first ("the tests are failing, fix them"), which says why."""
    found = _TOPIC_FIRST.match(sentence.strip())
    if not found or not (is_change_verb(found["verb"]) or is_operation_word(found["verb"].lower())):
        return None
    topic = found["topic"].strip()
    if _CLAUSE_WORDS & {w.lower() for w in topic.split()} or is_problem(topic):
        return None
    opening = topic.split()[0].lower()
    if opening in _ASKING or group_of(opening) is not None:
        return None  # "Please create the tag, push it": a request of its own, then another action on what it made
    if len(topic.split()) < 2 or all(w[:1].isupper() for w in topic.split()):
        return None  # "Sam, can you delete it?": whom the request is addressed to, not what to act on
    if topic.split()[0].lower() in _DETERMINERS:
        topic = lower_first(topic)
    return f"{found['verb']} {topic}{found['rest']}"


_ASKING = frozenset({"please", "kindly", "can", "could", "would", "will", "let's", "go"})


def tells_why(clause: str) -> bool:
    """ "one item was returned", "it's urgent", "they left on Friday": after a dash, a statement of its own
    (a subject and its verb), which says why, not what to do."""
    tokens = [t.lower() for t in clause.split()]
    return bool(tokens) and (
        tokens[0] in _SUBJECT_PRONOUNS or tokens[0].endswith("'s") or bool(_STATEMENT_VERBS & set(tokens[1:4]))
    )


_SUBJECT_PRONOUNS = frozenset({"it", "it's", "they", "they're", "he", "she", "we", "i", "that's", "this", "there's"})
_STATEMENT_VERBS = frozenset({"is", "was", "are", "were", "has", "have", "had", "got", "needs", "wants", "left"})
