"""The MCP Inspector CLI (npm, pinned in package.json) as an external client of ``deftly serve`` over stdio.

Needs Node.js >= 22.19 (the Inspector's declared minimum, repeated as ``engines`` in package.json). Skipped
when node/npx or the installed inspector is missing, unless DEFTLY_REQUIRE_INSPECTOR=1 (CI sets it). An
older Node is tried all the same (20.20 runs it); a failure then says which Node it needs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from deftly_support import cancel_trace, deftly_command, server_env

from deftly.server.cli.main import main

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
INSPECTOR_PACKAGE = REPO_ROOT / "node_modules" / "@modelcontextprotocol" / "inspector"
EXIT_TOOL_IS_ERROR = 5
NODE_NEEDED = (22, 19)


def node_version() -> tuple[int, ...] | None:
    node = shutil.which("node")
    if node is None:
        return None
    done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    return tuple(int(part) for part in done.stdout.strip().lstrip("v").split(".")[:2] if part.isdigit())


def node_requirement() -> str:
    """The Node the Inspector needs, and what this machine has; said with any skip or failure."""
    found = node_version()
    have = "no node on PATH" if found is None else "node v" + ".".join(map(str, found))
    needed = ".".join(map(str, NODE_NEEDED))
    return f"the MCP Inspector needs Node.js >= {needed} (package.json engines); this machine has {have}"


def node_is_supported() -> bool:
    found = node_version()
    return found is not None and found >= NODE_NEEDED


@pytest.fixture(autouse=True)
def require_inspector() -> None:
    missing = []
    if shutil.which("npx") is None:
        missing.append(f"npx (install Node.js >= {'.'.join(map(str, NODE_NEEDED))} with npm)")
    if not INSPECTOR_PACKAGE.is_dir():
        missing.append(f"{INSPECTOR_PACKAGE} (run npm ci at the repo root)")
    if not missing:
        return
    message = "MCP Inspector unavailable: " + ", ".join(missing) + f" ({node_requirement()})"
    if os.environ.get("DEFTLY_REQUIRE_INSPECTOR") == "1":
        pytest.fail(message)
    pytest.skip(message)


def inspector(home: Path, tmp_path: Path, *method: str) -> subprocess.CompletedProcess[str]:
    """Run the inspector's CLI against ``deftly serve`` over stdio, passing DEFTLY_HOME through ``-e``."""
    # The inspector gives the server only a minimal environment, plus what -e names.
    server_vars = ["-e", f"DEFTLY_HOME={home}", "-e", "HF_HUB_OFFLINE=1"]
    args = ["npx", "--no-install", "mcp-inspector", "--cli", *server_vars, *deftly_command(), "serve", *method]
    env = {**server_env(home), "MCP_CATALOG_PATH": str(tmp_path / "inspector-catalog.json")}
    done = subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode not in (0, EXIT_TOOL_IS_ERROR) and not node_is_supported():
        done.stderr += f"\n(this may be why: {node_requirement()}; upgrade Node.js)"
    return done


def test_inspector_lists_the_tools(deftly_home: Path, tmp_path: Path) -> None:
    done = inspector(deftly_home, tmp_path, "--method", "tools/list")

    assert done.returncode == 0, done.stderr
    tools = {tool["name"]: tool for tool in json.loads(done.stdout)["tools"]}
    assert set(tools) == {"record_trace", "find_procedure", "get_procedure", "rate_procedure"}
    assert tools["find_procedure"]["annotations"]["readOnlyHint"] is True
    assert "outputSchema" in tools["get_procedure"]


def test_inspector_calls_find_procedure(deftly_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace_file = tmp_path / "cancel.json"
    trace_file.write_text(json.dumps(cancel_trace()))
    assert main(["import", str(trace_file), "--json"]) == 0
    [procedure_id] = json.loads(capsys.readouterr().out)["results"][0]["procedure_ids"]

    done = inspector(
        deftly_home,
        tmp_path,
        "--method",
        "tools/call",
        "--tool-name",
        "find_procedure",
        "--tool-arg",
        "query=cancel my reservation",
        "max_results=2",
    )

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["isError"] is False
    assert [hit["id"] for hit in result["structuredContent"]["procedures"]] == [procedure_id]


def test_inspector_sees_bad_arguments_as_a_tool_error(deftly_home: Path, tmp_path: Path) -> None:
    done = inspector(
        deftly_home,
        tmp_path,
        "--method",
        "tools/call",
        "--tool-name",
        "find_procedure",
        "--tool-arg",
        "query=cancel",
        "max_results=50",
    )

    assert done.returncode == EXIT_TOOL_IS_ERROR
    assert '"isError": true' in done.stdout
    assert "less than or equal to 10" in done.stdout


def test_inspector_verifies_the_served_skills(
    deftly_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The inspector's own SEP-2640 checks: the extension declared, each entry conformant, every digest and size
    matching the bytes ``resources/read`` returns, and the front matter matching the entry."""
    trace_file = tmp_path / "cancel.json"
    trace_file.write_text(json.dumps(cancel_trace()))
    assert main(["import", str(trace_file), "--json"]) == 0
    [procedure_id] = json.loads(capsys.readouterr().out)["results"][0]["procedure_ids"]

    done = inspector(deftly_home, tmp_path, "--method", "skills/list", "--verify", "--require-digests")

    assert done.returncode == 0, done.stdout + done.stderr
    [report] = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert report["uri"] == f"skill://{procedure_id}/SKILL.md"
    assert (report["ok"], report["outcome"], report["conformance"], report["frontmatter"]) == (True, "verified", [], [])
    assert [file["status"] for file in report["files"]] == ["verified"]
