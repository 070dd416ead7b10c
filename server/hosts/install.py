"""``deftly install claude-code``: add deftly's hooks to a Claude Code settings file, keeping everything else.

The hook entries run ``deftly hook claude-code`` on ``SessionEnd`` and ``PreCompact``.
An entry deftly wrote before (its command runs ``hook claude-code``) is updated in place;
every other hook, matcher and setting is left as it was.
"""

from __future__ import annotations

import json
import shlex
from datetime import datetime
from pathlib import Path
from typing import Any

from deftly.tools.errors import InvalidInput

HOOK_EVENTS = ("SessionEnd", "PreCompact")
HOOK_ARGS = ("hook", "claude-code")
# Claude Code gives SessionEnd hooks 1.5 s unless the hook sets a timeout; the hook returns well
# within that, and the timeout only matters for a very long transcript.
HOOK_TIMEOUT_SECONDS = 30


def settings_path(*, project: Path | None, user: bool) -> Path:
    if user:
        return Path.home() / ".claude" / "settings.json"
    return (project or Path.cwd()).resolve() / ".claude" / "settings.json"


def hook_command(program: list[str], home: Path, namespace: str = "default") -> str:
    """The shell command Claude Code runs: absolute paths and the home (and namespace) named, since
    hooks run with Claude Code's environment, not the one deftly was configured in."""
    words = [*program, *HOOK_ARGS, "--home", str(home)]
    if namespace != "default":
        words += ["--namespace", namespace]
    return " ".join(shlex.quote(word) for word in words)


def read_settings(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        return {}
    try:
        settings = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"{path} is not valid JSON ({exc}); fix it first. Nothing was changed.") from exc
    if not isinstance(settings, dict):
        raise InvalidInput(f"{path} must hold a JSON object; fix it first. Nothing was changed.")
    return settings


def with_deftly_hooks(settings: dict[str, Any], command: str) -> dict[str, Any]:
    """``settings`` plus deftly's hook on each event (a copy; the input is not modified)."""
    merged: dict[str, Any] = json.loads(json.dumps(settings))
    hooks = merged.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise InvalidInput('the settings\' "hooks" value is not an object; fix it first. Nothing was changed.')
    entry = {"type": "command", "command": command, "timeout": HOOK_TIMEOUT_SECONDS}
    for event in HOOK_EVENTS:
        groups = hooks.setdefault(event, [])
        if not isinstance(groups, list):
            raise InvalidInput(f'the settings\' hooks["{event}"] is not a list; fix it first. Nothing was changed.')
        if not _replace_own(groups, entry):
            groups.append({"hooks": [entry]})
    return merged


def _replace_own(groups: list[Any], entry: dict[str, Any]) -> bool:
    """Update deftly's entry if one of the groups has it; say whether one did."""
    for group in groups:
        for index, hook in enumerate(group.get("hooks", []) if isinstance(group, dict) else []):
            if isinstance(hook, dict) and is_deftly_hook(str(hook.get("command", ""))):
                group["hooks"][index] = entry
                return True
    return False


def is_deftly_hook(command: str) -> bool:
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    return any(
        (Path(word).name.startswith("deftly") or word == "deftly.server") and tuple(words[i + 1 : i + 3]) == HOOK_ARGS
        for i, word in enumerate(words)
    )


def write_settings(path: Path, settings: dict[str, Any], *, now: datetime) -> Path | None:
    """Write ``settings``; the previous file, if any, is kept next to it. Returns the backup's path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if path.exists():
        backup = path.with_name(f"{path.name}.bak-{now:%Y%m%d-%H%M%S}")
        taken = 1
        while backup.exists():
            taken += 1
            backup = path.with_name(f"{path.name}.bak-{now:%Y%m%d-%H%M%S}-{taken}")
        backup.write_bytes(path.read_bytes())
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)
    return backup
