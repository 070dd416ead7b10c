"""Log lines go to DEFTLY_HOME/logs/deftly.log (0600); stderr gets warnings and errors, or everything with -v.

Never over a progress bar: a warning logged while rich shows one is printed above it.
"""

from __future__ import annotations

import io
import json
import logging
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from deftly_support import cancel_trace, deftly_command, server_env
from rich.console import Console
from rich.progress import Progress

from deftly.server.cli.logs import command_logging, log_path

LOADED = "embedding model"  # the INFO line every command that embeds logs once


@pytest.fixture
def trace_file(tmp_path: Path) -> Path:
    path = tmp_path / "cancel.json"
    path.write_text(json.dumps(cancel_trace()), encoding="utf-8")
    return path


def deftly(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*deftly_command(), *argv], env=server_env(home), capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_a_command_logs_to_its_file_not_to_the_terminal(deftly_home: Path, trace_file: Path) -> None:
    done = deftly(deftly_home, "import", str(trace_file))

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert LOADED in log_path(deftly_home).read_text(encoding="utf-8")
    if sys.platform != "win32":
        assert stat.S_IMODE(log_path(deftly_home).stat().st_mode) == 0o600
        assert stat.S_IMODE(log_path(deftly_home).parent.stat().st_mode) == 0o700


@pytest.mark.slow
def test_verbose_also_logs_to_stderr(deftly_home: Path) -> None:
    done = deftly(deftly_home, "search", "cancel a reservation", "-v")

    assert done.returncode == 0, done.stderr
    assert f"INFO deftly.server.background.embedding: {LOADED}" in done.stderr
    assert LOADED not in done.stdout


def test_warnings_reach_stderr_without_verbose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with command_logging(tmp_path, "INFO", verbose=False):
        logging.getLogger("deftly.test").warning("the disk is almost full")
        logging.getLogger("deftly.test").info("a detail for the log file")

    err = capsys.readouterr().err
    assert "the disk is almost full" in err and "a detail" not in err
    logged = log_path(tmp_path).read_text(encoding="utf-8")
    assert "the disk is almost full" in logged and "a detail for the log file" in logged


def test_a_warning_during_a_progress_bar_is_printed_above_it(tmp_path: Path) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=200)

    with command_logging(tmp_path, "INFO", verbose=False), Progress(console=console) as progress:
        task = progress.add_task("importing", total=2)
        logging.getLogger("deftly.test").warning("one file was unreadable")
        progress.advance(task)

    # rich swaps sys.stderr for a proxy that prints above the bar; the handler must write through it.
    assert "one file was unreadable" in screen.getvalue()


def test_the_log_file_is_kept_small(tmp_path: Path) -> None:
    path = log_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * (6 * 1024 * 1024))

    with command_logging(tmp_path, "INFO", verbose=False):
        logging.getLogger("deftly.test").info("fresh")

    assert path.read_text(encoding="utf-8").count("\n") == 1
    assert path.with_name(path.name + ".1").stat().st_size == 6 * 1024 * 1024
