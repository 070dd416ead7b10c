"""``deftly demo``: a fresh user's first command — offline, quick, in a temporary home, never theirs."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from deftly_support import claude_mcp_add, deftly_command, server_env

pytestmark = pytest.mark.slow

EXAMPLE_TOOLS = ("cancel_reservation", "apply_patch", "github_create_issue", "Edit")


def test_demo_learns_from_the_examples_searches_and_says_how_to_connect(tmp_path: Path) -> None:
    users_home = tmp_path / "my-deftly"
    env = server_env(users_home, ANTHROPIC_API_KEY="sk-ant-not-a-real-key", DEFTLY_EXTRACTOR="claude")

    started = time.monotonic()
    done = subprocess.run([*deftly_command(), "demo"], capture_output=True, text=True, env=env, timeout=120)
    seconds = time.monotonic() - started

    assert done.returncode == 0, done.stderr
    assert seconds < 30, f"the demo took {seconds:.1f} s"
    out = done.stdout
    for name in ("airline-cancel.json", "claude-code-release.jsonl", "codex-dependency-bump.jsonl"):
        assert f"{name} (" in out and "): completed" in out
    assert out.count("\n## ") == 5, "four procedures, then the search result"
    for tool in EXAMPLE_TOOLS:
        assert tool in out
    search = out.split("What an agent gets from find_procedure")[1]
    assert "cancel_reservation" in search.split("4. Use it for real")[0]
    assert "claude mcp add" in out and "claude_desktop_config.json" in out and "install claude-code" in out
    [claude] = [line.split("Claude Code:", 1)[1].strip() for line in out.splitlines() if "claude mcp add" in line]
    positional, options = claude_mcp_add(claude)
    assert positional[0] == "deftly" and positional[-1] == "serve", "the name first: --env would swallow it"
    assert options["--env"] == [f"DEFTLY_HOME={users_home}"]
    assert str(users_home) in out, "connect instructions point at the user's own home"
    assert "install claude-code --user --init" in out and " import --init " in out, "that home does not exist yet"
    assert not users_home.exists(), "the demo never writes into the user's DEFTLY_HOME"
    assert "anthropic" not in done.stderr.lower(), "the demo extracts offline even when a key is set"


def test_demo_keep_leaves_its_home_to_explore(tmp_path: Path) -> None:
    done = subprocess.run(
        [*deftly_command(), "demo", "--keep"], capture_output=True, text=True, env=server_env(tmp_path), timeout=120
    )

    assert done.returncode == 0, done.stderr
    kept = Path(done.stdout.rsplit("DEFTLY_HOME=", 1)[1].strip())
    try:
        assert (kept / "lancedb").is_dir()
    finally:
        shutil.rmtree(kept, ignore_errors=True)
