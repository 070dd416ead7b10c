"""``deftly import`` of agents' own session folders: Claude Code, Codex, OpenClaw, Copilot; skipped by hash when
unchanged."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from claude_code_sessions import (
    FLAG_CALLS,
    FLAG_REPLY,
    FLAG_REQUEST,
    PROJECT_DIR,
    RELEASE_CALLS,
    RELEASE_REPLY,
    RELEASE_REQUEST,
    Transcript,
)
from deftly_support import deftly_command, open_db, server_env

from deftly.server.hosts.agent_homes import agent_sessions, session_name, trace_files
from deftly.server.storage.store import LanceStore

FIXTURES = Path(__file__).parent / "formats" / "fixtures"
RELEASE_SESSION = "11111111-2222-4333-8444-555555555555"
FLAG_SESSION = "66666666-7777-4888-9999-aaaaaaaaaaaa"
COPILOT_SESSION = "0b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e"


@pytest.fixture
def user_home(tmp_path: Path) -> Path:
    """A home folder with Claude Code, Codex, OpenClaw and Copilot sessions laid out as those agents write them."""
    home = tmp_path / "me"
    projects = home / ".claude" / "projects"
    Transcript(RELEASE_SESSION).task(RELEASE_REQUEST, RELEASE_CALLS, RELEASE_REPLY).write(
        projects / PROJECT_DIR / f"{RELEASE_SESSION}.jsonl"
    )
    Transcript(FLAG_SESSION).task(FLAG_REQUEST, FLAG_CALLS, FLAG_REPLY).write(
        projects / "-home-lee-other" / f"{FLAG_SESSION}.jsonl"
    )
    subagent = projects / PROJECT_DIR / RELEASE_SESSION / "subagents" / "agent-a7f3.jsonl"
    Transcript(RELEASE_SESSION).task(FLAG_REQUEST, FLAG_CALLS, FLAG_REPLY).write(subagent)
    (projects / PROJECT_DIR / "notes.txt").write_text("not a session")
    rollout = home / ".codex" / "sessions" / "2026" / "07" / "21" / "rollout-2026-07-21T16-00-00-01981c2d.jsonl"
    rollout.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "codex__rollout.jsonl", rollout)
    (home / ".codex" / "config.toml").write_text('model = "gpt-5-codex"\n')
    agent_sessions_dir = home / ".openclaw" / "agents" / "main" / "sessions"
    agent_sessions_dir.mkdir(parents=True)
    shutil.copy(FIXTURES / "openclaw__session.jsonl", agent_sessions_dir / "5d1e9a70.jsonl")
    (agent_sessions_dir / "sessions.json").write_text("{}")
    copilot_session = home / ".copilot" / "session-state" / COPILOT_SESSION
    copilot_session.mkdir(parents=True)
    shutil.copy(FIXTURES / "copilot__session.jsonl", copilot_session / "events.jsonl")
    (copilot_session / "workspace.yaml").write_text("cwd: /home/lee/shop-api\n")
    (home / ".copilot" / "config.json").write_text("{}")
    return home


def run_import(home: Path, *paths: Path, code: int = 0, **env: str) -> dict[str, Any]:
    done = subprocess.run(
        [*deftly_command(), "import", *map(str, paths), "--json"],
        capture_output=True,
        text=True,
        env=server_env(home, **env),
        timeout=300,
    )
    assert done.returncode == code, done.stderr
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


def by_source(summary: dict[str, Any]) -> dict[str, list[str]]:
    sources: dict[str, list[str]] = {}
    for result in summary["results"]:
        sources.setdefault(result["source"], []).append(Path(result["path"]).name)
    return sources


@pytest.mark.slow
def test_imports_every_agent_home_then_skips_unchanged_files(user_home: Path, deftly_home: Path) -> None:
    first = run_import(deftly_home, user_home)

    assert by_source(first) == {
        "claude-code": [f"{RELEASE_SESSION}.jsonl", f"{FLAG_SESSION}.jsonl"],
        "codex": ["rollout-2026-07-21T16-00-00-01981c2d.jsonl"],
        "openclaw": ["5d1e9a70.jsonl"],
        "copilot": ["events.jsonl"],
    }, "sub-agent transcripts, notes and config files are not sessions"
    assert {r["format"] for r in first["results"]} == {"claude-code", "codex", "openclaw", "copilot"}
    # The Codex session ends with the tests still failing: read, imported, and rightly not learned.
    [codex] = [r for r in first["results"] if r["source"] == "codex"]
    assert codex["status"] == "skipped" and "last attempt failed" in codex["reason"]
    assert first["completed"] == 4 and first["procedures"] >= 4
    claude = [r for r in first["results"] if r["source"] == "claude-code"]
    assert sorted(r["session_id"] for r in claude) == sorted([RELEASE_SESSION, FLAG_SESSION])
    [copilot] = [r for r in first["results"] if r["source"] == "copilot"]
    assert copilot["session_id"] == COPILOT_SESSION, "Copilot names the session by its folder"

    second = run_import(deftly_home, user_home)

    assert (second["unchanged"], second["completed"], second["procedures"]) == (5, 0, 0)

    grown = user_home / ".claude" / "projects" / "-home-lee-other" / f"{FLAG_SESSION}.jsonl"
    Transcript(FLAG_SESSION).task(FLAG_REQUEST, FLAG_CALLS, FLAG_REPLY).task(
        RELEASE_REQUEST, RELEASE_CALLS, RELEASE_REPLY
    ).write(grown)
    third = run_import(deftly_home, user_home)

    assert (third["unchanged"], third["completed"]) == (4, 1)
    traces = LanceStore(open_db(deftly_home), "default").list_traces()
    assert len(traces) == 5, "the grown session updated its trace"


@pytest.mark.slow
def test_a_file_over_the_size_limit_is_rejected_before_it_is_read(user_home: Path, deftly_home: Path) -> None:
    summary = run_import(deftly_home, user_home / ".codex", code=2, DEFTLY_MAX_TRACE_BYTES="1024")

    [result] = summary["results"]
    assert result["status"] == "error"
    assert result["reason"].startswith("the file is 3.9 KB, over the 1.0 KB limit (DEFTLY_MAX_TRACE_BYTES)")


@pytest.mark.parametrize(
    ("entry", "sources"),
    [
        (".", {"claude-code": 2, "codex": 1, "openclaw": 1, "copilot": 1}),
        (".claude", {"claude-code": 2}),
        (".claude/projects", {"claude-code": 2}),
        (f".claude/projects/{PROJECT_DIR}", {"claude-code": 1}),
        (".codex/sessions/2026", {"codex": 1}),
        (".openclaw/agents", {"openclaw": 1}),
        (".openclaw/agents/main/sessions", {"openclaw": 1}),
        (".copilot", {"copilot": 1}),
        (f".copilot/session-state/{COPILOT_SESSION}", {"copilot": 1}),
    ],
)
def test_detects_the_home_from_any_folder_of_it(user_home: Path, entry: str, sources: dict[str, int]) -> None:
    found = agent_sessions(user_home / entry)

    assert found is not None
    counts: dict[str, int] = {}
    for item in found:
        assert item.format == item.source
        counts[item.source] = counts.get(item.source, 0) + 1
    assert counts == sources


def test_a_copied_home_under_another_name_is_recognised(user_home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "backup-of-claude"
    shutil.copytree(user_home / ".claude", copy)

    found = agent_sessions(copy)

    assert found is not None and {f.source for f in found} == {"claude-code"} and len(found) == 2


def test_any_other_folder_takes_every_trace_file(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[]")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.ndjson").write_text("")
    (tmp_path / "c.txt").write_text("")

    assert agent_sessions(tmp_path) is None
    assert [f.path.name for f in trace_files([tmp_path])] == ["a.json", "b.ndjson"]
    assert {f.format for f in trace_files([tmp_path])} == {None}


def test_a_session_is_named_by_its_file_or_by_its_folder_when_the_file_name_is_fixed() -> None:
    assert session_name(Path("/me/.claude/projects/p/1111-2222.jsonl")) == "1111-2222"
    assert session_name(Path("/me/.copilot/session-state/0b9e-8d7c/events.jsonl")) == "0b9e-8d7c"
    assert session_name(Path("/me/.copilot/session-state/0b9e-8d7c.jsonl")) == "0b9e-8d7c"
