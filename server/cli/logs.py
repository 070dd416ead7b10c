"""Where a command's log lines go: a file under ``DEFTLY_HOME/logs``, and stderr only for what a person must see.

A command's output is its own (tables, progress bars, JSON); an INFO line in the middle of it is
noise, and over a progress bar it is damage. So every record goes to ``logs/deftly.log`` (0600: logs
name sessions and paths) at ``--log-level``, and stderr gets warnings and errors only, or everything
at ``--log-level`` with ``-v``. stdout never carries a log line: in stdio mode it is the MCP protocol.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

LOG_FILE = "deftly.log"
LOG_MAX_BYTES = 5 * 1024 * 1024
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_QUIET_LIBRARIES = ("httpx", "httpx2", "uvicorn.access")


FILE_ONLY = {"file_only": True}  # extra= for a record a person has already been told about in one line


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time of the record, not at setup.

    A rich progress bar swaps ``sys.stderr`` for a proxy that prints above the bar; a handler that kept
    the original stream would write over the bar instead.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.addFilter(lambda record: not getattr(record, "file_only", False))

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def log_path(home: Path) -> Path:
    return home / "logs" / LOG_FILE


@contextmanager
def command_logging(home: Path | None, level: str, *, verbose: bool) -> Iterator[None]:
    """Log to ``home/logs/deftly.log`` (none when ``home`` is None) and stderr for the duration of a command."""
    handlers: list[logging.Handler] = []
    stderr = StderrHandler()
    stderr.setLevel(level if verbose else logging.WARNING)
    handlers.append(stderr)
    if home is not None:
        handlers.append(_file_handler(log_path(home), level))
    root = logging.getLogger()
    previous_level = root.level
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    root.setLevel(min(h.level for h in handlers))
    for name in _QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(previous_level)


def _file_handler(path: Path, level: str) -> logging.Handler:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _rotate(path)
    # Created 0600 before logging opens it; an existing file is narrowed too.
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    if sys.platform != "win32":
        path.chmod(0o600)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(level)
    return handler


def _rotate(path: Path) -> None:
    """Keep one previous file once the log passes LOG_MAX_BYTES (checked at each command's start)."""
    try:
        if path.stat().st_size > LOG_MAX_BYTES:
            path.replace(path.with_name(path.name + ".1"))
    except OSError:  # absent, or another process rotated it first
        pass
