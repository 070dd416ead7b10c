"""Scrubbing texts, JSON-like values and whole traces.

A text is scanned in two passes. The shape pass runs the token patterns and the entropy test on each
distinct long token (secrets are tokens; tokens repeat, so the verdicts are cached). The context pass runs
the rules of :mod:`deftly.tools.secrets.context` (detect-secrets' keyword detector among them), each only on
the lines holding one of its trigger words. A value a rule found that is distinctive enough is then masked
everywhere else in the trace too (said once with its name, pasted later without it).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from deftly.tools.extract.tools_kind import words
from deftly.tools.secrets import context, tokens
from deftly.tools.secrets.context import secret_spans
from deftly.tools.secrets.tokens import SECRET, TOKEN, mask_token, mentions_hashes, named_as_id
from deftly.tools.secrets.typed import asks_for_code, checks_code, sends_code, typed_code
from deftly.tools.secrets.values import distinctive, name_strength, normal_name
from deftly.tools.trace import Message, ToolCall, Trace, Turn

MIN_TEXT = 8
HASHED_SESSION_PREFIX = "session-"


def _alone_pattern(value: str) -> re.Pattern[str] | None:
    """Where a short code of digits is masked: where no other digit touches it, but a %-escape may (the one-time
    code 306842 is no part of the line 2083068421; it is the code after ``\\n``, ``%3D``, ``%22`` or a letter).
    None for every other secret (a card number, a token), masked wherever it appears."""
    if not value.isdigit() or len(value) > _SHORT_CODE:
        return None
    return re.compile(rf"(?:(?<!\d)|(?<=%[0-9A-Fa-f]{{2}})){re.escape(value)}(?!\d)")


_SHORT_CODE = 10  # one-time codes and PINs; a card or account number is masked wherever it appears


def is_sensitive_key(key: str) -> bool:
    """An argument or metadata key whose value is a secret whatever it looks like (``password``, ``apiKey``)."""
    return name_strength(key) == 2


class Scrubber:
    """Scrubs texts one by one, remembering the distinctive secrets it found so a final pass can mask their
    other occurrences."""

    def __init__(self, known: Iterable[str] = (), *, scan: bool = True) -> None:
        self.found: set[str] = {value for value in known if distinctive(value) and SECRET not in value}
        self.scan = scan
        self._replacements: list[tuple[str, str, re.Pattern[str] | None]] = []
        self._replacements_of: frozenset[str] = frozenset()

    def remember(self, value: str) -> None:
        """Mask ``value`` wherever it appears from now on, if it is distinctive enough to do so safely."""
        if distinctive(value) and SECRET not in value:
            self.found.add(value)

    def text(self, text: str, *, hashes: bool | str = False) -> str:
        """``text`` scrubbed. ``hashes``: long hex strings are hashes here, or, given as a string, are hashes
        if that string (the command whose output this is) or the text talks of git or hashes."""
        if len(text) < MIN_TEXT or not self.scan:
            return self._known(text)
        text, found = scanned(text, hashes)
        for value in found:
            self.remember(value)
        return self._known(text)

    def _known(self, text: str) -> str:
        if not self.found:
            return text
        for value, escaped, alone in self._known_forms():
            for form in dict.fromkeys((value, escaped)):
                if form in text:
                    text = alone.sub(SECRET, text) if form == value and alone else text.replace(form, SECRET)
        return text

    def _known_forms(self) -> list[tuple[str, str, re.Pattern[str] | None]]:
        if self._replacements_of != self.found:
            self._replacements_of = frozenset(self.found)
            ordered = sorted(self.found, key=len, reverse=True)
            self._replacements = [(value, _json_escaped(value), _alone_pattern(value)) for value in ordered]
        return self._replacements

    def value(self, value: Any, key: str | None = None, *, hashes: bool | str = False) -> Any:
        """A JSON-like value scrubbed; keys are scrubbed too, and values under secret-named keys go whole."""
        if key is not None and is_sensitive_key(key) and _replaceable(value):
            if isinstance(value, str):
                self.remember(value)
            return SECRET
        if isinstance(value, str):
            return self.text(value, hashes=hashes)
        if isinstance(value, dict):
            return {self._key(k): self.value(v, str(k), hashes=hashes) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, hashes=hashes) for v in value]
        return value

    def _key(self, key: Any) -> Any:
        return self.text(key) if isinstance(key, str) and len(key) >= MIN_TEXT else key

    def trace(self, trace: Trace) -> Trace:
        return trace.model_copy(
            update={
                "session_id": self.session_id(trace.session_id) if trace.session_id is not None else None,
                "title": self.text(trace.title) if trace.title else trace.title,
                "turns": self._turns(trace.turns),
                "sidechains": [self._turns(chain) for chain in trace.sidechains],
                "notes": [self.text(note) for note in trace.notes],
                "cwd": self.text(trace.cwd) if trace.cwd else trace.cwd,
            }
        )

    def session_id(self, session_id: str) -> str:
        """``session_id`` stripped, or ``session-<sha256[:16]>`` of it when scrubbing would change any of it.

        Ordinary ids ("sess-42", a UUID, a Claude Code session id) are kept as they are; the hash is the same
        for the same id, so re-sending a session still updates its trace.
        """
        stripped = session_id.strip()
        if not stripped or (self.text(stripped) == stripped and SECRET not in stripped):
            return stripped
        return hashed_session_id(stripped)

    def _turns(self, turns: Iterable[Turn]) -> list[Turn]:
        scrubbed: list[Turn] = []
        code_asked = False
        for turn in turns:
            if code_asked and isinstance(turn, Message) and turn.role == "user":
                turn = turn.model_copy(update={"text": self._without_codes(turn.text)})
            scrubbed.append(self._turn(turn))
            code_asked = _asks_for_code(turn, code_asked)
        return scrubbed

    def _without_codes(self, text: str) -> str:
        """The reply to "I've sent you a verification code, what is it?" without the code in it."""
        span = typed_code(text)
        return text if span is None else text[: span[0]] + SECRET + text[span[1] :]

    def _checked_codes(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The code a verifying call checks (``verify_code(code="306842")``) is a secret, here and wherever the
        user typed it."""
        checked = {}
        for key, value in arguments.items():
            is_code = isinstance(value, str | int) and not isinstance(value, bool) and _CODE_VALUE.fullmatch(str(value))
            if is_code and normal_name(str(key)) in _CODE_KEYS:
                self.remember(str(value))
                value = SECRET
            checked[key] = value
        return checked

    def _turn(self, turn: Turn) -> Turn:
        if isinstance(turn, Message):
            return turn.model_copy(update={"text": self.text(turn.text)})
        assert isinstance(turn, ToolCall)
        arguments = turn.arguments
        if checks_code(words(turn.tool)):
            arguments = self._checked_codes(arguments)
        update: dict[str, Any] = {"arguments": self.value(arguments)}
        if turn.result is not None:
            # A git command's output is full of commit hashes, with nothing around them that says so.
            hashes = json.dumps(turn.arguments, ensure_ascii=False)
            result_update = {"content": self.text(turn.result.content, hashes=hashes)}
            if turn.result.error:
                result_update["error"] = self.text(turn.result.error, hashes=hashes)
            update["result"] = turn.result.model_copy(update=result_update)
        return turn.model_copy(update=update)


def _asks_for_code(turn: Turn, asked: bool) -> bool:
    """Whether the user's next message answers a request for a one-time code or a PIN: the agent asked for one
    or a tool sent one (until the user replies), or the check of the code the user gave failed."""
    if isinstance(turn, Message):
        return turn.role == "assistant" and (asked or asks_for_code(turn.text))
    tool_words = words(turn.tool)
    if checks_code(tool_words):
        return turn.status == "failed"
    return asked or sends_code(tool_words)


_CODE_KEYS = frozenset({"code", "otp", "token", "pin", "passcode", "value", "verification_code", "one_time_code"})
_CODE_VALUE = re.compile(r"\d{4,8}")
SHORT_TEXT_CHARS = 1024
MAX_CACHED_CHARS = 8192


def scanned(text: str, hashes: bool | str = False) -> tuple[str, tuple[str, ...]]:
    """``text`` with the secrets its tokens' shapes and the context rules find masked, and the values the rules
    found. The same texts recur in every run of a task (a system prompt in each of 200 runs, a lookup's
    result in each trial): they are scanned once per process, in caches of at most ~8 MB of short texts and
    ~2 MB of long ones."""
    if len(text) <= SHORT_TEXT_CHARS:
        return _short_scanned(text, hashes)
    return _long_scanned(text, hashes) if len(text) <= MAX_CACHED_CHARS else _scanned(text, hashes)


@lru_cache(maxsize=8192)
def _short_scanned(text: str, hashes: bool | str) -> tuple[str, tuple[str, ...]]:
    return _scanned(text, hashes)


@lru_cache(maxsize=256)
def _long_scanned(text: str, hashes: bool | str) -> tuple[str, tuple[str, ...]]:
    return _scanned(text, hashes)


def _scanned(text: str, hashes: bool | str) -> tuple[str, tuple[str, ...]]:
    talks_of_hashes = True if hashes is True else None  # found out only when a hex string turns up
    for token in set(TOKEN.findall(text)):
        masked = mask_token(token, hashes is True)
        if masked != token and hashes is not True and mask_token(token, True) != masked:
            if talks_of_hashes is None:
                talks_of_hashes = _talks_of_hashes(text, hashes)
            if talks_of_hashes or named_as_id(text, token):
                masked = mask_token(token, True)
        if masked != token:
            text = text.replace(token, masked)
    return _masked_spans(text)


def _masked_spans(text: str) -> tuple[str, tuple[str, ...]]:
    spans = secret_spans(text)
    if not spans:
        return text, ()
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts += [text[position:start], SECRET]
        position = end
    parts.append(text[position:])
    return "".join(parts), tuple(text[start:end] for start, end in spans)


def _talks_of_hashes(text: str, command: bool | str) -> bool:
    return mentions_hashes(text) or (isinstance(command, str) and mentions_hashes(command))


def _replaceable(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, str | int | float) and value not in ("", 0) and value != SECRET


def hashed_session_id(session_id: str) -> str:
    return f"{HASHED_SESSION_PREFIX}{hashlib.sha256(session_id.encode('utf-8')).hexdigest()[:16]}"


def safe_session_id(session_id: str) -> str:
    """A session id fit to store: itself, or its hash when it is or holds a secret."""
    return Scrubber().session_id(session_id)


def scrub_text(text: str, *, hashes: bool = False) -> str:
    """``text`` with every recognised secret replaced by ``{secret}``."""
    return Scrubber().text(text, hashes=hashes)


def scrub_value(value: Any, key: str | None = None) -> Any:
    """Scrub a JSON-like value; values under secret-named keys are replaced whole."""
    return Scrubber().value(value, key)


def scrub_trace(trace: Trace, known: Iterable[str] = ()) -> Trace:
    """A copy of the trace with secrets removed from every text, argument, result, title and its session id.

    ``known`` are secrets found elsewhere (metadata under secret-named keys) to mask wherever they appear.
    """
    scrubber = Scrubber(known)
    scrubbed = scrubber.trace(trace)
    if not scrubber.found:
        return scrubbed
    # Secrets found late (in the tenth turn) may also stand, unlabelled, in the turns before.
    return Scrubber(scrubber.found, scan=False).trace(scrubbed)


def _json_escaped(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def warm() -> None:
    """Compile the detectors now (about 0.1 s), so the first recorded trace does not wait for them."""
    tokens.warm()
    context.warm()
