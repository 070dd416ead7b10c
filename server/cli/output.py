"""What every command shares for talking to a person: exit codes, JSON output, questions, checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from deftly.tools.errors import InvalidInput

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str, ensure_ascii=False))


def now() -> datetime:
    return datetime.now(UTC)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInput(message)


def confirm(question: str) -> bool:
    """Ask on the terminal; anything but yes (or no input at all) is no."""
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
