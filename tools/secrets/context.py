"""Secrets only their surroundings reveal: ``DB_PASS=…``, ``--password …``, ``Authorization: Basic …``,
cookies, ``user:password@`` in URLs, "my password is …", PEM blocks; and what people type into a chat (a card's
number, "the verification code is 306842": ``typed``).

Each rule runs only on the lines that hold one of its trigger words (found in one regex pass), and yields
the span of the secret value, so a short or ordinary-looking value ("Password: hunter") is masked where it
stands, not everywhere the word occurs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from deftly.tools.secrets.tokens import SECRET
from deftly.tools.secrets.typed import card_numbers, said_codes
from deftly.tools.secrets.values import (
    TRAILING,
    name_strength,
    named_key_value,
    password_like,
    plausible_value,
    token_like,
)

Span = tuple[int, int]

PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)"
    r"|PuTTY-User-Key-File-\d+:.*?(?:Private-MAC: \S+|\Z)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Rule:
    triggers: tuple[str, ...]
    find: Callable[[str], Iterator[Span]]


_QUOTED_OR_BARE = r"""(?:\\?(?P<q>["'])(?P<qv>[^"'\n\\]+)\\?(?P=q)|(?P<v>[^\s"'`,;&{}\[\]()<>\\]+))"""
_ASSIGNMENT = re.compile(
    r"(?i)(?P<kw>pass(?:word|wd|phrase|code)?|pwd|secret|token|key|auth|credentials?|signature|sig|cookie)"
    r"\\?[\"']?[ \t]*(?:==?|:(?!//)|=>|:=)[ \t]*" + _QUOTED_OR_BARE
)
_NAME_CHARSET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_MAX_NAME = 64


def _value_span(match: re.Match[str]) -> tuple[str, Span] | None:
    for group in ("qv", "v"):
        if match.group(group) is not None:
            value = match.group(group)
            start = match.start(group)
            stripped = value.rstrip(TRAILING) if group == "v" else value
            return stripped, (start, start + len(stripped))
    return None


def _name_before(text: str, end: int) -> str:
    start = end
    while start > 0 and end - start < _MAX_NAME and text[start - 1] in _NAME_CHARSET:
        start -= 1
    return text[start:end]


def _assignments(text: str) -> Iterator[Span]:
    """``NAME_PASSWORD=…``, ``"apiKey": "…"``, ``X-Api-Key: …``, ``?token=…``."""
    for match in _ASSIGNMENT.finditer(text):
        strength = name_strength(_name_before(text, match.start()) + match.group("kw"))
        found = _value_span(match)
        if not strength or found is None:
            continue
        value, span = found
        if text[span[1] : span[1] + 1] in ("(", "["):
            continue  # token = get_token(): code, not a value
        maybe = strength == 1 and token_like(value) and not named_key_value(value)  # "trackingKey": "exp-v3"
        if (strength == 2 and plausible_value(value)) or maybe:
            yield span


_FLAG = re.compile(
    r"(?i)(?<![\w-])--?(?:password|passwd|pass|pwd|token|api-?key|apikey|secret|client-secret|auth-token"
    r"|access-token|bearer|storepass|keypass|secret-key|access-key|private-key|db-password)(?:=|[ \t]+)"
    + _QUOTED_OR_BARE
)
_MYSQL_P = re.compile(r"(?<![\w-])-p(?!\d+(?::\d+)?\b)(?P<v>[^\s\"'-][^\s\"']*)")
_MYSQL = re.compile(r"(?i)\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlsh)\b")
_SSHPASS = re.compile(r"\bsshpass[ \t]+-p[ \t]*(?P<v>[^\s\"']+)")
_REDIS_A = re.compile(r"\bredis-cli\b[^\n]*?[ \t]-a[ \t]+(?P<v>[^\s\"']+)")
_USER_PASSWORD = re.compile(r"(?<![\w-])(?:-u|--user|--proxy-user)[ \t]*[\"']?(?P<user>[^\s:\"']+):(?P<v>[^\s\"']+)")


def _flags(text: str) -> Iterator[Span]:
    """``--password x``, ``--token=x``, ``mysql -pX``, ``sshpass -p x``, ``redis-cli -a x``, ``curl -u user:x``."""
    for match in _FLAG.finditer(text):
        found = _value_span(match)
        if found and plausible_value(found[0]):
            yield found[1]
    simple = [_SSHPASS, _REDIS_A, _USER_PASSWORD] + ([_MYSQL_P] if _MYSQL.search(text) else [])
    for pattern in simple:
        for match in pattern.finditer(text):
            value = match.group("v").rstrip(TRAILING)
            if pattern is _USER_PASSWORD and value.isdigit() and match.group("user").isdigit():
                continue  # docker -u 1000:1000
            if plausible_value(value) or pattern is _MYSQL_P:
                yield match.start("v"), match.start("v") + len(value)


_AUTH_HEADER = re.compile(
    r"(?i)\b(?:proxy-)?authorization\\?[\"']?\s*[:=]\s*\\?[\"']?"
    r"(?:(?:basic|bearer|token|digest|negotiate|ntlm|apikey|api-key|sso-key|key|aws4-hmac-sha256)\s+)?"
    r"(?P<v>[^\s\"'\\]+)"
)
_SCHEME_VALUE = re.compile(r"(?<![\w-])(?:Bearer|Basic|bearer|BEARER|BASIC|Token)\s+(?P<v>[A-Za-z0-9_\-.=+/~:]{8,})")


def _authorization(text: str) -> Iterator[Span]:
    """``Authorization: Basic …``/``Bearer …`` headers, and bearer or basic credentials anywhere."""
    for match in _AUTH_HEADER.finditer(text):
        value = match.group("v").rstrip(TRAILING)
        if plausible_value(value):
            yield match.start("v"), match.start("v") + len(value)
    for match in _SCHEME_VALUE.finditer(text):
        value = match.group("v").rstrip(TRAILING)
        if token_like(value):
            yield match.start("v"), match.start("v") + len(value)


_COOKIE_HEADER = re.compile(r"(?i)(?<![\w-])(?:cookie|-b|--cookie)\\?[\"']?\s*[:=\s]\s*\\?[\"']?(?P<pairs>[^\n\"'\\]+)")
_SET_COOKIE = re.compile(r"(?i)\bset-cookie\\?[\"']?\s*[:=]\s*\\?[\"']?[^=;\s\"'\\]+=(?P<v>[^;\s\"'\\]+)")
_COOKIE_PAIR = re.compile(r"(?:^|;)\s*(?P<name>[^=;\s]+)=(?P<v>[^;]*)")
_SESSION_COOKIE = re.compile(
    r"(?i)(?<![\w.])(?:sessionid|sessid|phpsessid|jsessionid|connect\.sid|[a-z0-9]+_session|_session"
    r"|remember_token|remember_user_token|auth_session|__session)=(?P<v>[^;\s\"'&,\\]{8,})"
)


def _cookies(text: str) -> Iterator[Span]:
    """``Cookie: a=…; b=…`` (every value), ``Set-Cookie: name=…``, and session cookies wherever they appear."""
    for match in _COOKIE_HEADER.finditer(text):
        base = match.start("pairs")
        for pair in _COOKIE_PAIR.finditer(match.group("pairs")):
            value = pair.group("v").strip().rstrip(TRAILING)
            if len(value) >= 4 and SECRET not in value:
                start = base + pair.start("v") + (len(pair.group("v")) - len(pair.group("v").lstrip()))
                yield start, start + len(value)
    for pattern in (_SET_COOKIE, _SESSION_COOKIE):
        for match in pattern.finditer(text):
            value = match.group("v").rstrip(TRAILING)
            if (pattern is _SET_COOKIE and plausible_value(value)) or token_like(value):
                yield match.start("v"), match.start("v") + len(value)


_URL_PASSWORD = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s:/@'\"]*:(?P<v>[^\s@'\"/]+)@")
_URL_TOKEN_USER = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]*://(?P<v>[A-Za-z0-9_\-.~]{16,})@")


def _urls(text: str) -> Iterator[Span]:
    """``postgres://user:password@``, ``redis://:password@``, ``https://<token>@github.com``."""
    for match in _URL_PASSWORD.finditer(text):
        if SECRET not in match.group("v"):
            yield match.span("v")
    for match in _URL_TOKEN_USER.finditer(text):
        if token_like(match.group("v")):
            yield match.span("v")


_SAID = re.compile(
    r"(?i)\b(?P<what>password|passphrase|passcode|pwd|pw|pin(?:[ \t]?code)?|api[ \t_-]?key|access[ \t_-]?key"
    r"|secret(?:[ \t]?key)?|credentials?|(?:auth|access|api|bearer|github|slack|npm)?[ \t]?token|key)"
    r"(?:[ \t]+(?:for|of|on|to)(?:[ \t]+[\w.@:/-]+){1,4}?)?"
    r"(?:[ \t]+(?:is|was|are|to|would[ \t]+be|will[ \t]+be|should[ \t]+be)[ \t]*:?|[ \t]*[:=])[ \t]*"
    r"(?:now[ \t]+|still[ \t]+|just[ \t]+|actually[ \t]+|set[ \t]+to[ \t]+)?[\"'“‘`]?(?P<v>[^\s\"'”’`]+)"
    r"|\b(?:with|using|use)[ \t]+(?:the[ \t]+)?(?P<what2>password|passphrase|pwd|token|api[ \t]?key)[ \t]+"
    r"[\"'“‘`]?(?P<w>[^\s\"'”’`]+)"
)
_GENERATED_NOUNS = re.compile(r"(?i)(?:.*token|key)")


def _disclosures(text: str) -> Iterator[Span]:
    """Said in words: "my password is hunter2-Xyz!", "the API key is …", "log in with password …"."""
    for match in _SAID.finditer(text):
        group, noun = ("v", match.group("what")) if match.group("v") is not None else ("w", match.group("what2"))
        raw = match.group(group)
        value = raw.rstrip(TRAILING) or raw
        # "the token is 4096" or "the key is to ask": a bare token or key must look generated.
        generated = _GENERATED_NOUNS.fullmatch(noun.strip())
        if token_like(value) if generated else password_like(value):
            yield match.start(group), match.start(group) + len(value)


def _private_keys(text: str) -> Iterator[Span]:
    for match in PRIVATE_KEY_BLOCK.finditer(text):
        yield match.span()


_KEYWORD_CONTEXTS = ("trace.py", "trace.yaml")
# The keyword detector's own vocabulary (its DENYLIST), as plain substrings.
_KEYWORD_TRIGGERS = (
    "passw", "pwd", "secret", "api_key", "apikey", "api-key", "private_key", "privkey", "priv_key", "accountkey",
    "account_key", "client_key", "clientkey", "service_key", "servicekey", "db_key", "dbkey", "database_key",
    "auth_key", "authkey", "db_pass", "dbpass", "database_pass", "key_pass", "keypass", "contrase",
)  # fmt: skip


def _detect_secrets_keywords(line: str) -> Iterator[Span]:
    """detect-secrets' keyword detector, as a second opinion on assignments (JSON-unescaped first: tool results
    are often JSON whose escaped quotes hide the context)."""
    unescaped = _json_unescaped(line)
    for filename in _KEYWORD_CONTEXTS:
        for found in _keyword_detector().analyze_line(filename=filename, line=unescaped, line_number=1):
            value = (found.secret_value or "").rstrip(TRAILING)
            if value and plausible_value(value) and not any(c.isspace() for c in value):
                for form in {value, json.dumps(value, ensure_ascii=False)[1:-1]}:
                    at = line.find(form)
                    while at >= 0:
                        yield at, at + len(form)
                        at = line.find(form, at + len(form))


def _json_unescaped(text: str) -> str:
    if "\\" not in text:
        return text
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\/", "/")


@cache
def _keyword_detector() -> Any:
    from detect_secrets.plugins.keyword import KeywordDetector

    return KeywordDetector()


WHOLE_TEXT_RULES = (
    Rule(("private key", "putty-user-key"), _private_keys),
    Rule(("",), card_numbers),  # any text: it looks for four digits in a row itself
)
LINE_RULES = (
    Rule(("pass", "pwd", "secret", "token", "key", "auth", "cred", "sig", "cookie"), _assignments),
    Rule(("--", "-u", "pass", "pwd", "token", "key", "secret", "mysql", "mariadb", "redis-cli"), _flags),
    Rule(("authorization", "bearer", "basic", "token "), _authorization),
    Rule(("cookie", "sess", "sid="), _cookies),
    Rule(("://",), _urls),
    Rule(_KEYWORD_TRIGGERS, _detect_secrets_keywords),
    Rule(
        ("pass", "pwd", "pw ", "pw:", "pin ", "pin:", "pincode", "key", "token", "secret", "credential"), _disclosures
    ),
    Rule(("code", "otp", "pin"), said_codes),
)
_MINIMAL_TRIGGERS = sorted(
    {t for rule in LINE_RULES for t in rule.triggers}
    - {
        t
        for rule in LINE_RULES
        for t in rule.triggers
        for u in (x for r in LINE_RULES for x in r.triggers)
        if u != t and u in t
    }
)
# From a trigger word to the end of its line: one match per line that any line rule may care about.
_TRIGGER_TO_END_OF_LINE = re.compile("(?:" + "|".join(map(re.escape, _MINIMAL_TRIGGERS)) + ")[^\n]*")


def secret_spans(text: str) -> list[Span]:
    """Every span of ``text`` a rule says is a secret, merged and in order.

    Line rules run only on the lines holding one of their trigger words: in a long tool output, few do.
    """
    lowered = text.lower()
    spans = [span for rule in WHOLE_TEXT_RULES if _triggered(rule, lowered) for span in rule.find(text)]
    for start, end in _trigger_lines(text, lowered):
        line = text[start:end]
        line_lowered = lowered[start:end]
        for rule in LINE_RULES:
            if _triggered(rule, line_lowered):
                spans += [(start + a, start + b) for a, b in rule.find(line)]
    return _merged(spans)


def _trigger_lines(text: str, lowered: str) -> list[Span]:
    """The lines (start, end) holding a trigger word; one regex pass over the lower-cased text."""
    if len(lowered) != len(text):  # a character whose lower case is longer: offsets would not match
        return [(0, len(text))]
    return [
        (lowered.rfind("\n", 0, match.start()) + 1, match.end()) for match in _TRIGGER_TO_END_OF_LINE.finditer(lowered)
    ]


def warm() -> None:
    _keyword_detector()
    secret_spans("password=warm-up-1 Authorization: Basic d2FybTp1cA== https://u:p@x --token x my pin is 1234")


def _triggered(rule: Rule, lowered: str) -> bool:
    return any(trigger in lowered for trigger in rule.triggers)


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
