"""deftly's input limits, their defaults (the settings read them from here), and the checks behind them.

Every limit is one number: ``deftly.server.settings`` exposes each as a ``DEFTLY_*`` variable with these
defaults, and stdio, HTTP and the CLI enforce the same values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deftly.tools.errors import InvalidInput, TraceTooLarge

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The largest input deftly accepts."""

    request_bytes: int = 32 * MIB
    """One JSON-RPC message (a stdio line, an HTTP body): above ``trace_bytes``, so a trace at its limit
    fits even sent as an escaped JSON string."""
    trace_bytes: int = 20 * MIB
    """One history given to ``record_trace``."""
    trace_turns: int = 50_000
    """Messages and tool calls in one history (extraction takes about half a millisecond a turn)."""
    json_depth: int = 128
    """Nesting of arrays and objects in a message or a history."""


DEFAULT_LIMITS = Limits()
INT64_MAX = 2**63 - 1

# A JSON string (with escapes) and any run of characters that are neither a quote nor a bracket.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def json_depth_over(text: str, limit: int) -> int | None:
    """How deep the arrays and objects of JSON ``text`` nest, if deeper than ``limit`` (else None).

    Reads the raw text without parsing it, so a 100,000-deep document costs no recursion.
    """
    brackets = _NOT_BRACKETS.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for bracket in brackets:
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest if deepest > limit else None


def value_depth_over(value: object, limit: int) -> int | None:
    """How deep parsed JSON ``value`` nests, if deeper than ``limit`` (else None); iterative."""
    stack: list[tuple[object, int]] = [(value, 0)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((child, depth) for child in (item.values() if isinstance(item, dict) else item))
    return deepest if deepest > limit else None


def check_history_depth(history: object, limit: int) -> None:
    """Raise TraceTooLarge if a history (raw JSON text, or already parsed) nests deeper than ``limit``."""
    deepest = json_depth_over(history, limit) if isinstance(history, str) else value_depth_over(history, limit)
    if deepest is not None:
        raise TraceTooLarge(
            f"history nests {deepest} levels deep, over the limit of {limit} (DEFTLY_MAX_JSON_DEPTH); "
            "send the session's messages as a flat list."
        )


def check_turns(turns: int, limit: int) -> None:
    if turns > limit:
        raise TraceTooLarge(
            f"history has {turns} turns, over the limit of {limit} (DEFTLY_MAX_TRACE_TURNS); "
            "record the session in parts (one session_id each) or raise that setting."
        )


PROCEDURE_ID_HINT = "pass an id that find_procedure returned (from a shell, `deftly search QUERY` lists them)."


def require_id(value: str, name: str, hint: str) -> str:
    """``value`` stripped; InvalidInput if nothing is left."""
    stripped = value.strip()
    if not stripped:
        raise InvalidInput(f"{name} is blank; {hint}")
    return stripped
