"""The README stays true: every setting documented with its variable and default; CI runs the documented tests."""

from __future__ import annotations

import json
from pathlib import Path

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
