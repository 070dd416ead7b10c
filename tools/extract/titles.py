"""Imperative titles and "when to use" lines from the user's request, with values turned into placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from deftly.tools.extract.gerunds import imperative
from deftly.tools.extract.noun_titles import asks_to_act, opens_with_object
from deftly.tools.extract.problems import (
    CLAUSE_BREAK,
    desired_state,
    is_problem,
    lower_first,
    problem_request,
    tells_why,
    topic_first,
    wanted_done,
)
from deftly.tools.extract.said_not_asked import (
    acts_on,
    names_a_done_thing,
    only_frames_a_request,
    opens_no_request,
    tells_done,
)
from deftly.tools.extract.sentences import (
    GREETING,
    MARKER,
    bare,
    first_word,
    plain_quotes,
    requested_actions,
    sentences,
)
from deftly.tools.extract.tools_kind import all_words, is_handoff, object_phrase
from deftly.tools.extract.vocabulary import (
    ASKS_FOR,
    ASKS_TO,
    VERB_GROUPS,
    is_verb,
    mentioned_actions,
    overlap,
    phrasal,
)
from deftly.tools.extract.wording import (
    about_reporter,
    generalize_words,
    in_third_person,
    indirect_question,
    reads_as_a_statement,
    reports,
    whole_phrase,
)
from deftly.tools.secrets import SECRET
from deftly.tools.values import PLACEHOLDER

# "I need a refill on my Adderall", "need the Pacifica Power & Light statement": get it
_NEED_A = re.compile(
    r"^\W*(?:i(?:'d| would)? (?:really |just )?(?:need|want|like) ((?:an?|the|my|our) \w+\b.*)"
    r"|(?:need|want) ((?:the|my|our) \w+\b.*))",
    re.I,
)
_OWNER_CLAUSE = re.compile(r"\s+(?:that |which )?(?:i|we)(?:'ve| have| had| own| booked| made| got)\b.*$", re.I)
_HELP_WITH = re.compile(
    r"^(?:assist|help|support)(?: (?:me|us|the user))?(?: (?:out|with|to|on|in))?\s+(?=\w+ing\b|\w)", re.I
)
_VAGUE = {
    "it",
    "this",
    "that",
    "something",
    "things",
    "thing",
    "issue",
    "problem",
    "a",
    "an",
    "the",
    "some",
    "few",
    "user",
    "me",
    "with",
    "my",
    "out",
    "question",
    "questions",
    "request",
    "one",
    "change",
    "changes",
    "modification",
    "modifications",
    "adjustment",
    "adjustments",
    "update",
    "updates",
    "help",
    "hand",
    "assistance",
    "system",
    "systems",
    "record",
    "records",
    "entry",
    "details",
    "info",
}
_POINTERS = {
    "them", "those", "these", "they", "everything", "stuff", "all", "for", "to", "of", "up", "now", "again", "nothing",
    "else",
}  # fmt: skip
_REPORTED_QUESTION = re.compile(
    r"\b(?:asked|asks|wants to know|wanted to know|wonders|is wondering|was wondering)\s+(?:me|us|you)?\s*"
    r"(?P<question>(?:how|what|whether|which|when|where|who|why)\b[^?.!\u2014]+)",
    re.IGNORECASE,
)
_POINTS_BACK = re.compile(r"\b(?:it|them)\b", re.I)
_DASH = re.compile(r"\s*[\u2013\u2014]\s*")
# "File a claim — a storm tore shingles off the roof": what happened, told after the request
_TOLD = re.compile(r"^(?:a|an|the|my|our|it|i|i'm|we|he|she|they|there|this|that)\s", re.I)
_TRAILING = re.compile(
    r"(?:\s+(?:please|pls|plz|for me|thanks?|thank you|thx|asap|(?:right )?now|today))*[\s.!?]*$", re.IGNORECASE
)
_LEADING = re.compile(
    r"^(?:to|please|pls|plz|just|also|kindly|now|next|then|finally|(?:go ahead|yes|ok(?:ay)?),? and"
    r"|(?:proceed|go ahead|continue) with)\s+",
    re.I,
)
# Words that open a message without saying what it is about ("I'm reaching out", "I have a question").
_SMALL_TALK = frozenset({
    "i", "i'm", "im", "am", "is", "was", "are", "be", "been", "just", "so", "reaching", "reach", "out", "writing",
    "write", "contacting", "contact", "calling", "call", "following", "follow", "up", "hoping", "hope", "wondering",
    "wonder", "wanted", "want", "need", "needed", "trying", "looking", "have", "had", "got", "quick", "question",
    "questions", "regarding", "about", "there", "you", "your",
})  # fmt: skip
# "it" and "them" are always pronouns; "this", "that", "those" only where no noun follows ("cancel those
# remaining flights" names its object).
_POINTED_OBJECT = re.compile(
    r"^(\w+)\s+(?:it|them|(?:this|that|these|those)(?: ones?)?(?=\s+(?:for|to|with|in|on|by|from|as|into|please"
    r"|now|again|too|back|instead|also|and|then)\b|\W*$))\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"^\W*(?:how (?:many|much|long|often|old|big)|what|what's|which|who|whose|when|where|why)\b",
    re.IGNORECASE,
)
_HOW_MUCH = re.compile(r"^\W*how (?:many|much|long|often|big)\b", re.IGNORECASE)  # a question, "?" or not
CHOSEN = "#"  # joins a tool and the option a call chose: "calendar.respond_to_event#accepted"
_POINTING_WORDS = 2
_MAX_TITLE_WORDS = 14
_MAX_WHEN_WORDS = 30


@lru_cache(maxsize=4096)  # asked of every example of a procedure each time a batch retitles it
def request_sentence(request: str) -> str | None:
    """The part of the request that says what to do, e.g. "cancel my reservation", or None.

    Of the sentences that ask for something, the first naming a change (cancel, book, ...) wins,
    else the first that says anything concrete; "help me with it" never does.
    """
    text = bare(request)
    candidates, asked = [], set()
    for sentence in sentences(text):
        match = MARKER.search(sentence)
        clause = CLAUSE_BREAK.split(sentence, maxsplit=1)[0]
        wanted = desired_state(clause) or wanted_done(clause)
        if fronted := topic_first(sentence):  # "the staging db, can you restart it?"
            candidates.append(_clean(fronted))
            asked.add(candidates[-1])
        elif match:
            candidates.append(_clean(sentence[match.end() :]))
            asked.add(candidates[-1])
        # "Goran's manager should be Sven now" wishes; "Rename the drive — it should be Finance 2027" asks
        elif wanted and not (is_verb(first_word(sentence)) and _DASH.search(sentence)):
            candidates.append(_clean(wanted))
            asked.add(candidates[-1])
        elif needed := _NEED_A.search(sentence):
            candidates.append(_clean("get " + (needed.group(1) or needed.group(2))))
            asked.add(candidates[-1])
        elif reported := _REPORTED_QUESTION.search(sentence):  # "Goran asked me how many days he has left"
            question = about_reporter(reported.group("question"), sentence[: reported.start()])
            candidates.append(_clean("find out " + indirect_question(question)))
            asked.add(candidates[-1])
        elif _QUESTION.match(sentence) and (sentence.endswith("?") or _HOW_MUCH.match(sentence)):
            if len(sentence.split()) > 1:  # "Why?" alone asks about what came before
                candidates.append(_clean("find out " + indirect_question(lower_first(sentence))))
        elif not opens_no_request(sentence) and not tells_done(sentence):
            candidates.append(_clean(sentence))
    usable = [c for c in candidates if len(c.split()) >= 2 and not is_vague(c) and not opens_no_request(c)]
    usable = [c for c in usable if not only_frames_a_request(c)]
    # "Pager went off": what happened, not what to do (unless asked for: "can you rerun the failed jobs")
    usable = [c for c in usable if c in asked or not reports(c)]
    problem = problem_request(text)
    problem = _clean(problem) if problem else None
    if problem:  # "tests are failing, fix them": the description is not the request, nor is "wipe it remotely"
        usable = [c for c in usable if not is_problem(c) and not _POINTS_BACK.search(c)]
    elif all(is_problem(c) or names_a_done_thing(c) for c in usable):
        # "Disk on web-3 is almost full, clean up old logs please": the request follows the description
        usable = [*_later_clauses(text), *usable]
    usable = [c for c in usable if not is_problem(c)] or usable  # "X keeps timing out. File a bug for it."
    # "Scheduled maintenance for tonight, notify all customers": the thing first, what to do about it after
    usable = [c for c in usable if not names_a_done_thing(c)] or usable
    acting = [c for c in usable if mentioned_actions(c)]
    # "Dunmore filed a chargeback on {invoice}. Can you respond to the dispute?": the sentence that asks wins.
    acting = [c for c in acting if c in asked] or [c for c in usable if c in asked] or acting
    best = acting or usable or ([problem] if problem else [])
    return best[0] if best else None


def _later_clauses(text: str) -> list[str]:
    """Imperative clauses after a sentence's first: "…, clean up old logs please" -> "clean up old logs", and
    what a colon introduces ("Quick one: remaining vacation days")."""
    found = []
    for sentence in sentences(text):
        breaks = list(CLAUSE_BREAK.finditer(sentence))
        ends = [found.start() for found in breaks[1:]] + [len(sentence)]
        for before, end in zip(breaks, ends[: len(breaks)], strict=True):
            clause = sentence[before.end() : end]
            clause = re.sub(r"^\s*(?:and|so|then)\s+", "", clause, flags=re.I)
            candidate = _clean(clause)
            asks = len(candidate.split()) >= 2 and not is_vague(candidate) and not opens_no_request(candidate)
            # "…, clean up old logs" asks; "…, under 1 Mbps" and "…, internet works" say more of the problem
            # what a colon introduces asks unless it names someone or something ("mark deal lost: Nimbus Games")
            introduced = before.group(0).startswith(":") and candidate[:1].islower()
            if asks and (introduced or acts_on(candidate)) and not is_problem(candidate) and not tells_done(candidate):
                found.append(candidate)
    return found


def _clean(text: str) -> str:
    text = _LEADING.sub("", text.strip())
    text = _HELP_WITH.sub("", text)
    text = imperative(text)
    text = CLAUSE_BREAK.split(text, maxsplit=1)[0]
    text = _OWNER_CLAUSE.sub("", text)
    head, *rest = _DASH.split(text, maxsplit=1)
    if rest and _POLITE_END.search(head):  # "profile {table} for me please — nulls, ranges": asked before the dash
        text = head
    text = _TRAILING.sub("", text)
    return _shortened(in_third_person(text))


_POLITE_END = re.compile(r"\S\s+(?:please|thanks?|thank you)\W*$", re.IGNORECASE)  # shorthand is spelled out by now


def _shortened(text: str) -> str:
    """At most ``_MAX_TITLE_WORDS`` words, cut where a phrase ends: an aside after a dash goes first, then the
    last "and ..." that does not fit ("... about the auth timeouts and give it to {assignee}" loses the hand-over,
    not "to {assignee}"). A reason after a dash goes too, and so do this run's particulars there ("— {comment}",
    "— counted {number} vs system {number}") and what happened ("— a storm tore shingles off the roof")."""
    parts = _DASH.split(text)
    if len(parts) >= 3:  # "Send the contract — the signed PDF — to legal@acme.io": an aside between two dashes
        text = " ".join([parts[0], *parts[2:]])
    head, *rest = _DASH.split(text, maxsplit=1)
    aside = (
        rest and len(head.split()) >= 2 and (tells_why(rest[0]) or PLACEHOLDER.search(rest[0]) or _TOLD.match(rest[0]))
    )
    if len(text.split()) > _MAX_TITLE_WORDS or aside:
        text = head
    words_ = text.split()
    if len(words_) > _MAX_TITLE_WORDS:
        joins = [n for n, word in enumerate(words_[: _MAX_TITLE_WORDS + 1]) if word.lower() in {"and", "then"}]
        words_ = words_[: joins[-1]] if joins and joins[-1] >= 3 else words_[:_MAX_TITLE_WORDS]
    return whole_phrase(" ".join(words_))


def is_small_talk(text: str) -> bool:
    """True for openers that say nothing about the task, like "I'm reaching out" or "I have a quick question"."""
    return set(re.findall(r"[a-z']+", plain_quotes(text).lower())) <= _SMALL_TALK | _VAGUE


def is_vague(sentence: str) -> bool:
    """True for requests that say nothing about the task, like "help me with it", "return them", "tell the user"."""
    found = re.findall(r"[a-z']+", sentence.replace(SECRET, " ").lower())  # "pin {secret}" answers, asks nothing
    pointers = {"it", "them", "that", "this", "those", "these"}
    last_two = found[-2:]
    # "Return them", "update it please": short and pointing. "Find the emails from X and summarize them" says
    # what "them" is.
    saying = {w for w in found if len(w) >= 4} - _VAGUE - _POINTERS
    ends_pointing = (
        bool(found)
        and len(saying) <= _POINTING_WORDS
        and (
            found[-1] in pointers or (len(last_two) == 2 and last_two[1] in {"one", "ones"} and last_two[0] in pointers)
        )
    )
    return set(found) <= _VAGUE or set(found[1:]) <= _VAGUE | _POINTERS | {"and"} or ends_pointing


def title_from(
    request: str, values: Mapping[str, str], names: Iterable[str], action_tools: list[str], fallback: str
) -> str:
    """An imperative title: the request when it names the action actually taken, else ``fallback``."""
    sentence = request_sentence(request)
    if not sentence or len(sentence.split()) < 2 or is_vague(sentence):
        return fallback
    title = generalize_words(sentence, values, names)
    if reports(title):
        return fallback  # "Mobile data stopped working": what was wrong, while the steps say what was done
    if action_tools and not mentions_action(title, action_tools):
        if not all(is_handoff(tool) for tool in action_tools):
            return _done_instead(fallback, title)
        title = f"hand off a request to {lower_first(title)}"  # what was asked, and what was done with it
    named = named_object(title, action_tools)
    if named is None:
        return fallback
    return named[0].upper() + named[1:]


def _done_instead(done: str, asked: str) -> str:
    """ "Report suspicious when asked to update {name}'s bank details": what was done, and the request it
    answered when that asked for something else (what the next user will ask again)."""
    acts = requested_actions(asked) or asks_to_act(asked)  # "bump {name}'s salary by {number}%"
    if not acts or len(done.split()) + len(asked.split()) > _MAX_TITLE_WORDS + 4:
        return done
    return f"{done} when asked to {lower_first(asked)}"


def named_object(title: str, tools: list[str]) -> str | None:
    """ "Exchange it for a medium" -> "Exchange the delivered order items for a medium": a pronoun object
    says nothing without the message before it, so the tool that acted names it (None if none can)."""
    match = _POINTED_OBJECT.match(title)
    if match is None:
        return title
    tools = [t for t in tools if CHOSEN not in t]  # an option a call chose names an action, not an object
    doers = [t for t in tools if mentions_action(match.group(1), [t])]
    if not doers:  # a verb no tool's name shares: only a task with one action says what "it" was
        doers = [t for t in tools if not is_handoff(t)][:1] if len(set(tools)) == 1 else []
    named = object_phrase(doers[-1]) if doers else ""
    return f"{match.group(1)} {named}{title[match.end() :]}" if named else None


def only_placeholders(text: str) -> bool:
    """ "{name}", "{order_id}, {date}": a title or a request that says nothing once its values are taken out."""
    return not re.search(r"[A-Za-z]", PLACEHOLDER.sub(" ", text))


def request_title(request: str, values: Mapping[str, str], names: Iterable[str]) -> str | None:
    """The request's first sentence as a title, when nothing better says what the task was."""
    text = bare(request)
    found = sentences(text)
    if not found:
        return None
    first = CLAUSE_BREAK.split(found[0].strip(), maxsplit=1)[0].rstrip(".!?:")
    first = whole_phrase(" ".join(first.split()[:_MAX_TITLE_WORDS]))
    if len(first.split()) < 2 or is_small_talk(first) or is_vague(first) or opens_no_request(first):
        return None
    if tells_done(first):
        return None
    if reports(first):
        return None  # "Mobile data stopped working": what was wrong, not what to do about it
    title = generalize_words(first, values, names)
    if only_placeholders(title):
        return None  # "Olusegun Grabowski" after the question: who asks, not what
    return title[0].upper() + title[1:]


def when_to_use(request: str, values: Mapping[str, str], names: Iterable[str]) -> str:
    """One line saying when to use the procedure, in the user's own (generalized) words."""
    sentence = request_sentence(request)
    if sentence and len(sentence.split()) >= 2 and not is_vague(sentence):
        said = generalize_words(sentence, values, names)
        if reads_as_a_statement(said) and not only_placeholders(said):
            return f'{ASKS_FOR}"{said}".'
        if not only_placeholders(said):
            return f"{ASKS_TO}{lower_first(said)}."
    text = " ".join(GREETING.sub("", request.strip()).split()[:_MAX_WHEN_WORDS])
    return f'The user says: "{generalize_words(text, values, names)}"'


def action_title(text: str, tools: list[str]) -> bool:
    """Whether ``text`` could title a procedure acting through ``tools``: it names what they do."""
    from deftly.tools.extract.tools_kind import is_read_only

    acting = [t for t in tools if not is_read_only(t)]
    said = len(text.split()) >= 2 and not is_vague(text) and not opens_with_object(text, tools)
    return said and mentions_action(text, acting or tools)


def mentions_action(title: str, tools: list[str]) -> bool:
    title_words = _meaningful(re.findall(r"[a-z]+", phrasal(PLACEHOLDER.sub(" ", title))))  # not "{merge_request_iid}"
    for tool in tools:
        tool_words = _meaningful(all_words(tool))
        if overlap(title_words, tool_words):
            return True
        if any(overlap(group, tool_words) and overlap(group, title_words) for group in VERB_GROUPS):
            return True
    return False


_FILLER = frozenset({"the", "to", "for", "of", "a", "an", "and", "or", "in", "on", "at", "by", "with", "from", "my"})


def _meaningful(found: Iterable[str]) -> set[str]:
    return {w for w in found if len(w) > 2 and w not in _FILLER}
