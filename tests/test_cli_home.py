"""A DEFTLY_HOME (or --home) that does not exist is a typo until proven otherwise: never created silently.

Commands refuse it and say how to create it (``--init``); ``serve`` creates it with a warning, because an MCP
client's config names a home that does not exist yet on its first start; the platform's default home is
created without a word.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from deftly_support import cancel_trace, deftly_command, server_env

from deftly.server.cli.main import main
from deftly.server.cli.output import EXIT_BAD_INPUT, EXIT_OK


@pytest.fixture
def misspelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "deftly-hmoe"
    monkeypatch.setenv("DEFTLY_HOME", str(home))
    return home


@pytest.fixture
def trace_file(tmp_path: Path) -> Path:
    path = tmp_path / "cancel.json"
    path.write_text(json.dumps(cancel_trace()), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "argv",
    [["stats"], ["list"], ["search", "cancel a reservation"], ["show", "some-id"], ["forget", "some-id", "--yes"]],
)
def test_reading_commands_refuse_a_missing_home_and_create_nothing(
    capsys: pytest.CaptureFixture[str], misspelled: Path, argv: list[str]
) -> None:
    code = main(argv)

    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert f"DEFTLY_HOME {misspelled} does not exist" in err and "misspelled" in err
    assert "deftly import --init" in err
    assert not misspelled.exists()


def test_import_needs_init_to_create_a_home(
    capsys: pytest.CaptureFixture[str], misspelled: Path, trace_file: Path
) -> None:
    assert main(["import", str(trace_file)]) == EXIT_BAD_INPUT
    assert "does not exist; pass --init to create it" in capsys.readouterr().err
    assert not misspelled.exists()

    assert main(["import", "--init", str(trace_file), "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["completed"] == 1
    assert (misspelled / "lancedb").is_dir()

    assert main(["stats"]) == EXIT_OK, "once it exists, every command uses it"


def test_the_home_flag_is_named_when_it_is_the_one_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    assert main(["stats", "--home", str(missing)]) == EXIT_BAD_INPUT
    assert f"--home {missing} does not exist" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform != "linux", reason="moves the platform's data dir with XDG_DATA_HOME")
def test_the_default_home_is_created_without_a_word(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "platform-data"))
    monkeypatch.delenv("DEFTLY_HOME")
    default = tmp_path / "platform-data" / "deftly"

    assert main(["stats", "--json"]) == EXIT_OK
    captured = capsys.readouterr()
    assert json.loads(captured.out)["home"] == str(default)
    assert captured.err == ""
    assert (default / "lancedb").is_dir()


def test_hook_reports_a_missing_home_as_a_non_blocking_error(
    capsys: pytest.CaptureFixture[str], misspelled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = main(["hook", "claude-code"])

    assert code == 1, "Claude Code reads 2 as 'block'"
    assert "does not exist" in capsys.readouterr().err
    assert not misspelled.exists()


@pytest.mark.slow
@pytest.mark.parametrize("init", [False, True])
def test_serve_creates_a_missing_home_and_warns_unless_told_to(tmp_path: Path, init: bool) -> None:
    home = tmp_path / "first-start"
    args = [*deftly_command(), "serve", *(["--init"] if init else [])]

    # stdin at EOF: the client went away at once, so the server starts and stops.
    done = subprocess.run(args, env=server_env(home), stdin=subprocess.DEVNULL, capture_output=True, timeout=120)

    assert done.returncode == EXIT_OK, done.stderr
    assert (home / "lancedb").is_dir()
    warned = f"DEFTLY_HOME {home} does not exist; creating an empty memory there" in done.stderr.decode()
    assert warned is not init
