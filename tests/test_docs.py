"""The README stays true: every setting documented with its variable and default; CI runs the documented tests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from deftly.server.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = ".venv/bin/pytest -q"


def settings_row(field: str) -> str:
    rows = [line for line in README.splitlines() if line.startswith(f"| `{field}` |")]
    assert len(rows) == 1, f"README's settings table needs exactly one row for {field}"
    return rows[0]


@pytest.mark.parametrize("field", list(Settings.model_fields))
def test_every_setting_is_documented_with_its_variable_and_default(field: str) -> None:
    row = settings_row(field)
    info = Settings.model_fields[field]

    assert f"`DEFTLY_{field.upper()}`" in row
    if info.default is None:
        assert "unset" in row
    elif info.default_factory is None:
        assert f"`{info.default}`" in row


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert f"&& {TEST_COMMAND}\n" in README, "the Quickstart's test command"
    assert f"\n{TEST_COMMAND}\n" in ci


def test_claude_desktop_example_runs_the_console_script_with_a_home() -> None:
    config = json.loads((REPO_ROOT / "claude_desktop_config.example.json").read_text(encoding="utf-8"))

    server = config["mcpServers"]["deftly"]
    assert server["command"].endswith("/.venv/bin/deftly") and server["command"].startswith("/")
    assert server["args"] == ["serve"]
    assert "DEFTLY_HOME" in server["env"]


def json_blocks(section: str = "") -> list[dict[str, Any]]:
    """The JSON code blocks of the README, or of one of its ``## `` sections."""
    text = README.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0] if section else README
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)]


def test_the_quickstart_runs_the_demo_first() -> None:
    quickstart = README.split("## Quickstart", 1)[1]
    commands = re.findall(r"```bash\n(.*?)```", quickstart.split("Try it from the shell", 1)[0], flags=re.DOTALL)

    assert [c.strip() for c in commands] == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/deftly demo",
        f'.venv/bin/pip install -e ".[test]" && npm ci && {TEST_COMMAND}',
    ]


def test_the_hook_snippet_is_what_install_writes() -> None:
    from deftly.server.hosts.install import with_deftly_hooks

    [snippet] = [block for block in json_blocks() if "hooks" in block]

    assert snippet == with_deftly_hooks({}, "deftly hook claude-code")


def test_cursor_and_vs_code_examples_run_the_console_script_with_a_home() -> None:
    cursor, vscode = json_blocks("Use it from Cursor or VS Code")

    for server in (cursor["mcpServers"]["deftly"], vscode["servers"]["deftly"]):
        assert server["command"].endswith("/.venv/bin/deftly") and server["args"] == ["serve"]
        assert "DEFTLY_HOME" in server["env"]
    assert vscode["servers"]["deftly"]["type"] == "stdio"
    assert ".cursor/mcp.json" in README and ".vscode/mcp.json" in README
