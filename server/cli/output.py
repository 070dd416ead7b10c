"""What every command shares for talking to a person: exit codes, JSON output, questions, checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from deftly.tools.errors import InvalidInput

# 3: some inputs were rejected or failed and the rest went through, so a script can tell "check the
# report" from "nothing happened" (2) and from "all done" (0). 130 = 128 + SIGINT, the shells' convention.
EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

EXIT_CODES_HELP = """exit codes:
  0    success
  1    unexpected failure, or a question answered no (details on stderr and in DEFTLY_HOME/logs/deftly.log)
  2    bad input: the message on stderr says what to send instead (nothing was changed)
  3    partial: some files were imported and some were rejected or failed (see the report)
  130  interrupted (Ctrl-C)
`deftly hook` exits 1 instead of 2 or 3: Claude Code reads 2 as "block"."""

NEVER_RATED = "never rated"


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


def success_record(successes: int, failures: int) -> str:
    """How a procedure has done when agents rated it: "never rated", or "3/4 rated runs succeeded".

    Never the posterior mean: before any rating it is only the prior from the sessions it was
    learned from, and "60 % success" would claim a record nobody has seen.
    """
    runs = successes + failures
    return f"{successes}/{runs} rated run{'s' if runs != 1 else ''} succeeded" if runs else NEVER_RATED


def exit_code_for(total: int, rejected: int, failed: int) -> int:
    """0 when every input went through, 2 when every one was rejected as bad input, else 3 if any did not."""
    if total and rejected == total:
        return EXIT_BAD_INPUT
    return EXIT_PARTIAL if rejected or failed else EXIT_OK
