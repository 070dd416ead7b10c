"""``deftly install claude-code`` through the real CLI: merges hooks into settings, keeps a backup, asks first."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from claude_code_sessions import RELEASE_CALLS, RELEASE_REPLY, RELEASE_REQUEST, Transcript, hook_payload, settled_trace
from deftly_support import deftly_command, server_env

pytestmark = pytest.mark.slow

EXISTING: dict[str, Any] = {
    "model": "opus",
    "permissions": {"allow": ["Bash(npm test:*)"]},
    "hooks": {
        "SessionEnd": [{"hooks": [{"type": "command", "command": "~/bin/notify-done.sh"}]}],
        "PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "ruff format"}]}],
    },
}


def install(
    home: Path, *args: str, answer: str = "", user_home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = server_env(home, **({"HOME": str(user_home)} if user_home else {}))
    return subprocess.run(
        [*deftly_command(), "install", "claude-code", *args],
        input=answer,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def write_settings(project: Path, settings: dict[str, Any]) -> Path:
    path = project / ".claude" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return path


def deftly_hooks(settings: dict[str, Any], event: str) -> list[dict[str, Any]]:
    return [h for group in settings["hooks"][event] for h in group["hooks"] if "hook claude-code" in h["command"]]


def test_merges_into_existing_settings_and_keeps_a_backup(tmp_path: Path, deftly_home: Path) -> None:
    path = write_settings(tmp_path, EXISTING)
    original = path.read_text(encoding="utf-8")

    done = install(deftly_home, "--project", str(tmp_path), "--yes")

    assert done.returncode == 0, done.stderr
    assert '"SessionEnd"' in done.stdout and "previous file is kept" in done.stdout
    settings = json.loads(path.read_text(encoding="utf-8"))
    assert settings["model"] == "opus" and settings["permissions"] == EXISTING["permissions"]
    assert settings["hooks"]["PostToolUse"] == EXISTING["hooks"]["PostToolUse"]
    assert settings["hooks"]["SessionEnd"][0] == EXISTING["hooks"]["SessionEnd"][0], "the user's own hook stays"
    for event in ("SessionEnd", "PreCompact"):
        [hook] = deftly_hooks(settings, event)
        assert hook["type"] == "command" and hook["timeout"] == 30
        assert str(deftly_home) in hook["command"]
    [backup] = path.parent.glob("settings.json.bak-*")
    assert backup.read_text(encoding="utf-8") == original


def test_installing_twice_changes_nothing(tmp_path: Path, deftly_home: Path) -> None:
    path = write_settings(tmp_path, EXISTING)
    assert install(deftly_home, "--project", str(tmp_path), "--yes").returncode == 0
    first = path.read_text(encoding="utf-8")

    again = install(deftly_home, "--project", str(tmp_path), "--yes")

    assert again.returncode == 0 and "nothing to change" in again.stdout
    assert path.read_text(encoding="utf-8") == first
    assert len(list(path.parent.glob("settings.json.bak-*"))) == 1
    for event in ("SessionEnd", "PreCompact"):
        assert len(deftly_hooks(json.loads(first), event)) == 1


def test_asks_before_writing(tmp_path: Path, deftly_home: Path) -> None:
    path = write_settings(tmp_path, EXISTING)
    original = path.read_text(encoding="utf-8")

    declined = install(deftly_home, "--project", str(tmp_path), answer="n\n")

    assert declined.returncode == 1 and "Nothing was changed" in declined.stderr
    assert "[y/N]" in declined.stdout and '"PreCompact"' in declined.stdout, "shows what it would write"
    assert path.read_text(encoding="utf-8") == original
    assert not list(path.parent.glob("settings.json.bak-*"))

    accepted = install(deftly_home, "--project", str(tmp_path), answer="y\n")
    assert accepted.returncode == 0
    assert deftly_hooks(json.loads(path.read_text(encoding="utf-8")), "PreCompact")


def test_user_scope_creates_the_settings_file(tmp_path: Path, deftly_home: Path) -> None:
    done = install(deftly_home, "--user", "--yes", user_home=tmp_path)

    assert done.returncode == 0, done.stderr
    settings = json.loads((tmp_path / ".claude" / "settings.json").read_text(encoding="utf-8"))
    assert set(settings["hooks"]) == {"SessionEnd", "PreCompact"}
    assert not list((tmp_path / ".claude").glob("settings.json.bak-*")), "no previous file, no backup"


def test_invalid_settings_are_left_alone(tmp_path: Path, deftly_home: Path) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"hooks": ', encoding="utf-8")

    done = install(deftly_home, "--project", str(tmp_path), "--yes")

    assert done.returncode == 2
    assert "not valid JSON" in done.stderr and "Nothing was changed" in done.stderr
    assert path.read_text(encoding="utf-8") == '{"hooks": '


def test_a_scope_is_required(deftly_home: Path) -> None:
    done = install(deftly_home, "--yes")

    assert done.returncode == 2 and "--project" in done.stderr and "--user" in done.stderr


def test_the_installed_command_records_a_session(tmp_path: Path, deftly_home: Path) -> None:
    assert install(deftly_home, "--project", str(tmp_path), "--yes").returncode == 0
    settings = json.loads((tmp_path / ".claude" / "settings.json").read_text(encoding="utf-8"))
    [hook] = deftly_hooks(settings, "SessionEnd")
    transcript = Transcript().task(RELEASE_REQUEST, RELEASE_CALLS, RELEASE_REPLY).write(tmp_path / "session.jsonl")
    # Claude Code runs the command through a shell, without DEFTLY_HOME: the command names the home itself.
    env = {k: v for k, v in server_env(deftly_home).items() if k != "DEFTLY_HOME"}

    done = subprocess.run(
        hook["command"],
        shell=True,
        input=hook_payload(transcript, "SessionEnd"),
        capture_output=True,
        text=True,
        env=env,
    )

    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert settled_trace(deftly_home).status == "completed"
