"""Recognising instructions that arrive as data (prompt injection), and runs that obeyed them.

Text a tool returns -- an email, a ticket, a web page, a file, an error message -- and notes agents leave
with ``rate_procedure`` are data. When such text addresses the agent and tells it to do something, it is an
attempted injection: deftly must neither copy it into a procedure nor learn from a run that obeyed it.

Detection is by patterns of *how* injected text is written, not by any one data set's wording:

- **override**: asks to ignore, disregard or replace the instructions, rules or prompt the agent has;
- **authority**: poses as a system, admin or developer message ("SYSTEM OVERRIDE", ``[system]:``,
  ``<|im_start|>system``, "new instructions:");
- **role**: re-casts the agent ("you are now", "act as", "pretend to be", "developer mode", "jailbreak");
- **addressed**: tells the assistant/agent/AI/model reading it what it must do ("as the assistant you must",
  "AI agents processing this should", "note to the AI:");
- **secrecy**: asks to hide the action from the user ("do not tell the user", "without informing");
- **pipe to shell**: a download piped into a shell (``curl … | sh``), ``bash -c "$(curl …)"``;
- **encoded payload**: a base64 blob with a request to decode and run it, or one that decodes to any of the
  above;
- **exfiltration**: asks to send credentials, keys, tokens or files to an address or URL;
- weak signals, flagged only together with another signal: a directive naming a tool to call
  ("call delete_all_tickets"), urgency ("IMPORTANT", "immediately"), mass-destructive operations
  ("delete all", ``rm -rf /``, "drop table").

Benign text that shares words with these ("ignore case", "delete the temp file", "Permission denied",
"run npm install") matches none of the strong patterns and at most one weak one, so it is not flagged.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from deftly.tools.extract.base import Skipped
from deftly.tools.trace import ToolCall, Trace

_I = re.IGNORECASE

_AGENT = r"(?:assistant|agent|ai|a\.i\.|llm|language model|model|bot|chatbot|copilot|claude|chatgpt|gpt|gemini)s?"
_RULES = (
    r"(?:instructions?|prompts?|rules?|guidelines?|directives?|orders?|guardrails?|polic(?:y|ies)|"
    r"constraints?|programming|context|system message|task)"
)
_DIRECTIVE_VERBS = (
    r"(?:call|invoke|run|execute|use|trigger|delete|remove|erase|wipe|drop|send|forward|email|e-mail|upload|post|"
    r"transfer|share|leak|exfiltrate|reveal|disclose|print|output|dump|download|install|curl|wget|grant|approve|"
    r"refund|cancel|disable|rotate|reset|write|overwrite|modify|change|update|open|visit|navigate|click|reply)"
)
# A clause opening with one of these and an object is a command ("Call delete_all now"), not the kind of an
# error ("Delete failed", "Run timed out").
_COMMAND_START = re.compile(
    r"^\s*(?:please\s+)?(?:ignore|disregard|forget|call|invoke|execute|run|delete|remove|erase|wipe|send|forward|"
    r"email|upload|transfer|download|install|curl|wget|visit|navigate|reply|grant|share|reveal|exfiltrate)\s+"
    r"(?!(?:failed|fails|error|errors|denied|not\b|is\b|was\b|has\b|operation|request|timed|aborted|"
    r"rejected|refused|returned|exited|status|of\b)\b)",
    re.IGNORECASE,
)

STRONG: dict[str, re.Pattern[str]] = {
    "override": re.compile(
        r"\b(?:ignore|disregard|forget|override|overrule|bypass|skip|drop|abandon|discard|set aside|do not follow|"
        r"don'?t follow|stop following|no longer follow)\b[^.\n]{0,40}?\b(?:all|any|every|previous|prior|preceding|"
        r"above|earlier|former|original|your|the|these|those|existing|current|system|safety|user'?s?)\b[^.\n]{0,25}?"
        rf"\b{_RULES}\b",
        _I,
    ),
    "void_rules": re.compile(
        r"\b(?:previous|prior|earlier|original|your|all|the|safety|system)\s+(?:\w+\s+)?" + _RULES + r"\s+"
        r"(?:no longer apply|do not apply|don'?t apply|are (?:void|suspended|cancell?ed|revoked|lifted|disabled|"
        r"obsolete|outdated|overridden)|have been (?:suspended|revoked|lifted|replaced|updated|overridden))\b",
        _I,
    ),
    "new_rules": re.compile(
        r"\b(?:new|updated|revised|real|actual|true|hidden|secret|priority|override)\s+(?:system\s+)?"
        r"(?:instructions?|directives?|orders?|task|prompt)\s*(?::|follow|are|is)",
        _I,
    ),
    "authority": re.compile(
        r"(?:\bsystem\s*(?:override|prompt|message|notice|instruction|command|alert)\b\s*[:!\]-]|"
        r"\bsystem override\b|\badmin(?:istrator)?\s*(?:override|command|mode|instruction)\b|"
        r"\bdeveloper\s+(?:override|mode|instruction|message)\b|"
        r"^\s*[\[<(#*]*\s*(?:system|admin|developer|root|operator)\s*[\]>)#*]*\s*:|"
        r"<\|?\s*(?:im_start|system|endoftext)\s*\|?>|\[/?(?:INST|SYS)\]|<</?SYS>>|"
        r"\bBEGIN\s+(?:SYSTEM|ADMIN|NEW|PRIORITY)\s+(?:PROMPT|INSTRUCTIONS?|MESSAGE)\b|"
        r"\b(?:message|instructions?|note)\s+(?:for|to)\s+(?:the\s+|any\s+|all\s+)?" + _AGENT + r"\b)",
        _I | re.MULTILINE,
    ),
    "role": re.compile(
        r"\b(?:you are now|from now on,? you|you will now act|act as (?:an?|the) (?:unrestricted|different|new|"
        r"evil|admin|root|system)|pretend (?:to be|you are|that you)|roleplay as|role-play as|"
        r"developer mode|jailbreak|DAN mode|do anything now|you have been (?:freed|unlocked|jailbroken)|"
        r"your new (?:role|persona|identity|name) is)\b",
        _I,
    ),
    "addressed": re.compile(
        r"(?:\b(?:as|to|attention|dear|hey|note to|notice to|if you are)\s+(?:an?\s+|the\s+|any\s+|all\s+)?"
        + _AGENT
        + r"\b[^.\n]{0,60}?\b(?:must|should|shall|need to|have to|are required to|are instructed to|"
        r"will|immediately|now)\b|"
        r"\b" + _AGENT + r"s?\s+(?:reading|processing|parsing|summari[sz]ing|handling|seeing|that reads?|"
        r"who reads?)\s+(?:this|these|the)\b|"
        r"\b(?:when|if|whenever|once)\s+(?:an?|the|any)\s+" + _AGENT + r"\s+(?:reads?|processes|sees|parses|"
        r"summari[sz]es|opens|loads)\b[^.\n]{0,60}?\b(?:must|should|shall|needs? to|has to|will)\b|"
        r"\b(?:you|the " + _AGENT + r")\s+(?:must|should|are required to|are instructed to|need to)\s+(?:now\s+|"
        r"immediately\s+|first\s+|also\s+)?(?:call|invoke|execute|run the|use the tool|delete|send|forward|"
        r"exfiltrate|upload|transfer|leak|reveal)\b)",
        _I,
    ),
    "secrecy": re.compile(
        r"\b(?:do not|don'?t|never|without)\s+(?:tell|telling|inform|informing|notify|notifying|alert|alerting|"
        r"mention|mentioning|reveal|revealing|let)\w*\s+(?:the\s+|this\s+(?:to\s+)?(?:the\s+)?)?"
        r"(?:user|human|customer|operator|owner|anyone)",
        _I,
    ),
    "pipe_to_shell": re.compile(
        r"(?:\b(?:curl|wget|fetch|iwr|invoke-webrequest)\b[^|\n;]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|k|da)?sh\b|"
        r"\b(?:ba|z)?sh\s+-c\s+[\"']?\$\((?:curl|wget)|\|\s*(?:sudo\s+)?(?:python3?|perl|ruby|node)\s+-\s*(?:$|\s)|"
        r"\b(?:iex|invoke-expression)\b[^\n]{0,40}(?:downloadstring|iwr|invoke-webrequest))",
        _I | re.MULTILINE,
    ),
    "encoded_run": re.compile(
        r"(?:\bbase64\s+(?:-d|--decode)\b[^\n]{0,80}\|\s*(?:ba|z)?sh\b|"
        r"\b(?:decode|base64[- ]decode|unpack)\b[^.\n]{0,60}\b(?:and|then)\s+(?:run|execute|eval|follow|obey|do)\b|"
        r"\beval\s*\(\s*(?:atob|base64|b64decode)|exec\s*\(\s*(?:base64\.)?b64decode)",
        _I,
    ),
    "exfiltration": re.compile(
        r"\b(?:send|forward|email|e-mail|upload|post|transmit|exfiltrate|leak|copy|share|paste)\b[^.\n]{0,80}?"
        r"\b(?:api[ _-]?keys?|passwords?|credentials?|secrets?|tokens?|ssh keys?|private keys?|\.env\b|env vars?|"
        r"environment variables?|session cookies?|cookies|id_rsa|/etc/passwd|credit card|conversation history|"
        r"system prompt|chat history)\b"
        r"[^.\n]{0,80}?(?:\bto\b|\bat\b|https?://|@)",
        _I,
    ),
}

WEAK: dict[str, re.Pattern[str]] = {
    "tool_directive": re.compile(
        r"\b(?:call|invoke|execute|run|use|trigger)\s+(?:the\s+)?[`'\"]?[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+[`'\"]?"
        r"(?:\s+(?:tool|function|endpoint|action))?",
        _I,
    ),
    "urgency": re.compile(
        r"\b(?:IMPORTANT|URGENT|CRITICAL|ATTENTION|WARNING)\b\s*[:!]|\b(?:immediately|right now|without delay|"
        r"before (?:doing anything|responding|you (?:answer|reply|continue)))\b",
        0,
    ),
    "destructive": re.compile(
        r"\b(?:delete|remove|erase|wipe|purge|destroy|drop)\s+(?:all|every|each|the entire|the whole)\b|"
        r"\brm\s+-(?:rf|fr)\s+(?:/|~|\*|\$HOME)|\bdrop\s+(?:table|database)\b|\bmkfs\b|:\(\)\s*\{",
        _I,
    ),
    "send_out": re.compile(
        r"\b(?:send|forward|email|e-mail|upload|post|transfer|wire)\b[^.\n]{0,80}?\bto\b\s*[`'\"]?"
        r"(?:https?://|[\w.+-]+@[\w-]+\.|(?:[a-z0-9-]+\.)+[a-z]{2,}\b)",
        _I,
    ),
    "imperative_to_you": re.compile(
        r"\b(?:you|assistant)\s+(?:must|shall|are required to|need to)\s+" + _DIRECTIVE_VERBS + r"\b", _I
    ),
}

_BASE64_BLOB = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])")
_MAX_SCAN_CHARS = 50_000
_MAX_CACHED_CHARS = 8192


@dataclass(frozen=True)
class Screening:
    """Which signals a text carries; ``flagged`` when it reads as instructions to the agent."""

    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.strong) or len(self.weak) >= 2

    @property
    def signals(self) -> tuple[str, ...]:
        return self.strong + self.weak


def screen(text: str) -> Screening:
    """The injection signals in ``text`` (also in any base64 payload it carries)."""
    text = text[:_MAX_SCAN_CHARS]
    # The same tool results recur in every run of a task (each trial looks up the same user): screened once.
    return _screen_cached(text) if len(text) <= _MAX_CACHED_CHARS else _screen(text)


@lru_cache(maxsize=1024)
def _screen_cached(text: str) -> Screening:
    return _screen(text)


def _screen(text: str) -> Screening:
    text = plain(text)
    strong = [name for name, pattern in STRONG.items() if pattern.search(text)]
    weak = [name for name, pattern in WEAK.items() if pattern.search(text)]
    for payload in _decoded_payloads(text):
        inner = screen(payload)
        if inner.flagged or WEAK["tool_directive"].search(payload) or STRONG["pipe_to_shell"].search(payload):
            strong.append("encoded_payload")
            break
    return Screening(tuple(dict.fromkeys(strong)), tuple(weak))


def plain(text: str) -> str:
    """The text a reader sees: a JSON result's strings (so escaped line breaks are line breaks again)."""
    stripped = text.strip()
    if stripped[:1] in '{["' and stripped:
        try:
            return "\n".join(_strings_of(json.loads(stripped)))
        except ValueError:
            pass
    return text.replace("\\n", "\n")


def _strings_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [str(key), *_strings_of(item)]]
    if isinstance(value, list):
        return [s for item in value for s in _strings_of(item)]
    return [str(value)] if value is not None else []


def looks_like_instruction(text: str) -> bool:
    """Whether ``text`` (data: a tool result, an error, a note) addresses the agent with instructions."""
    return screen(text).flagged


def _decoded_payloads(text: str) -> Iterable[str]:
    for blob in _BASE64_BLOB.findall(text)[:5]:
        try:
            decoded = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if decoded.isprintable() or "\n" in decoded:
            yield decoded


# --- runs that obeyed injected text -------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s\"'`<>)\]]+", _I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_HOST = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|ru|cn|xyz|top|sh|dev|app|co|biz|info|example)\b", _I)
_PATH = re.compile(r"(?<![\w.])(?:~|\.{1,2})?/(?:[\w.-]+/)*[\w.-]+")
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+\b", _I)
_QUOTED = re.compile(r"`([^`\n]{4,200})`|\"([^\"\n]{8,200})\"")
_MIN_DISTINCT_CHARS = 6


@dataclass(frozen=True)
class Obeyed:
    """A call that did what an injected tool result asked."""

    injected: int  # index of the call whose result carried the instructions
    follower: int  # index of the later call that followed them
    echo: str  # what the follower repeated: a tool name, URL, address, path or command


def obeyed_injections(calls: Sequence[ToolCall], user_texts: Sequence[str] = ()) -> list[Obeyed]:
    """Later calls that repeat something only an injected tool result asked for.

    A call follows injected text when it calls a tool the text names, or its arguments carry a URL, address,
    host, path, identifier, quoted command or encoded payload from the text -- unless the user's own words
    named it too, or it is a tool the run had already called.
    """
    said_by_user = " ".join(user_texts).lower()
    found: list[Obeyed] = []
    for index, call in enumerate(calls):
        text = result_text(call)
        if not text or not looks_like_instruction(text):
            continue
        # Tools already called are the run's own (an error names the tool that failed); the user's words are
        # the user's.
        used = {c.tool.lower() for c in calls[: index + 1]}
        markers = {m for m in distinctive_markers(text) if m.lower() not in said_by_user and m.lower() not in used}
        for later_index in range(index + 1, len(calls)):
            echo = _echo(calls[later_index], markers)
            if echo is not None:
                found.append(Obeyed(index, later_index, echo))
    return found


OBEYED_REASON = "the agent followed instructions that arrived in a tool result"


def obeyed_in(trace: Trace) -> dict[str, Obeyed]:
    """The calls of ``trace`` that obeyed injected text, by call id.

    Such a run is not learned at all (its task is skipped): a procedure would teach every later agent
    the injected action, and a warning on it would be one more thing to read past.
    """
    calls = trace.tool_calls
    user_texts = [m.text for m in trace.messages if m.role == "user"]
    return {calls[o.follower].call_id: o for o in obeyed_injections(calls, user_texts)}


def obeyed_reason(calls: Sequence[ToolCall], obeyed: dict[str, Obeyed]) -> str | None:
    """Why a task is not learned, when one of its calls obeyed injected text (the echo is not repeated)."""
    for call in calls:
        if call.call_id in obeyed:
            return f"{OBEYED_REASON} (`{call.tool}` did what an earlier result asked)"
    return None


def screened(skipped: Skipped) -> Skipped:
    """A skipped task keeps a lesson only when it is not itself instructions and the run obeyed none."""
    if skipped.lesson and (skipped.reason.startswith(OBEYED_REASON) or looks_like_instruction(skipped.lesson)):
        skipped.lesson = None
    return skipped


def result_text(call: ToolCall) -> str:
    if call.result is None:
        return ""
    return "\n".join(part for part in (call.result.content, call.result.error or "") if part)


def distinctive_markers(text: str) -> set[str]:
    """What injected text could make a call repeat: URLs, addresses, hosts, paths, identifiers, commands,
    encoded payloads and what they decode to."""
    text = plain(text)
    markers: set[str] = set(_BASE64_BLOB.findall(text))
    for payload in _decoded_payloads(text):
        text += "\n" + payload
    for pattern in (_URL, _EMAIL, _HOST, _PATH, _IDENTIFIER):
        markers.update(m.rstrip(".,;:") for m in pattern.findall(text))
    for backticked, quoted in _QUOTED.findall(text):
        markers.add((backticked or quoted).strip())
    return {m for m in markers if len(m) >= _MIN_DISTINCT_CHARS}


def _echo(call: ToolCall, markers: set[str]) -> str | None:
    tool = call.tool.lower()
    arguments = json.dumps(call.arguments, ensure_ascii=False, default=str).lower()
    arguments_raw = "\n".join(_strings_of(call.arguments)).lower()
    for marker in sorted(markers, key=len, reverse=True):
        low = marker.lower()
        if low == tool or low.endswith(("." + tool, "__" + tool)):
            return marker
        if low in arguments or low in arguments_raw:
            return marker
    return None


# --- keeping untrusted text out of procedures ------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_CLAUSE_END = re.compile(r"(?:[.;!?](?:\s|$)|\n|\s[-–—]\s|,\s+(?=please\b|you\b|and\s+(?:call|run|then)\b))", _I)
MAX_ERROR_KIND_WORDS = 10
MAX_ERROR_KIND_CHARS = 80


def without_controls(text: str) -> str:
    """Control and bidirectional-override characters removed, whitespace collapsed."""
    return " ".join(_CONTROL.sub(" ", text).split())


def error_kind(error: str) -> str | None:
    """The kind of an error, short and safe to quote in a procedure: its first clause, at most a few words.

    None when the error carries instructions (anywhere in it) or its first clause is itself a command:
    the failure is still noted, but none of its text is kept.
    """
    if looks_like_instruction(error):
        return None
    first = _CLAUSE_END.split(without_controls(error).strip(), maxsplit=1)[0].strip(" :,-\"'`")
    if not first or _COMMAND_START.match(first):
        return None
    words = first.split()
    kind = " ".join(words[:MAX_ERROR_KIND_WORDS]) + ("…" if len(words) > MAX_ERROR_KIND_WORDS else "")
    if len(kind) > MAX_ERROR_KIND_CHARS:
        kind = kind[: MAX_ERROR_KIND_CHARS - 1].rstrip() + "…"
    return kind.replace('"', "'")


def quoted_note(note: str, limit: int) -> str:
    """An agent's note as a quotation: control characters removed, truncated, its own quotes neutralised;
    withheld when it reads as instructions."""
    if looks_like_instruction(note):
        return "[withheld: reads as instructions to an agent]"
    clean = without_controls(note).replace('"', "'")
    if len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return f'"{clean}"'
