"""``deftly hook claude-code`` end to end: a real-shaped hook payload and transcript, through the real CLI.

The hook returns at once and a detached ``deftly drain`` stores and extracts the session; these tests
wait for that background process the way a user would see it: the trace settles in the store.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from claude_code_sessions import (
    FLAG_CALLS,
    FLAG_REPLY,
    FLAG_REQUEST,
    PROJECT_DIR,
    RELEASE_CALLS,
    RELEASE_REPLY,
    RELEASE_REQUEST,
    RESOURCE_ID,
    SESSION_ID,
    Transcript,
    hook_payload,
    lock_is_held,
    settled_trace,
)
from deftly_support import RawStdioServer, deftly_command, open_db, server_env, wait_until

from deftly.server.storage.store import LanceStore
from deftly.tools.models import TraceRecord

pytestmark = pytest.mark.slow


def run_hook(home: Path, payload: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*deftly_command(), "hook", "claude-code"],
        input=payload,
        capture_output=True,
        text=True,
        env=server_env(home, **env),
        timeout=60,
    )


def transcript_path(root: Path) -> Path:
    return root / ".claude" / "projects" / PROJECT_DIR / f"{SESSION_ID}.jsonl"


def test_a_growing_session_is_recorded_once_and_learns_only_the_new_task(tmp_path: Path, deftly_home: Path) -> None:
    transcript = Transcript().task(RELEASE_REQUEST, RELEASE_CALLS, RELEASE_REPLY)
    path = transcript.write(transcript_path(tmp_path))

    started = time.monotonic()
    first = run_hook(deftly_home, hook_payload(path, "PreCompact"))
    hook_seconds = time.monotonic() - started

    assert (first.returncode, first.stdout) == (0, ""), first.stderr
    assert hook_seconds < 5, "a hook must return at once; extraction runs in the background"
    before = settled_trace(deftly_home)
    assert before.status == "completed", before.reason
    [release] = before.procedure_ids

    transcript.task(FLAG_REQUEST, FLAG_CALLS, FLAG_REPLY).write(path)
    second = run_hook(deftly_home, hook_payload(path, "SessionEnd"))

    assert (second.returncode, second.stdout) == (0, ""), second.stderr
    after = settled_trace(deftly_home, previous=before)
    store = LanceStore(open_db(deftly_home), "default")
    assert [r.resource_id for r in store.list_traces()] == [RESOURCE_ID], "one trace per session"
    assert after.session_id == SESSION_ID and after.format == "claude-code"
    assert release in after.procedure_ids, "the first task merged into its procedure, not duplicated"
    assert len(after.procedure_ids) == 2 and store.count_procedures() == 2, "the new task was added"
    [new] = set(after.procedure_ids) - {release}
    learned = store.get_procedure(new)
    assert learned is not None and "Write" in learned.tools, "the --verbose task, which wrote a test file"


def test_resending_the_same_transcript_changes_nothing(tmp_path: Path, deftly_home: Path) -> None:
    path = Transcript().task(RELEASE_REQUEST, RELEASE_CALLS, RELEASE_REPLY).write(transcript_path(tmp_path))
    assert run_hook(deftly_home, hook_payload(path, "PreCompact")).returncode == 0
    first = settled_trace(deftly_home)

    assert run_hook(deftly_home, hook_payload(path, "SessionEnd")).returncode == 0
    time.sleep(1.0)
    again = settled_trace(deftly_home)

    assert (again.content_hash, again.procedure_ids) == (first.content_hash, first.procedure_ids)
    assert LanceStore(open_db(deftly_home), "default").count_procedures() == 1


def test_a_running_server_extracts_what_the_hook_queued(tmp_path: Path, deftly_home: Path) -> None:
    path = Transcript().task(RELEASE_REQUEST, RELEASE_CALLS, RELEASE_REPLY).write(transcript_path(tmp_path))
    with RawStdioServer(deftly_home) as server:
        server.initialize()
        server.call_tool("find_procedure", {"query": "warm up"})
        wait_until(lambda: lock_is_held(deftly_home), timeout=30)  # the server's worker extracts, not a drain

        assert run_hook(deftly_home, hook_payload(path, "SessionEnd")).returncode == 0
        record = wait_until(lambda: _completed(deftly_home), timeout=120, interval=0.2)
        assert len(record.procedure_ids) == 1
        found = server.call_tool("find_procedure", {"query": "tag a new release"})["structuredContent"]
        assert [hit["id"] for hit in found["procedures"]][:1] == record.procedure_ids
        server.close()
    settled_trace(deftly_home)  # the background drain has exited too


def _completed(home: Path) -> TraceRecord | None:
    record = LanceStore(open_db(home), "default").get_trace(RESOURCE_ID)
    return record if record is not None and record.status == "completed" else None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("not json", "not a JSON hook payload"),
        ('{"hook_event_name": "SessionEnd"}', "no session_id or transcript_path"),
        ('{"session_id": "s", "transcript_path": "/x.jsonl", "hook_event_name": "Stop"}', "not on Stop"),
    ],
)
def test_a_bad_payload_is_a_non_blocking_error(deftly_home: Path, payload: str, message: str) -> None:
    done = run_hook(deftly_home, payload)

    assert done.returncode == 1, "1 is non-blocking in Claude Code; 2 would block a compaction"
    assert done.stdout == ""
    assert message in done.stderr


def test_an_unreadable_transcript_is_reported_and_nothing_is_queued(tmp_path: Path, deftly_home: Path) -> None:
    broken = transcript_path(tmp_path)
    broken.parent.mkdir(parents=True)
    broken.write_text('{"type": "user", "message": ', encoding="utf-8")

    done = run_hook(deftly_home, hook_payload(broken, "SessionEnd"))

    assert (done.returncode, done.stdout) == (1, "")
    assert "deftly hook:" in done.stderr
    assert not list((deftly_home / "inbox").glob("*.json"))


def test_a_transcript_over_the_size_limit_is_refused(tmp_path: Path, deftly_home: Path) -> None:
    path = Transcript().task(RELEASE_REQUEST, RELEASE_CALLS, RELEASE_REPLY).write(transcript_path(tmp_path))

    done = run_hook(deftly_home, hook_payload(path, "SessionEnd"), DEFTLY_MAX_TRACE_BYTES="1024")

    assert (done.returncode, done.stdout) == (1, "")
    assert "DEFTLY_MAX_TRACE_BYTES" in done.stderr


def test_a_session_without_a_transcript_yet_is_not_an_error(tmp_path: Path, deftly_home: Path) -> None:
    done = run_hook(deftly_home, hook_payload(tmp_path / "never-written.jsonl", "SessionEnd"))

    assert (done.returncode, done.stdout) == (0, "")
    assert not (deftly_home / "inbox").exists()
