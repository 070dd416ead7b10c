"""Deciding from a tool result's text alone whether the call failed (for formats with no error flag).

Conservative on purpose: a false "failed" drops a real step from a procedure,
so only patterns that almost always mean failure count.
"""

from __future__ import annotations

import json
import re

_PREFIXES = (
    "error",
    "exception",
    "traceback (most recent call last)",
    "failed",
    "failure:",
    "fatal:",
    "invalid",
    "not found",
    "permission denied",
    "access denied",
    "enoent",
    "eacces",
    "unauthorized",
    "forbidden",
    "an error occurred",
    "<tool_use_error>",
)
_PATTERNS = [
    re.compile(r"\bis not a valid tool\b", re.IGNORECASE),
    re.compile(r"^\s*(?:http(?:/[\d.]+)?\s+)?[45]\d\d\b(?:\s+[A-Z][a-z]+)+", re.MULTILINE),
    re.compile(r"\bstatus(?:[ _]?code)?[\"']?\s*[:=]\s*[\"']?[45]\d\d\b", re.IGNORECASE),
    re.compile(r"\b(?:exit code|exit status|exited with code)\s*[:=]?\s*[1-9]\d*\b", re.IGNORECASE),
    re.compile(r"^\s*\w+(?:Error|Exception): ", re.MULTILINE),
    re.compile(r"\bcommand not found\b", re.IGNORECASE),
    re.compile(r"\bno such file or directory\b", re.IGNORECASE),
]
_NOT_FOUND_SHORT = re.compile(r"\b(?:not found|does not exist|doesn't exist)\b", re.IGNORECASE)
_MAX_REASON = 200


def failure_reason(content: str) -> str | None:
    """The reason a result looks like a failure, or None when it looks like a success."""
    text = content.strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered.startswith(_PREFIXES):
        return _first_line(text)
    json_error = _json_error(text)
    if json_error:
        return json_error
    if len(text) <= 200 and _NOT_FOUND_SHORT.search(text):
        return _first_line(text)
    for pattern in _PATTERNS:
        match = pattern.search(text[:4000])
        if match:
            return _first_line(text[match.start() :])
    return None


def _json_error(text: str) -> str | None:
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    exit_code = _exit_code(value)
    if exit_code:  # {"exit_code": 1, "stdout": "", "stderr": "npm ERR! code ERESOLVE ..."}
        said = value.get("stderr") or value.get("output") or value.get("stdout") or ""
        return _first_line(f"exit code {exit_code}: {said}" if said else f"exit code {exit_code}")
    error = value.get("error") or value.get("errors")
    if error in (None, False, "", [], {}):
        return None
    if isinstance(error, dict):
        error = error.get("message") or error.get("type") or json.dumps(error)
    return _first_line(str(error))


def _exit_code(value: dict[str, object]) -> int:
    """A command result's non-zero exit code, at the top or in its ``metadata`` (Codex); 0 if none."""
    for where in (value, value.get("metadata")):
        if isinstance(where, dict):
            for key in ("exit_code", "exitCode", "returncode", "return_code", "exit_status"):
                code = where.get(key)
                if isinstance(code, int) and not isinstance(code, bool) and code != 0:
                    return code
    return 0


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else text
    return line[:_MAX_REASON]
