"""Removing secrets before anything is stored: every secret becomes the placeholder ``{secret}``.

Detection uses detect-secrets' maintained plugins (AWS, GitHub, GitLab, Slack,
Stripe, JWT, private keys, basic-auth URLs, keyword assignments, ...), plus the
token shapes it does not know yet (Anthropic, current OpenAI, Hugging Face,
Google, bearer headers), plus argument and metadata keys named like secrets.
The entropy plugins are left out: they flag ordinary ids and words.

Running ~50 regexes over every character of a trace is slow, so the scan is in
two passes: the pattern plugins run on each distinct long token (secrets are
tokens), and everything runs on the few lines that mention a credential word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from deftly.tools.trace import Message, ToolCall, Trace, Turn

SECRET = "{secret}"

_SENSITIVE_KEY = re.compile(
    r"(?:^|_)(?:password|passwd|pwd|passphrase|secret|token|api_?key|access_?key|secret_?key|private_?key"
    r"|client_?secret|authorization|auth|credentials?|cookie|session_?key|refresh_?token|access_?token)$"
)
_EXTRA_PATTERNS = (
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{20,}"),
    re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"),
    re.compile(r"\bhf_[A-Za-z0-9]{30,}"),
    re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9_]{30,}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"),
    re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?<=[Bb]earer )[A-Za-z0-9_\-.=+/~]{16,}"),
    re.compile(r"(?<=://)[^/\s:@'\"]+:[^/\s@'\"]+(?=@)"),
)
_PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
_TOKEN = re.compile(r"[^\s\"'`<>(){}\[\],;|]{16,}")
_CREDENTIAL_WORDS = (
    "passw",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "api key",
    "access_key",
    "accesskey",
    "private_key",
    "privatekey",
    "accountkey",
    "auth",
    "credential",
    "bearer",
    "://",
)
# A pattern that matched only a token's fixed-length prefix leaves its tail behind.
_MASK_TAIL = re.compile(r"\{secret\}[A-Za-z0-9_\-]+")
_KEYWORD_CONTEXTS = ("trace.py", "trace.yaml")


def is_sensitive_key(key: str) -> bool:
    return bool(_SENSITIVE_KEY.search(key.strip().lower().replace("-", "_")))


def scrub_text(text: str) -> str:
    """``text`` with every recognised secret replaced by ``{secret}``."""
    if len(text) < 8:
        return text
    if "PRIVATE KEY" in text:
        text = _PRIVATE_KEY_BLOCK.sub(SECRET, text)
    for token in set(_TOKEN.findall(text)):
        masked = _mask_token(token)
        if masked != token:
            text = text.replace(token, masked)
    if _mentions_credentials(text):
        for value in sorted(_context_secrets(text), key=len, reverse=True):
            text = text.replace(value, SECRET).replace(_json_escaped(value), SECRET)
    return text


def _mentions_credentials(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _CREDENTIAL_WORDS)


@lru_cache(maxsize=8192)
def _mask_token(token: str) -> str:
    # Tokens repeat across a trace (JSON keys, ids), so their scan is cached.
    return _mask_patterns(token)


def _mask_patterns(text: str) -> str:
    for pattern in _patterns():
        text = pattern.sub(_mask, text)
    return _MASK_TAIL.sub(SECRET, text) if SECRET in text else text


def _context_secrets(text: str) -> set[str]:
    """Secrets only their surroundings reveal (``password = ...``, ``aws_secret = "..."``, URL credentials).

    Searched in the JSON-unescaped text, because tool results are often JSON whose escaped
    quotes and newlines hide the context from the patterns.
    """
    values: set[str] = set()
    for line in _json_unescaped(text).split("\n"):
        if _mentions_credentials(line):
            values |= _pattern_values(line) | _keyword_values(line)
    return {v for v in values if len(v) >= 4 and SECRET not in v}


def _pattern_values(line: str) -> set[str]:
    values = set()
    for pattern in _patterns():
        for match in pattern.finditer(line):
            long_group = match.re.groups and len(match.group(1) or "") >= 8
            values.add(match.group(1) if long_group else match.group(0))
    return values


def _json_unescaped(text: str) -> str:
    if "\\" not in text:
        return text
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\/", "/")


def _json_escaped(value: str) -> str:
    return json.dumps(value)[1:-1]


def _mask(match: re.Match[str]) -> str:
    # Mask only group 1 when it is the secret itself (AWS: 'aws_secret = "<40 chars>"');
    # a short group is a prefix such as GitHub's "ghp", so the whole match goes.
    if match.re.groups == 0 or len(match.group(1) or "") < 8:
        return SECRET
    start, end = match.span(1)
    whole, base = match.group(0), match.start()
    return whole[: start - base] + SECRET + whole[end - base :]


def _keyword_values(line: str) -> set[str]:
    values: set[str] = set()
    for filename in _KEYWORD_CONTEXTS:
        for plugin in _value_plugins():
            for found in plugin.analyze_line(filename=filename, line=line, line_number=1):
                value = found.secret_value
                if value and len(value) >= 4 and SECRET not in value:
                    values.add(value)
    return values


@cache
def _value_plugins() -> tuple[Any, ...]:
    from detect_secrets.plugins.basic_auth import BasicAuthDetector
    from detect_secrets.plugins.keyword import KeywordDetector

    return (KeywordDetector(), BasicAuthDetector())


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Our extra token shapes, then the regexes of detect-secrets' pattern plugins."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector

    plugin_classes: list[Any] = list(get_mapping_from_secret_type_to_class().values())
    plugin_patterns = tuple(
        re.compile(pattern.pattern, pattern.flags | re.MULTILINE)
        for plugin_class in plugin_classes
        if issubclass(plugin_class, RegexBasedDetector)
        for pattern in plugin_class().denylist
    )
    return _EXTRA_PATTERNS + plugin_patterns


def warm() -> None:
    """Compile the detectors now (about 0.1 s), so the first recorded trace does not wait for them."""
    _patterns()
    _value_plugins()


def scrub_value(value: Any, key: str | None = None) -> Any:
    """Scrub a JSON-like value; values under secret-named keys are replaced whole."""
    if key is not None and is_sensitive_key(key) and isinstance(value, str | int) and value not in ("", 0):
        return SECRET
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_value(v) for v in value]
    return value


def scrub_trace(trace: Trace) -> Trace:
    """A copy of the trace with secrets removed from every text, argument and result."""
    return trace.model_copy(
        update={
            "title": scrub_text(trace.title) if trace.title else trace.title,
            "turns": _scrub_turns(trace.turns),
            "sidechains": [_scrub_turns(chain) for chain in trace.sidechains],
            "notes": [scrub_text(note) for note in trace.notes],
            "cwd": scrub_text(trace.cwd) if trace.cwd else trace.cwd,
        }
    )


def _scrub_turns(turns: Iterable[Turn]) -> list[Turn]:
    return [_scrub_turn(turn) for turn in turns]


def _scrub_turn(turn: Turn) -> Turn:
    if isinstance(turn, Message):
        return turn.model_copy(update={"text": scrub_text(turn.text)})
    assert isinstance(turn, ToolCall)
    update: dict[str, Any] = {"arguments": scrub_value(turn.arguments)}
    if turn.result is not None:
        result_update = {"content": scrub_text(turn.result.content)}
        if turn.result.error:
            result_update["error"] = scrub_text(turn.result.error)
        update["result"] = turn.result.model_copy(update=result_update)
    return turn.model_copy(update=update)
