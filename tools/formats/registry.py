"""The table of trace formats, auto-detection, and ``parse_history`` — the one entry point.

Each format module has ``NAME``, ``sniff(document) -> int`` (0 = not this
format; higher = more specific evidence) and ``parse(document) -> Trace``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from deftly.tools.errors import FormatError
from deftly.tools.formats import openai
from deftly.tools.formats.document import Document, History, load_document
from deftly.tools.trace import Trace, has_user_turn


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    sniff: Callable[[Document], int]
    parse: Callable[[Document], Trace]
    aliases: tuple[str, ...] = ()


def _format(module: ModuleType, description: str, aliases: tuple[str, ...] = ()) -> Format:
    return Format(module.NAME, description, module.sniff, module.parse, aliases)


# Order matters only to break ties between equal sniff scores: more specific formats first.
FORMATS: tuple[Format, ...] = (
    _format(openai, "OpenAI Chat Completions messages (tool_calls, role: tool)", ("openai-chat", "chat")),
)

_BY_NAME = {alias: f for f in FORMATS for alias in (f.name, *f.aliases)}


def format_names() -> list[str]:
    """Every name ``format`` accepts (canonical names first, then aliases)."""
    canonical = [f.name for f in FORMATS]
    aliases = sorted(alias for f in FORMATS for alias in f.aliases)
    return canonical + aliases


def resolve_format(name: str) -> Format:
    found = _BY_NAME.get(name.strip().lower())
    if found is None:
        raise FormatError(
            f"unknown format {name!r}; use one of {', '.join(format_names())}, or omit format to auto-detect.",
            format=name,
        )
    return found


def detect(document: Document) -> Format:
    scores = [(f.sniff(document), -index, f) for index, f in enumerate(FORMATS)]
    best_score, _, best = max(scores, key=lambda item: (item[0], item[1]))
    if best_score > 0:
        return best
    if _looks_like_plain_chat(document):
        return FORMATS[0]
    raise FormatError(
        "could not recognise the trace format: no element has the keys of any known format "
        f"(expected e.g. role/content messages). Pass format= one of {', '.join(f.name for f in FORMATS)}.",
        format="auto",
        location=_first_non_message(document),
    )


def _looks_like_plain_chat(document: Document) -> bool:
    return any(isinstance(i, dict) and "role" in i and "content" in i for i in document.items)


def _first_non_message(document: Document) -> str | None:
    for index, item in enumerate(document.items):
        if not isinstance(item, dict) or "role" not in item:
            return f"item {index}"
    return None if document.items else "item 0"


def parse_history(history: History, format: str | None = None, *, max_bytes: int = 20 * 1024 * 1024) -> Trace:
    """Parse any supported history into the canonical trace.

    Raises:
        FormatError: the history is not a trace (in the given format, when one is given).
        TraceTooLarge: the history is over ``max_bytes``.
    """
    chosen = resolve_format(format) if format else None
    document = load_document(history, max_bytes=max_bytes, format=chosen.name if chosen else "auto")
    fmt = chosen or detect(document)
    try:
        trace = fmt.parse(document)
    except FormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise FormatError(f"the history does not have the shape of {fmt.name}: {exc}", format=fmt.name) from exc
    if document.skipped_lines:
        trace.notes.append(f"skipped {len(document.skipped_lines)} unparseable JSONL lines")
    if not has_user_turn(trace):
        hint = "" if chosen is None else " Check that format matches the content, or omit it to auto-detect."
        raise FormatError(
            f"the trace has no user message, so there is no task to learn from.{hint} "
            "Send the whole session, starting with the user's request.",
            format=fmt.name,
        )
    return trace
