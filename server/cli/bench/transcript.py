"""What ``deftly bench`` reads in a run by itself, without deftly's extraction: its instance values and
whether its trace shows a failure.

Both dev data sets are OpenAI Chat message lists, read here directly; a user's own trace in another
format is read through deftly's format parser (reading only: every rule below is the bench's own).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from deftly.tools.formats import parse_history
from deftly.tools.generalize.binder import name_value_pair
from deftly.tools.trace import Message, ToolCall
from deftly.tools.values import EMAIL, kind_of

MIN_LITERAL_CHARS = 3
# Values a tool gives for a person or a time that are words of every request ("owner": "you", "created_at":
# "now"): a request saying "could you" leaks nothing.
_EVERYDAY_WORDS = frozenset({"you", "me", "now", "today", "none", "null", "true", "false", "self", "all", "any"})
_ENUM_KEYS = frozenset({"status", "state", "type", "kind", "phase", "stage", "data_type", "event", "result", "outcome"})
# A state's inner keys are a state's too: "State": {"Name": "running"}, "PreviousState": {"Name": "running"}
_STATE_KEY = re.compile(r"(?:status|state|phase|stage)$")
# Tools that reason or compute rather than act on the world: they never decide how a run ended.
HELPER_TOOLS = frozenset({"think", "calculate"})
CANNOT = re.compile(r"\b(?:cannot|can ?not|can[’']t|could ?not|couldn[’']t|unable to|not able to)\b", re.IGNORECASE)
# Fields of a data set's own record that name the task's user or its orders and reservations.
RECORD_ID_KEYS = frozenset({"user_id", "email", "order_id", "reservation_id"})
_FULL_NAME = re.compile(r"\bYou are ([A-Z][\w'-]+(?: [A-Z][\w'-]+)+)")


@dataclass(frozen=True)
class Call:
    tool: str
    arguments: Any
    result: str | None


@dataclass(frozen=True)
class Transcript:
    """A run as the bench sees it: what the assistant said, and its tool calls with their results."""

    assistant_texts: tuple[str, ...]
    calls: tuple[Call, ...]


def from_history(history: Any) -> Transcript:
    """An OpenAI message list read directly; anything else through deftly's parser (messages whose content
    is a list of parts are Anthropic's or the Vercel AI SDK's, whose calls are parts, not ``tool_calls``)."""
    if isinstance(history, list) and all(_chat_message(m) for m in history):
        return from_openai(history)
    trace = parse_history(history)
    texts = [t.text for t in trace.turns if isinstance(t, Message) and t.role == "assistant" and not t.reasoning]
    calls = [
        Call(t.tool, t.arguments, t.result.content if t.result else None)
        for t in trace.turns
        if isinstance(t, ToolCall)
    ]
    return Transcript(tuple(texts), tuple(calls))


def _chat_message(message: Any) -> bool:
    return isinstance(message, dict) and "role" in message and not isinstance(message.get("content"), list)


def from_openai(messages: list[dict[str, Any]]) -> Transcript:
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for message in messages:
        if message.get("role") == "assistant":
            if isinstance(message.get("content"), str) and message["content"].strip():
                texts.append(message["content"])
            for tool_call in message.get("tool_calls") or []:
                function = tool_call.get("function", {})
                call = {"tool": function.get("name", ""), "arguments": _json(function.get("arguments")), "result": None}
                calls.append(call)
                by_id[str(tool_call.get("id"))] = call
        elif message.get("role") == "tool":
            pending = [c for c in calls if c["result"] is None]
            paired = by_id.get(str(message.get("tool_call_id"))) or (pending[-1] if pending else None)
            if paired is not None:
                paired["result"] = str(message.get("content") or "")
    return Transcript(tuple(texts), tuple(Call(**c) for c in calls))


def first_user_message(messages: list[dict[str, Any]]) -> str:
    return next(str(m["content"]) for m in messages if m.get("role") == "user" and str(m.get("content") or "").strip())


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def run_literals(transcript: Transcript) -> set[str]:
    """String values of the run's tool-call arguments and results that are instance values by shape."""
    found: set[str] = set()
    for call in transcript.calls:
        found.update(instance_values(call.arguments))
        if call.result is not None:
            found.update(instance_values(_json(call.result)))
    return found


def instance_values(value: Any, key: str = "") -> Iterator[str]:
    """Every string inside ``value`` that ``kind_of`` calls an instance value (read under its key)."""
    if isinstance(value, dict):
        pair = name_value_pair(value)  # {"name": "service", "value": "edge-proxy"}: the name is a label, the how
        for name, item in value.items():
            if pair is None or name != pair[0]:
                yield from instance_values(item, key if _STATE_KEY.search(key.lower()) else str(name))
    elif isinstance(value, list):
        for item in value:
            yield from instance_values(item, key)
    elif isinstance(value, str) and _is_instance(value, key):
        yield from _forms(value)


def _is_instance(text: str, key: str) -> bool:
    # Free text ("text") is a sentence, not a value one could leak by quoting it. kind_of does not read
    # a "#"-prefixed id (retail's order ids, "#W4817420") as an id; its body is one. A word under a state or
    # type key ("status": "DELAYED", "type": "TABLE") is one of a few values every record takes, not a record's.
    if len(text.strip()) < MIN_LITERAL_CHARS or text.strip().lower() in _EVERYDAY_WORDS:
        return False
    if key.lower() in _ENUM_KEYS and text.strip().replace("_", "").isalpha():
        return False
    return any(kind_of(value, key) not in (None, "text") for value in (text, text.strip().lstrip("#")))


def _forms(value: str) -> set[str]:
    """The value, and a "#"-prefixed id without its "#" (text often quotes it bare)."""
    return {value.strip(), value.strip().lstrip("#")}


def record_literals(texts: list[str], structured: Any) -> set[str]:
    """The task's user and ids as the data set's record names them: ``RECORD_ID_KEYS`` values anywhere in
    ``structured``, and the emails and "You are First Last" names in ``texts``."""
    found = {
        form for v in _values_under(structured, RECORD_ID_KEYS) for form in _forms(v) if len(form) >= MIN_LITERAL_CHARS
    }
    for text in texts:
        found.update(EMAIL.findall(text))
        for name in _FULL_NAME.findall(text):
            found.add(name)
            found.update(part for part in name.split() if len(part) >= MIN_LITERAL_CHARS)
    return found


def _values_under(value: Any, keys: frozenset[str], key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _values_under(item, keys, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _values_under(item, keys, key)
    elif isinstance(value, str) and key in keys:
        yield value.strip()


def failure_signs(transcript: Transcript) -> list[str]:
    """Why the trace itself shows the run failed, by two rules: its last acting call (not think/calculate)
    returned an error (``Error...``), or the assistant's last message says it cannot or could not do it.
    Empty when none applies. A hand-off is not one: for some tasks it is the right outcome (most runs of
    tau-bench's transfer tasks succeed)."""
    signs = []
    acting = [c for c in transcript.calls if c.tool not in HELPER_TOOLS]
    if acting and (acting[-1].result or "").lstrip().startswith("Error"):
        signs.append(f"last call {acting[-1].tool} returned an error")
    if transcript.assistant_texts and CANNOT.search(transcript.assistant_texts[-1]):
        signs.append("last assistant message says it cannot")
    return signs
