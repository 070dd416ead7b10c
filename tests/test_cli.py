"""The ``deftly`` command line: import, search, show, stats, help, exit codes and settings precedence."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from deftly_support import address_trace, cancel_trace, deftly_command, open_db, server_env, snapshot

from deftly.server.cli.main import build_parser, main, settings_from
from deftly.server.cli.output import EXIT_BAD_INPUT, EXIT_OK, EXIT_PARTIAL
from deftly.server.storage.store import LanceStore

COMMANDS = ("serve", "import", "list", "search", "show", "stats", "export", "forget", "demo", "hook", "install")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, exit_code: int = EXIT_OK) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == exit_code, err
    return json.loads(out)


def write_trace(path: Path, messages: list[dict[str, Any]], *, jsonl: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(json.dumps(m) for m in messages) if jsonl else json.dumps(messages)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cancel_file(tmp_path: Path) -> Path:
    return write_trace(tmp_path / "traces" / "cancel-zfa04y.json", cancel_trace())


@pytest.fixture
def imported(capsys: pytest.CaptureFixture[str], cancel_file: Path) -> str:
    """The id of the procedure learned by importing the cancel trace."""
    summary = run_json(capsys, "import", str(cancel_file))
    [procedure_id] = summary["results"][0]["procedure_ids"]
    return str(procedure_id)


# --- help ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_console_script_help_lists_every_command(deftly_home: Path) -> None:
    done = subprocess.run([*deftly_command(), "--help"], capture_output=True, text=True, env=server_env(deftly_home))

    assert done.returncode == 0, done.stderr
    for command in COMMANDS:
        assert command in done.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])

    assert exited.value.code == 0
    assert f"usage: deftly {command}" in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)

    assert code == EXIT_BAD_INPUT
    assert "usage: deftly" in err


# --- import ----------------------------------------------------------------------------------------


def test_import_a_file_prints_a_json_summary(capsys: pytest.CaptureFixture[str], cancel_file: Path) -> None:
    summary = run_json(capsys, "import", str(cancel_file))

    assert (summary["files"], summary["completed"], summary["error"], summary["procedures"]) == (1, 1, 0, 1)
    [result] = summary["results"]
    assert result["session_id"] == "cancel-zfa04y", "session_id defaults to the file name without extension"
    assert (result["format"], result["status"]) == ("openai", "completed")
    assert result["resource_id"].startswith("tr_")


def test_import_a_directory_takes_every_trace_file_under_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    write_trace(folder / "cancel.json", cancel_trace())
    write_trace(folder / "nested" / "address.jsonl", address_trace(), jsonl=True)
    (folder / "README.txt").write_text("not a trace")

    summary = run_json(capsys, "import", str(folder))

    assert (summary["files"], summary["completed"], summary["procedures"]) == (2, 2, 2)
    assert sorted(r["session_id"] for r in summary["results"]) == ["address", "cancel"]


def test_import_reports_bad_files_and_keeps_the_good(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cancel_file: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"role": "user", "content": ')

    summary = run_json(capsys, "import", str(cancel_file), str(broken), exit_code=EXIT_PARTIAL)

    assert (summary["files"], summary["completed"], summary["error"]) == (2, 1, 1)
    bad = next(r for r in summary["results"] if r["path"] == str(broken))
    assert "not valid JSON" in bad["reason"]


def test_import_with_format_and_outcome(
    capsys: pytest.CaptureFixture[str], cancel_file: Path, deftly_home: Path
) -> None:
    summary = run_json(capsys, "import", str(cancel_file), "--format", "openai-chat", "--outcome", "failure")

    [result] = summary["results"]
    assert result["format"] == "openai"
    record = LanceStore(open_db(deftly_home), "default").get_trace(result["resource_id"])
    assert record is not None and record.outcome == "failure"


def test_import_prints_a_table_without_json(capsys: pytest.CaptureFixture[str], cancel_file: Path) -> None:
    code, out, _ = run(capsys, "import", str(cancel_file))

    assert code == EXIT_OK
    assert "cancel-zfa04y.json" in out
    assert "1 file(s): 1 completed" in out


# --- search, show, stats ---------------------------------------------------------------------------


def test_search_finds_the_imported_procedure(capsys: pytest.CaptureFixture[str], imported: str) -> None:
    result = run_json(capsys, "search", "cancel my reservation", "--limit", "2")
    assert [hit["id"] for hit in result["procedures"]] == [imported]

    code, out, _ = run(capsys, "search", "cancel my reservation")
    assert code == EXIT_OK
    assert imported in out and "1. " in out
    assert "never rated" in out and "%" not in out


def test_search_with_nothing_stored_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "deploy the service to kubernetes")

    assert code == EXIT_OK
    assert "No stored procedure fits" in out


def test_show_prints_the_procedure(capsys: pytest.CaptureFixture[str], imported: str) -> None:
    detail = run_json(capsys, "show", imported)
    assert detail["id"] == imported
    assert [s["tool"] for s in detail["steps"]] == ["get_reservation_details", "cancel_reservation"]
    assert detail["sources"] == ["cancel-zfa04y"]

    code, out, _ = run(capsys, "show", imported)
    assert code == EXIT_OK
    assert out.startswith("## ") and f"id {imported} · version 1" in out
    assert "never rated" in out and "%" not in out, "the prior mean is no success record"


def test_stats_counts_what_is_stored(capsys: pytest.CaptureFixture[str], imported: str, deftly_home: Path) -> None:
    stats = run_json(capsys, "stats")

    assert stats["procedures"] == 1
    assert stats["traces"]["completed"] == 1 and stats["traces"]["pending"] == 0
    assert (stats["home"], stats["namespace"], stats["ratings"]) == (str(deftly_home), "default", 0)
    assert stats["embedding_model"] == "deftly/all-MiniLM-L6-v2-int8"

    code, out, _ = run(capsys, "stats")
    assert code == EXIT_OK and "procedures" in out


# --- bad input -------------------------------------------------------------------------------------


def bad_invocations(tmp_path: Path, cancel_file: Path) -> dict[str, tuple[list[str], str]]:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    empty = tmp_path / "empty.json"
    empty.write_text("")
    (tmp_path / "no-traces").mkdir()
    return {
        # case: (argv, what stderr must say)
        "malformed JSON file": (["import", str(broken)], "not valid JSON"),
        "empty file": (["import", str(empty)], "history is empty"),
        "unknown format": (["import", str(cancel_file), "--format", "nope"], "unknown format 'nope'"),
        "missing path": (["import", str(tmp_path / "missing.json")], "no such file or directory"),
        "directory without traces": (["import", str(tmp_path / "no-traces")], "no trace files"),
        "unknown procedure id": (["show", "no-such-procedure"], "No procedure with id 'no-such-procedure'"),
        "unknown procedure id, said for a shell": (["show", "no-such-procedure"], "`deftly list` shows the ids"),
        "list limit out of range": (["list", "--limit", "0"], "--limit must be between 1 and"),
        "unknown version": (["show", "{id}", "--version", "9"], "has no version 9"),
        "limit out of range": (["search", "cancel", "--limit", "50"], "--limit must be between 1 and 10"),
        "blank query": (["search", "   "], "query is empty"),
        "bad namespace": (
            ["stats", "--namespace", "no spaces allowed"],
            "DEFTLY_NAMESPACE (--namespace) = 'no spaces allowed'",
        ),
        "bad outcome": (["import", str(cancel_file), "--outcome", "maybe"], "invalid choice: 'maybe'"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "malformed JSON file",
        "empty file",
        "unknown format",
        "missing path",
        "directory without traces",
        "unknown procedure id",
        "unknown procedure id, said for a shell",
        "list limit out of range",
        "unknown version",
        "limit out of range",
        "blank query",
        "bad namespace",
        "bad outcome",
    ],
)
def test_bad_input_exits_2_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cancel_file: Path, imported: str, deftly_home: Path, case: str
) -> None:
    argv, message = bad_invocations(tmp_path, cancel_file)[case]
    argv = [arg.replace("{id}", imported) for arg in argv]
    before = snapshot(open_db(deftly_home))

    try:
        code, _, err = run(capsys, *argv)
    except SystemExit as exited:  # argparse rejects bad choices itself, also with exit code 2
        code, err = int(exited.code or 0), capsys.readouterr().err

    assert code == EXIT_BAD_INPUT
    assert message in err
    assert snapshot(open_db(deftly_home)) == before


# --- settings --------------------------------------------------------------------------------------


def test_cli_flags_beat_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFTLY_PORT", "9000")
    monkeypatch.setenv("DEFTLY_HOST", "127.0.0.2")
    monkeypatch.setenv("DEFTLY_TRANSPORT", "sse")
    parser = build_parser()

    from_env = settings_from(parser.parse_args(["serve"]))
    from_flags = settings_from(parser.parse_args(["serve", "--port", "9100", "--transport", "streamable-http"]))

    assert (from_env.port, from_env.transport, from_env.host) == (9000, "sse", "127.0.0.2")
    assert (from_flags.port, from_flags.transport, from_flags.host) == (9100, "streamable-http", "127.0.0.2")


def test_namespace_flag_beats_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cancel_file: Path
) -> None:
    monkeypatch.setenv("DEFTLY_NAMESPACE", "from-env")

    run_json(capsys, "import", str(cancel_file), "--namespace", "from-flag")

    assert run_json(capsys, "stats", "--namespace", "from-flag")["procedures"] == 1
    env_stats = run_json(capsys, "stats")
    assert (env_stats["namespace"], env_stats["procedures"]) == ("from-env", 0)


def test_home_flag_beats_environment(capsys: pytest.CaptureFixture[str], tmp_path: Path, deftly_home: Path) -> None:
    elsewhere = tmp_path / "elsewhere"

    elsewhere.mkdir()

    stats = run_json(capsys, "stats", "--home", str(elsewhere))

    assert stats["home"] == str(elsewhere)
    assert (elsewhere / "lancedb").is_dir()
    assert not (deftly_home / "lancedb").exists()


def test_search_prints_the_query_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    # Rich would swallow "[bold]" as markup if the message were printed as markup.
    code, out, _ = run(capsys, "search", "restart [bold] nginx")

    assert code == EXIT_OK
    assert "restart [bold] nginx" in out


# --- exit codes and errors -------------------------------------------------------------------------


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])

    out = capsys.readouterr().out
    for line in ("0    success", "1    unexpected failure", "2    bad input", "3    partial", "130  interrupted"):
        assert line in out


def test_an_import_where_every_file_was_rejected_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")

    summary = run_json(capsys, "import", str(broken), exit_code=EXIT_BAD_INPUT)

    assert (summary["files"], summary["error"]) == (1, 1)


def test_a_setting_that_is_not_json_is_one_line_saying_what_to_set(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFTLY_ALLOWED_ORIGINS", "https://app.example.com")

    code, _, err = run(capsys, "stats")

    assert code == EXIT_BAD_INPUT
    assert err.strip().splitlines() == [
        """deftly: DEFTLY_ALLOWED_ORIGINS is not valid JSON; give a JSON list, e.g. """
        """DEFTLY_ALLOWED_ORIGINS='["first", "second"]'."""
    ]


def test_a_validation_error_from_a_command_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import BaseModel, Field

    class Limited(BaseModel):
        session_id: str = Field(max_length=3)

    def stats(*_: Any) -> int:
        Limited(session_id="too long")
        return EXIT_OK

    monkeypatch.setattr("deftly.server.cli.commands.stats", stats)

    code, _, err = run(capsys, "stats")

    assert code == EXIT_BAD_INPUT
    assert err.strip() == "deftly: invalid input: session_id: String should have at most 3 characters"
    assert "pydantic" not in err and "errors.pydantic.dev" not in err


def test_an_unexpected_error_is_one_line_and_its_traceback_is_logged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, deftly_home: Path
) -> None:
    def stats(*_: Any) -> int:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("deftly.server.cli.commands.stats", stats)

    code, _, err = run(capsys, "stats")

    assert code == 1
    log_file = deftly_home / "logs" / "deftly.log"
    assert err.strip() == f"deftly: unexpected error: RuntimeError: the disk went away; the traceback is in {log_file}"
    assert "Traceback" in log_file.read_text(encoding="utf-8")
