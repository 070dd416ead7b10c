"""Recognising instance-specific values (ids, emails, dates, names, ...) and replacing them in text."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
URL = re.compile(r"\b(?:https?|s3|gs|az|abfss?|wasbs?|hdfs|s?ftp)://[^\s\"'<>)\]]+")  # web and object stores
PATH = re.compile(r"(?:(?<=\s)|^)(?:~|\.{1,2})?(?:/[\w.\-@+]+){2,}/?|\b[A-Za-z]:\\[\w\\.\- ]+")
# A path inside a project: "src/auth/session.py", "tests/test_x.py" (a folder, a file with an extension).
RELATIVE_PATH = re.compile(
    r"(?<![\w./{+-])(?!(?:application|text|image|audio|video|multipart|font|model|message)/)"
    r"[\w\-]+(?:/[\w.\-]+)*/[\w\-]+(?:\.[a-z][a-z0-9]{0,4})+(?![\w/}+\-]|\.\w)"
)
# A test's node id: its file and its name (``tests/test_api.py::test_login[admin]``), one value.
TEST_ID = re.compile(RELATIVE_PATH.pattern + r"(?:::[\w\-.\[\]]+)+")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""A ``{placeholder}`` and its name. deftly writes snake_case names; a hand-written skill may say ``{RepoName}``."""
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
# A month of a year ("payslip for 2025-03"), not the start of an ISO date or a range of numbers.
YEAR_MONTH = re.compile(r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])\b(?!-\d)")
SLASH_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
WORD_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b(?:,?\s+\d{{4}})?)",
    re.IGNORECASE,
)
# A month of a year in words ("the December 2024 payslip"); not "December 20", a day.
MONTH_YEAR = re.compile(rf"\b(?:{_MONTHS})\.?,?\s+(?:19|20)\d{{2}}\b", re.IGNORECASE)
# Semantic versions (2.31.3, v1.4), and a number right after "version"/"release" (version 2.4).
# Before VERSION: "10.12.7.224" is an address, not version 10.12.7 followed by ".224".
IP_ADDRESS = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w.])")
VERSION = re.compile(
    r"\bv\d+(?:\.\d+){1,3}\b|\b\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.\-]+)?\b"
    r"|(?<=version )\d+(?:\.\d+)*\b|(?<=release )\d+(?:\.\d+)*\b",
    re.IGNORECASE,
)
TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?\b|\b\d{1,2}\s*[ap]\.?m\.?\b", re.IGNORECASE)
MONEY = re.compile(r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:usd|eur|gbp|dollars?|euros?)\b)", re.I)
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
# Mixed letters and digits (ZFA04Y, HAT136, mia_li_3668, credit_card_4421486, f_77), or long hex.
ID_TOKEN = re.compile(
    r"\b(?=[A-Za-z0-9_\-.]*\d)(?=[A-Za-z0-9_\-.]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_\-.]{2,}[A-Za-z0-9]\b"
    r"|\b[0-9a-f]{7,40}\b"
)
CODE = re.compile(r"\b[A-Z]{3}\b|\b[A-Z0-9]{5,12}\b")
NUMBER = re.compile(r"(?<![\w.{])\d+(?:\.\d+)?(?![\w}])")
FILE_NAME = re.compile(
    r"\b[\w\-]+\.(?:pdf|docx?|xlsx?|csv|tsv|txt|md|json|ya?ml|toml|ini|cfg|xml|log|sql|sh|py|ipynb|js|ts|go|rs|rb|java|png|jpe?g|gif|zip|gz|tgz|html?)\b",
    re.I,
)

# Values recognisable by shape alone, most specific first: (pattern, kind, placeholder name).
# The number of a measure (30ml, 2 TB, 4K, 10x): the unit stays, and the letters never make it an id.
QUANTITY = re.compile(
    r"\b\d+(?:\.\d+)?(?=\s?(?:ml|cl|oz|kg|mg|lbs?|mm|cm|km|inch(?:es)?|ft|kb|mb|gb|tb|kbps|mbps|gbps|hz|khz|mhz"
    r"|ghz|kw|mah|mp|px|fps|rpm|gal)\b|(?:l|g|m|w|v|k|x)\b)",  # one-letter units only written close: "2 in", "5 k"
    re.IGNORECASE,
)
# A phone number: international, 10-15 digits after the "+" ("+16082089984", "+44 20 7946 0958", "+1 (608)
# 208-9984"), or written the North American way with its area code in brackets ("(518) 217-7760"). Bare
# 518-217-7760 is as often an invoice or a ticket number.
PHONE = re.compile(r"(?<![\w+])\+(?:\d[ .()-]{0,2}){9,14}\d(?![\d-])|(?<![\w-])\(\d{3}\) ?\d{3}-\d{4}\b")
_PHONE_KEYS = re.compile(r"(?:^|_)(?:phone|mobile|msisdn|tel|telephone|cell|fax)(?:_?(?:number|no|num|e164))?$")
_PHONE_DIGITS = re.compile(r"\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}|\d{7,15}")
# A bank account number written in groups ("DE89 3704 0044 0532 0130 00"): one value, not five numbers.
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_SHAPES = (
    (EMAIL, "email", "email"),
    (URL, "url", "url"),
    (UUID, "id", "id"),
    (IBAN, "id", "iban"),
    (ISO_DATE, "date", "date"),
    (YEAR_MONTH, "date", "month"),
    (SLASH_DATE, "date", "date"),
    (WORD_DATE, "date", "date"),
    (MONTH_YEAR, "date", "month"),
    (IP_ADDRESS, "ip", "ip_address"),
    (PHONE, "phone", "phone"),
    (VERSION, "version", "version"),
    (MONEY, "amount", "amount"),
    (FILE_NAME, "file", "file_name"),
)
# Arguments that are code or a command line: procedures keep them readable and generalize inside them.
COMMAND_KEYS = frozenset(
    {"command", "cmd", "commands", "script", "code", "sql", "description", "pattern", "regex", "glob", "shell_command"}
)
# Arguments that hold a search or a query: their syntax is the know-how ("from:{email} offsite").
QUERY_KEYS = re.compile(r"^(?:q|query|sql|statement|search|filter|jql|cql|where|expression|search_query|filter_query)$")
# A query written in its language ("repo:acme/api is:open label:bug", "status = 'open' AND ..."): know-how.
QUERY_SYNTAX = re.compile(r"\b[a-z_]+:\S|\s(?:=|!=|~|>=?|<=?)\s|\s(?:AND|OR|NOT)\s")


def is_written_query(key: str, value: object) -> bool:
    """A search or filter argument written in its query language, not a plain search for a name."""
    return isinstance(value, str) and bool(QUERY_KEYS.match(key.lower())) and bool(QUERY_SYNTAX.search(value))


# The SQL words a table name follows: the table is what a query works on, not a value of it.
SQL_TABLE_WORDS = ("from", "join", "into", "update", "table")
NAME_KEYS = re.compile(
    r"(?:^|_)(?:first_?name|last_?name|full_?name|name|username|user_?name|surname|given_?name"
    r"|assignee|owner|reviewer|approver|author|recipient|handle|login)$"
)
# The name of what to do or of how ("action_name": "contain", "metric_name": "CPUUtilization"): not a person's.
HOW_NAME_KEYS = re.compile(
    r"(?:^|_)(?:action|operation|op|method|metric|status|state|stage|phase|type|kind|mode|severity|priority|level)_?name$"
)
ENUM_VALUE = re.compile(r"^[a-z][a-z0-9]*(?:[_\-][a-z0-9]+)*$")
_ORDINAL_WORDS = {"st", "nd", "rd", "th"}


# A repository or project named by its slug (acme/web, my-org) identifies one instance, like an id.
_SLUG_KEYS = re.compile(r"(?:^|_)(?:repo|repository|project|org|organization|owner|workspace|slug)(?:_?(?:name|id))?$")
_SLUG = re.compile(r"[A-Za-z0-9][\w.-]*(?:/[\w.-]+)?")


_ID_KEYS = re.compile(r"(?:^|_)(?:id|ids|uuid|guid)$")


def kind_of(value: str, key: str = "") -> str | None:
    """The kind of instance value ``value`` is, or None when it reads as a literal (an enum, a flag)."""
    text = value.strip()
    if not text:
        return None
    for pattern, kind, _ in _SHAPES:
        if pattern.fullmatch(text):
            return kind
    if PATH.fullmatch(text) or RELATIVE_PATH.fullmatch(text) or text.startswith(("/", "~/", "./", "../")):
        return "path"
    if TIME.fullmatch(text):
        return "time"
    if _PHONE_KEYS.search(key.lower()) and _PHONE_DIGITS.fullmatch(text):
        return "phone"  # "608-208-9984" under "phone_number": a person's number, not a count
    if NUMBER.fullmatch(text):
        return "number"
    if NAME_KEYS.search(key.lower()) and not HOW_NAME_KEYS.search(key.lower()):
        return "name"
    if _SLUG_KEYS.search(key.lower()) and _SLUG.fullmatch(text):
        return "id"
    if ID_TOKEN.fullmatch(text.lstrip("#")) or CODE.fullmatch(text.lstrip("#")):
        return "id"  # "#W2378156" is an order number as much as "W2378156"
    if _ID_KEYS.search(key.lower()) and " " not in text:
        return "id"
    if " " in text:
        return "text"
    return None


def example_for(kind: str, value: str) -> str:
    """A redacted example showing the value's shape, never the value."""
    if kind == "email":
        return "name@example.com"
    if kind == "url":
        return "https://example.com/..."
    if kind == "path":
        return "/path/to/file"
    if kind == "date":
        return "YYYY-MM-DD" if ISO_DATE.fullmatch(value.strip()) else "a date"
    if kind == "time":
        return "HH:MM"
    if kind == "amount":
        return "123.45"
    if kind == "number":
        return "a number"
    if kind == "name":
        return "a person's name"
    if kind == "file":
        return "file" + value[value.rfind(".") :] if "." in value else "a file name"
    if kind == "id":
        return _id_shape(value)
    if kind == "option":
        return value
    if kind == "version":
        return "1.2.3"
    if kind == "ip":
        return "192.0.2.10"
    if kind == "phone":
        return "+1 555 010 0000"
    return "free text"


def _id_shape(value: str) -> str:
    shape = re.sub(r"[A-Z]", "A", value)
    shape = re.sub(r"[a-z]", "a", shape)
    shape = re.sub(r"\d", "9", shape)
    if len(shape) > 24:
        return f"an id of {len(value)} characters"
    return shape


@lru_cache(maxsize=16384)
def whole_word(value: str, ignore_case: bool = True) -> re.Pattern[str]:
    """A compiled pattern matching ``value`` as a whole word (not inside a longer word or a placeholder)."""
    return re.compile(rf"(?<![\w{{]){re.escape(value)}(?![\w}}])", re.IGNORECASE if ignore_case else 0)


def replace_values(text: str, bindings: Mapping[str, str]) -> str:
    """Replace every known value (longest first, whole words) with its ``{placeholder}``."""
    lowered = text.lower()
    for value in sorted(bindings, key=len, reverse=True):
        if len(value) < 2 or value.lower() not in lowered:
            continue
        text = whole_word(value).sub("{" + bindings[value] + "}", text)
        lowered = text.lower()
    return _AMOUNT_AROUND.sub(lambda m: "{" + (m.group(1) or m.group(2)) + "}", text) if "{" in text else text


# An amount bound as 40 and written "$40.00": the currency sign and the zero cents are part of the value.
_AMOUNT_AROUND = re.compile(r"[$€£]\{(\w+)\}(?:\.0+\b)?|\{(?=(?:amount|price|total|cost)\w*\})(\w+)\}\.0+\b")


def redact_patterns(text: str) -> str:
    """Replace values recognisable by shape alone with typed placeholders."""
    for pattern, _, name in (*_SHAPES, (PATH, "path", "path")):
        text = pattern.sub("{" + name + "}", text)
    text = QUANTITY.sub("{number}", text)
    text = TIME.sub("{time}", text)  # before ids: "10:15am" is a time, not an id "15am"
    text = _NOUN_ID.sub(_named_id, text)
    text = _NOUN_CODE.sub(_named_id, text)
    text = ID_TOKEN.sub(lambda m: m.group(0) if _is_placeholder_word(text, m) else "{id}", text)
    return NUMBER.sub("{number}", text)


_ID_NOUNS = (
    "user|account|customer|order|reservation|booking|ticket|invoice|issue|project|file|document|flight|payment"
    "|transaction|card|certificate|session|request|job|build|commit|branch|container|instance|device|member"
)
_NOUN_ID = re.compile(rf"\b({_ID_NOUNS})(\s+(?:id|number|code|#)?\s*)({ID_TOKEN.pattern})", re.IGNORECASE)
# After the nouns that usually carry a code, an all-capitals one counts too: "reservation HXDUBJ" (ID_TOKEN
# needs a digit). Not after "project" or "file", where capitals are a name ("README").
_NOUN_CODE = re.compile(
    r"\b(reservation|booking|ticket|order|confirmation|invoice|case|tracking)(\s+(?:id|number|code|#)?\s*)"
    r"((?-i:\b[A-Z0-9]{5,12}\b))",
    re.IGNORECASE,
)


def _named_id(match: re.Match[str]) -> str:
    """ "user mia_li_3668" -> "user {user_id}": the noun before an id names it."""
    return f"{match.group(1)}{match.group(2)}{{{match.group(1).lower()}_id}}"


def _is_placeholder_word(text: str, match: re.Match[str]) -> bool:
    start, end = match.span()
    return text[start - 1 : start] == "{" and text[end : end + 1] == "}"


def literal_leaks(text: str, literals: Iterable[str]) -> list[str]:
    """The sensitive literals that still occur in ``text`` (case-insensitive, whole words).

    Called once per task with every literal of the whole trace, so the literals are indexed by their
    first word (once per collection) and only those whose first word occurs in ``text`` are checked:
    a long trace's extraction stays linear in its length.
    """
    lowered = text.lower()
    found = []
    for _, literal, needle in _literal_index(literals).candidates(lowered):
        if needle in lowered and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", lowered):
            found.append(literal)
    return found


_WORD = re.compile(r"\w+")


class _LiteralIndex:
    """Literals by the first run of word characters of their lowered form.

    A whole-word match of a literal always contains that run as a whole word of the text, so a literal
    whose first word is not a word of the text cannot match.
    """

    def __init__(self, literals: Iterable[str]) -> None:
        self.by_word: dict[str, list[tuple[int, str, str]]] = {}
        self.wordless: list[tuple[int, str, str]] = []
        for position, literal in enumerate(literals):
            needle = literal.lower().strip()
            if len(needle) < 3:
                continue
            word = _WORD.search(needle)
            bucket = self.by_word.setdefault(word.group(0), []) if word else self.wordless
            bucket.append((position, literal, needle))

    def candidates(self, lowered: str) -> list[tuple[int, str, str]]:
        words = set(_WORD.findall(lowered)) & self.by_word.keys()
        return sorted([*self.wordless, *(c for word in words for c in self.by_word[word])])


_last_index: tuple[weakref.ref[Any], int, _LiteralIndex] | None = None


def _literal_index(literals: Iterable[str]) -> _LiteralIndex:
    """The index of ``literals``; the last set's is kept (extractors pass one trace's set for every task)."""
    global _last_index
    if not isinstance(literals, set | frozenset):
        return _LiteralIndex(literals)
    cached = _last_index
    if cached is not None and cached[0]() is literals and cached[1] == len(literals):
        return cached[2]
    index = _LiteralIndex(literals)
    _last_index = (weakref.ref(literals), len(literals), index)
    return index
