"""People's names in what the user wrote: the evidence that a capitalized phrase is a person.

Names in tool results' name fields are known already (``heuristic.known_names``). A request also names
people the tools only know by address or handle ("email Tom Baker" -> ``tom.baker@client.com``, "ask
Jordan Lee" -> ``jlee``), or names them where only a person fits ("a meeting with Priya Sharma"). Those
names are instance values: every run of the task names someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from deftly.tools.extract.segment import leaf_strings
from deftly.tools.extract.vocabulary import NOT_PLURAL
from deftly.tools.generalize.provenance import sentence_start
from deftly.tools.trace import Message, Trace

_UP = "A-ZÀ-ÖØ-ÞĆČŁŃŚŠŹŻŽ"
_LOW = "a-zß-öø-ÿ\u0100-\u017f"
_WORD = rf"(?:[{_UP}][{_LOW}]+|[{_UP}]'[{_UP}][{_LOW}]+)(?:-[{_UP}][{_LOW}]+)?"  # Ann, O'Brien, Smith-Jones, Wróbel
_CAPITALIZED = re.compile(rf"(?<![\w.@/#-])({_WORD}(?: {_WORD}){{0,3}})(?![\w@/-])")
# Words after which a capitalized pair is a person: "a meeting with Priya Sharma", "cc Dana Ross".
_WITH_ADDRESS = re.compile(r"\s*[(<]\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[)>]")
_PERSON_CONTEXT = re.compile(
    r"\b(?:meeting|call|sync|chat|1:1|one-on-one|interview|lunch) with\s+$|\b(?:cc|bcc|ask|email|invite|remind|ping"
    r"|message|notify|assign(?: it)? to|introduce|thank|tell|call|text|dm)\s+$",
    re.IGNORECASE,
)
# First names listed after a word only people follow: "invite Maren, Samira and Rohan", "Interviewers: Svetlana,
# Dev and Anjali", "a sync with Ana and Raj"; not a list that qualifies a plural ("a sync with Paris and Berlin
# teams", "invite Slack and Jira users"), and "book" is left out ("book Paris and Rome hotels").
_PEOPLE_LIST = re.compile(
    rf"\b(?i:(?:meeting|call|sync|chat|lunch|interview) with|invite|cc|interviewers?|attendees|panel|reviewers)"
    rf":?\s+({_WORD}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_WORD}){{1,8}}+)(?![\w@-])"
    rf"(?!\s+(?!(?:{'|'.join(sorted(NOT_PLURAL))})\b)[a-z]+s\b)"  # not followed by a plural: "… Jira users"
)
_LISTED = re.compile(_WORD)
# After these a capitalized pair is a person too: "approved by Ben Kirkland", "escalated by Ana Costa".
_BY_PERSON = re.compile(
    r"\b(?:approved|signed(?: off)?|requested|reported|submitted|raised|owned|managed|authori[sz]ed|referred"
    r"|reviewed|escalated|created|filed|opened|written|authored) by\s+$",
    re.IGNORECASE,
)
# After a title even one capitalized word is a person ("Dr. Achebe", "Ms Patel"); not "MS Excel", nor the
# street of "42 Elm Dr."
_TITLE = re.compile(r"(?<![\w.])(?:Dr|Mr|Mrs|Ms|Mx|Prof)\.?\s+$")
_TITLE_WORD = re.compile(r"(?:Dr|Mr|Mrs|Ms|Mx|Prof) (?=\S)")
_STREET = re.compile(r"\d+\s+(?:[A-Z]\w*\s+)+(?:Dr|St)\.?\s+$")
# The user's own name: "I'm Yara, …", "my name is Lena." (not "I'm Head of IT", "I am Admin on …")
_SELF = re.compile(r"\b(?:i'm|i am|my name is)\s+$", re.IGNORECASE)
_SELF_END = re.compile(r"\s*(?:$|[,.!;:—–-]|(?:from|and|here|with)\b)")
# A first and last name at a company, saying or doing something: "Dario Lambert at Acme told me …", "Will
# Esposito at {company} just sent back …" (not "Billing Service at Prod", a thing somewhere).
_AT_COMPANY = re.compile(
    r"\s+at\s+(?:\{\w+\}|[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,3})\s+(?:just\s+|has\s+|had\s+)?"
    r"(?:told|said|says|sent|asked|confirmed|wants|signed|emailed|called|replied|wrote|agreed|decided|approved)\b"
)
# Words of teams and products where a person would stand: "Support Team at Zendesk replied", "owned by Platform
# Engineering", "approved by Change Advisory Board".
_ORG_WORDS = frozenset({
    "team", "support", "success", "customer", "customers", "account", "accounts", "payable", "receivable", "sales",
    "marketing", "engineering", "platform", "board", "cloud", "duty", "ops", "operations", "finance", "legal",
    "security", "department", "desk", "service", "services", "group", "committee", "office", "admin", "management",
    "infrastructure", "devops", "product", "design", "data", "analytics", "billing", "procurement", "payroll",
    "people", "hr", "it", "qa", "council", "bot", "system", "systems", "center", "centre", "partner", "partners",
    "advisory", "help", "helpdesk", "compliance", "research", "studio", "labs", "inc", "ltd", "llc", "corp",
})  # fmt: skip
_HANDLE = re.compile(r"\b([a-z][a-z0-9._-]{1,40})@[a-z0-9.-]+\.[a-z]{2,}\b|@([a-z][a-z0-9._-]{1,38})\b", re.I)
_NOT_NAMES = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "today", "tomorrow",
    "please", "thanks", "hi", "hello", "hey", "dear", "team", "the", "and",
})  # fmt: skip
_BARE_HANDLE = re.compile(r"[a-z][a-z0-9._-]{1,38}")
_MAX_HANDLE_TEXT = 20_000


def request_names(trace: Trace) -> set[str]:
    """Capitalized phrases of the user's messages that name a person: the tools know them by an address or
    handle made of the same words, or the phrase is a first and last name where only a person fits."""
    said = [t.text for t in trace.turns if isinstance(t, Message) and t.role == "user"]
    handles = _handles(_tool_texts(trace) + _addresses(said))  # "Keiko Sato (keiko.sato@x.ai)"
    found: set[str] = set()
    for text in said:
        found.update(_listed_people(text))
        for match in _CAPITALIZED.finditer(text):
            phrase, start = match.group(1), match.start()
            if _WITH_ADDRESS.match(text, match.end()) and not sentence_start(text, start):
                found.add(phrase)  # "share it w/ Kwame (kishikawa@…)": whom the address is of, whatever its handle
                continue
            if _known_by_handle(phrase.lower().split(), handles) and " " in phrase:
                found.add(phrase)  # "Keiko Sato (keiko.sato@…)" opening a sentence: the whole phrase is the name
                continue
            phrase, start = _without_title(phrase, start)
            if sentence_start(text, start) and not _opens_no_sentence(text, start, phrase, match.end()):
                first, _, phrase = phrase.partition(" ")  # "Email Tom Baker ...": capitalized anyway
                phrase, start = _without_title(phrase, start + len(first) + 1)
            parts = phrase.lower().split()
            if not parts or any(p in _NOT_NAMES for p in parts):
                continue
            if _known_by_handle(parts, handles) or _person_by_context(text, start, match.end(), parts):
                found.add(phrase)
    return found


def _listed_people(text: str) -> set[str]:
    """The first names of a list only people fit ("invite Maren, Samira and Rohan")."""
    listed = (name for match in _PEOPLE_LIST.finditer(text) for name in _LISTED.findall(match.group(1)))
    return {name for name in listed if name.lower() not in _NOT_NAMES and name.lower() not in _ORG_WORDS}


def _without_title(phrase: str, start: int) -> tuple[str, int]:
    """ "Dr Samuel Achebe" -> "Samuel Achebe": the title is no part of the name."""
    title = _TITLE_WORD.match(phrase)
    return (phrase[title.end() :], start + title.end()) if title else (phrase, start)


def _opens_no_sentence(text: str, start: int, phrase: str, end: int) -> bool:
    """After a title ("Dr. Samuel Achebe"), or a first and last name at a company ("— Will Esposito at {company}
    sent …"), a capitalized word is the name's, not a sentence's."""
    return bool(_TITLE.search(text[:start])) or (phrase.count(" ") == 1 and bool(_AT_COMPANY.match(text, end)))


def _person_by_context(text: str, start: int, end: int, parts: list[str]) -> bool:
    """Only a person fits where the phrase stands: after "a meeting with", "approved by", "Dr.", "I'm", or
    before "at {company} said"."""
    before = text[:start]
    if _TITLE.search(before) and not _STREET.search(before):
        return True
    if _SELF.search(before) and _SELF_END.match(text, end):
        return True
    if len(parts) < 2 or _ORG_WORDS.intersection(parts):
        return False
    return bool(_PERSON_CONTEXT.search(before) or _BY_PERSON.search(before) or _AT_COMPANY.match(text, end))


def _known_by_handle(parts: list[str], handles: list[list[str]]) -> bool:
    """ "Tom Baker" ~ tom.baker@…, "Maria" ~ maria@…, "Jordan Lee" ~ jlee / jordan_lee / lee.jordan."""
    for handle in handles:
        if all(p in handle for p in parts):
            return True
        joined = "".join(handle)
        if len(parts) >= 2 and joined in {parts[0][0] + parts[-1], parts[0] + parts[-1][0], parts[0] + parts[-1]}:
            return True
    return False


def _handles(texts: Iterable[str]) -> list[list[str]]:
    handles = []
    for text in texts:
        for match in _HANDLE.finditer(text[:_MAX_HANDLE_TEXT]):
            local = (match.group(1) or match.group(2)).lower()
            handles.append([p for p in re.split(r"[._-]+", local) if p])
    return handles


def _addresses(texts: list[str]) -> list[str]:
    """The email addresses a user wrote (not "@handles": a user's "@channel" is no person)."""
    return [m.group(0) for text in texts for m in _HANDLE.finditer(text) if m.group(1)]


def _tool_texts(trace: Trace) -> list[str]:
    texts = []
    for call in trace.tool_calls:
        texts.append(str(call.arguments))
        texts.extend(_leaf_handles(call.arguments))
        if call.result is not None:
            texts.append(call.result.content)
    return texts


def _leaf_handles(value: object) -> list[str]:
    """Bare handles in arguments ("reviewers": ["jlee"]): written as @handle so one pattern reads them."""
    return ["@" + text for text in leaf_strings(value) if _BARE_HANDLE.fullmatch(text)]
