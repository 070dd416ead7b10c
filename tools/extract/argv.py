"""A command given as an argument vector (Codex's ``shell`` tool: ``["bash", "-lc", "kubectl -n x scale …"]``) read
as the command line it runs, so its program, subcommand and options say what the step did, as a string does."""

from __future__ import annotations

import shlex
from typing import Any

from deftly.tools.trace import ToolCall, Trace
from deftly.tools.values import COMMAND_KEYS

_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "/bin/bash", "/bin/sh", "/bin/zsh", "/usr/bin/bash", "pwsh"})
_SCRIPT_FLAGS = frozenset({"-c", "-lc", "-ic", "-lic", "-cl", "-Command", "-command"})


def with_command_lines(trace: Trace) -> Trace:
    """The trace with each argument-vector command as its command line; the same trace if none is one."""
    turns = [_with_command_line(turn) if isinstance(turn, ToolCall) else turn for turn in trace.turns]
    if all(new is old for new, old in zip(turns, trace.turns, strict=True)):
        return trace
    return trace.model_copy(update={"turns": turns})


def _with_command_line(call: ToolCall) -> ToolCall:
    changed = {k: command_line(v) for k, v in call.arguments.items() if k.lower() in COMMAND_KEYS and _argv(v)}
    return call.model_copy(update={"arguments": {**call.arguments, **changed}}) if changed else call


def command_line(argv: list[str]) -> str:
    """``["bash", "-lc", "git status"]`` -> ``git status``; ``["git", "log", "-3"]`` -> ``git log -3``."""
    if len(argv) >= 3 and argv[0] in _SHELLS and argv[1] in _SCRIPT_FLAGS:
        return " ".join(argv[2:])
    return shlex.join(argv)


def _argv(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)
