"""The README stays true: every setting documented with its variable and default; CI runs the documented tests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from deftly_support import claude_mcp_add

from deftly.server.settings import Settings
from deftly.server.version import DISTRIBUTION

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


UVX_SERVE = ["--from", DISTRIBUTION, "deftly", "serve"]


def test_claude_desktop_example_runs_the_published_package_with_a_home() -> None:
    config = json.loads((REPO_ROOT / "claude_desktop_config.example.json").read_text(encoding="utf-8"))

    server = config["mcpServers"]["deftly"]
    assert (server["command"], server["args"]) == ("uvx", UVX_SERVE)
    assert "DEFTLY_HOME" in server["env"]
    assert json_blocks("Use it from Claude Desktop") == [config]


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


def test_cursor_and_vs_code_examples_run_the_published_package_with_a_home() -> None:
    cursor, vscode = json_blocks("Use it from Cursor or VS Code")

    for server in (cursor["mcpServers"]["deftly"], vscode["servers"]["deftly"]):
        assert (server["command"], server["args"]) == ("uvx", UVX_SERVE)
        assert "DEFTLY_HOME" in server["env"]
    assert vscode["servers"]["deftly"]["type"] == "stdio"
    assert ".cursor/mcp.json" in README and ".vscode/mcp.json" in README


def readme_commands(program: str) -> list[str]:
    """Every command line of the README that starts with ``program`` (continuation lines joined)."""
    text = README.replace("\\\n", " ")
    found = [m.strip() for m in re.findall(rf"(?m)^\s*({re.escape(program)} .*)$", text)]
    found += [" ".join(m.split()) for m in re.findall(rf"`({re.escape(program)} [^`]*)`", text, flags=re.DOTALL)]
    return found


def test_every_claude_mcp_add_names_the_server_before_its_options() -> None:
    commands = readme_commands("claude mcp add")

    assert len(commands) >= 3, commands
    for command in commands:
        positional, options = claude_mcp_add(command)
        assert command.split()[3] == "deftly", f"the name must follow `add`: {command}"
        assert positional[0] == "deftly", command
        assert all(re.fullmatch(r"[A-Z_]+=\S+", value) for value in options.get("--env", [])), command
        if "--transport" not in options:  # stdio: the server's command after `--`
            assert positional[-1] == "serve" and "--" in command.split(), command


def test_the_demo_prints_a_claude_command_that_parses(tmp_path: Path) -> None:
    from deftly.server.cli.demo import claude_code_command

    home = tmp_path / "my memory"
    command = claude_code_command("/opt/deftly/bin/deftly", home)

    positional, options = claude_mcp_add(command)
    assert positional == ["deftly", "/opt/deftly/bin/deftly", "serve"]
    assert options == {"--scope": ["user"], "--env": [f"DEFTLY_HOME={home}"]}


def test_the_parser_catches_the_old_order() -> None:
    positional, options = claude_mcp_add("claude mcp add --scope user --env DEFTLY_HOME=/d deftly -- deftly serve")

    assert options["--env"] == ["DEFTLY_HOME=/d", "deftly"], "--env swallows the name"
    assert positional[0] != "deftly" or len(positional) == 2


def test_the_readme_names_the_distribution_it_installs() -> None:
    assert f"uv tool install {DISTRIBUTION}" in README and f"pipx install {DISTRIBUTION}" in README
    assert f"uvx --from {DISTRIBUTION} deftly serve" in README
