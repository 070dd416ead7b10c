"""Turning a raw ``history`` (JSON text, JSONL text, or already-decoded values) into a ``Document``.

A document is what parsers and sniffers look at: the decoded value, whether it
came as JSONL, and the list of message-like items once containers such as
``{"messages": [...]}`` or tau-bench's ``{"traj": [...]}`` are unwrapped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from deftly.tools.errors import FormatError, TraceTooLarge

History = str | list[Any] | dict[str, Any]
_CONTAINER_KEYS = ("messages", "traj", "trajectory", "history", "conversation", "items", "input", "steps")


@dataclass
class Document:
    value: Any
    jsonl: bool = False
    items: list[Any] = field(default_factory=list)
    wrapper: dict[str, Any] | None = None
    skipped_lines: list[int] = field(default_factory=list)


def load_document(history: History, *, max_bytes: int, format: str = "auto") -> Document:
    """Decode the history; raise ``FormatError``/``TraceTooLarge`` saying what was wrong."""
    if isinstance(history, str):
        check_size(history, max_bytes)
        return _from_text(history, format)
    if isinstance(history, list | dict):
        check_size(json.dumps(history, ensure_ascii=False, default=str), max_bytes)
        return from_value(history)
    raise FormatError(
        f"history must be a JSON string, a JSONL string or a list of message objects, not {type(history).__name__}",
        format=format,
    )


def check_size(text: str, max_bytes: int) -> None:
    size = len(text) if len(text) * 4 <= max_bytes or len(text) > max_bytes else len(text.encode("utf-8"))
    if size > max_bytes:
        raise TraceTooLarge(
            f"history is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.1f} MB limit. "
            "Send a shorter segment (e.g. one session or the part since the last compaction), "
            "or raise DEFTLY_MAX_TRACE_BYTES."
        )


def _from_text(text: str, format: str) -> Document:
    stripped = text.strip()
    if not stripped:
        raise FormatError("history is empty; send the session's messages.", format=format)
    try:
        return from_value(json.loads(stripped))
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" or "\n" in stripped:
            return _from_jsonl(stripped, format, exc)
        raise FormatError(
            f"history is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "send a JSON array of messages or JSONL with one JSON object per line.",
            format=format,
            location=f"line {exc.lineno}, column {exc.colno}",
        ) from None


def _from_jsonl(text: str, format: str, first_error: json.JSONDecodeError) -> Document:
    items: list[Any] = []
    skipped: list[int] = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError:
            skipped.append(number)
    if not items or len(skipped) > max(2, len(lines) // 10):
        location = f"line {skipped[0]}" if skipped else f"line {first_error.lineno}"
        raise FormatError(
            f"history is neither JSON nor JSONL ({len(skipped)} of {len(lines)} lines are not JSON); "
            "send a JSON array of messages or JSONL with one JSON object per line.",
            format=format,
            location=location,
        )
    document = from_value(items)
    document.jsonl = True
    document.skipped_lines = skipped
    return document


def from_value(value: Any) -> Document:
    items, wrapper = unwrap(value)
    return Document(value=value, items=items, wrapper=wrapper)


def unwrap(value: Any) -> tuple[list[Any], dict[str, Any] | None]:
    """The message list inside common containers; a bare object counts as a one-item list."""
    if isinstance(value, list):
        return value, None
    if isinstance(value, dict):
        for key in _CONTAINER_KEYS:
            inner = value.get(key)
            if isinstance(inner, list):
                return inner, value
            if isinstance(inner, str) and key in ("history", "messages"):
                try:
                    decoded = json.loads(inner)
                except ValueError:
                    continue
                if isinstance(decoded, list):
                    return decoded, value
        return [value], value
    return [], None
