"""Which files of a folder are traces: agents' own session folders, or any folder of trace files.

* Claude Code keeps ``~/.claude/projects/<project>/<session>.jsonl``; a session's sub-agents
  are under ``<session>/subagents/`` and belong to it (its transcript has their results).
* Codex keeps ``~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl``.
* OpenClaw keeps ``~/.openclaw/agents/<agent>/sessions/<session>.jsonl``.
* The Copilot CLI keeps ``~/.copilot/session-state/<session>/events.jsonl`` (older versions
  ``session-state/<session>.jsonl``).

A folder inside one of those homes, the home itself, or a folder holding homes (e.g. ``~``)
yields only those sessions, in their format; any other folder yields every ``*.json``,
``*.jsonl`` and ``*.ndjson`` under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

TRACE_SUFFIXES = (".json", ".jsonl", ".ndjson")
PLAIN_FILES = "files"


@dataclass(frozen=True)
class Layout:
    source: str  # also the trace format
    marker: str  # the home folder's name
    pattern: str  # session files, relative to the home


LAYOUTS = (
    Layout("claude-code", ".claude", "projects/*/*.jsonl"),
    Layout("codex", ".codex", "sessions/**/rollout-*.jsonl"),
    Layout("openclaw", ".openclaw", "agents/*/sessions/*.jsonl"),
    Layout("copilot", ".copilot", "session-state/*/events.jsonl"),
    Layout("copilot", ".copilot", "session-state/*.jsonl"),
)
_ENTRY_FILES = frozenset({"events.jsonl"})  # a session folder's fixed file: the folder names the session


@dataclass(frozen=True)
class TraceFile:
    path: Path
    source: str = PLAIN_FILES
    format: str | None = None  # known from where the file lives; None: detect


def session_name(path: Path) -> str:
    """The session a file holds, by its name: the file name without extension, or its folder's name when the
    file is an agent's fixed entry file (Copilot's ``<session>/events.jsonl``)."""
    return path.parent.name if path.name in _ENTRY_FILES and path.parent.name else path.stem


def trace_files(paths: Iterable[Path]) -> list[TraceFile]:
    """Each file given, and the trace files under each folder given (sorted, without repeats)."""
    found: dict[Path, TraceFile] = {}
    for path in paths:
        for item in _files_of(path):
            found.setdefault(item.path, item)
    return list(found.values())


def _files_of(path: Path) -> Iterator[TraceFile]:
    if not path.is_dir():
        yield TraceFile(path)
        return
    sessions = agent_sessions(path)
    if sessions is not None:
        yield from sessions
        return
    for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TRACE_SUFFIXES):
        yield TraceFile(file)


def agent_sessions(folder: Path) -> list[TraceFile] | None:
    """The session files of the agent homes ``folder`` is in, is, or holds; None when it is none of those."""
    folder = folder.resolve()
    homes: list[tuple[Layout, Path]] = []
    for layout in LAYOUTS:
        inside = next((p for p in (folder, *folder.parents) if p.name == layout.marker), None)
        if inside is not None:
            homes.append((layout, inside))
        elif (folder / layout.marker).is_dir():
            homes.append((layout, folder / layout.marker))
        elif _has_sessions(folder, layout):  # a copy of a home under another name
            homes.append((layout, folder))
    if not homes:
        return None
    return [
        TraceFile(file, layout.source, layout.source)
        for layout, home in homes
        for file in sorted(home.glob(layout.pattern))
        if file.is_file() and "subagents" not in file.parts and (file == folder or folder in file.parents)
    ]


def _has_sessions(folder: Path, layout: Layout) -> bool:
    return next(folder.glob(layout.pattern), None) is not None


def read_bounded(
    path: Path, max_bytes: int, *, name: str = "the file", hint: str = "raise that setting or split the file"
) -> bytes:
    """The file's bytes, refusing before reading one over the trace size limit (``DEFTLY_MAX_TRACE_BYTES``)."""
    from deftly.tools.errors import TraceTooLarge

    size = path.stat().st_size
    if size > max_bytes:
        raise TraceTooLarge(
            f"{name} is {human_size(size)}, over the {human_size(max_bytes)} limit (DEFTLY_MAX_TRACE_BYTES); {hint}."
        )
    return path.read_bytes()


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1_048_576:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1_048_576:.1f} MB"
