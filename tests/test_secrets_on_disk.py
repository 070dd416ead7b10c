"""Through the real store and worker: no planted secret reaches any file under DEFTLY_HOME, session ids holding a
secret become a stable hash, blank ids are refused, and the home is private (folders 0700, files 0600)."""

from __future__ import annotations

import json
import logging
import os
import stat
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from deftly_support import open_db, snapshot

from deftly.server.runtime import Runtime
from deftly.server.settings import Settings
from deftly.tools.errors import InvalidInput
from deftly.tools.rate_procedure import rate_procedure
from deftly.tools.record_trace import record_trace
from deftly.tools.secrets import SECRET, hashed_session_id, safe_session_id

A = "Zq4wN8rT2yU6iO0p"
PLANTED = {
    "system prompt": "sk-proj-" + A * 3,
    "user text": "tango7-Vex!",  # "my password is …"
    "assistant text": "ghp_" + A * 2 + "wxyz",
    "tool argument": "river9-Moss#",  # DB_PASSWORD=…
    "nested tool argument": "xoxb-123456789012-1234567890123-" + A,
    "tool result": "key-" + "0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d",
    "tool error": "copper4-Lima?",  # in a postgres URL
    "session id": "npm_" + A * 2 + "abcd",
    "metadata value": "SG." + A + "abcdef." + A * 2 + "abcdefghijk",
    "title": "sk_live_" + A * 2,
    "rating note": "maple3-Zed%",  # --password …
}


def history() -> list[dict[str, Any]]:
    p = PLANTED
    calls = [
        ("run_command", {"command": "cat config/settings.txt"}, f"region=eu-1\nMAILGUN_API_KEY={p['tool result']}"),
        ("write_file", {"path": ".env", "content": f"DB_PASSWORD={p['tool argument']}"}, "wrote 1 file"),
        (
            "http_request",
            {
                "url": "https://api.acme.io/v1/deploys",
                "body": {"config": {"notes": [f"slack {p['nested tool argument']}"]}},
            },
            '{"status": "deployed"}',
        ),
        (
            "deploy_service",
            {"service": "billing-api"},
            f"Error: cannot reach postgres://app:{p['tool error']}@db:5432/app",
        ),
        # Retried and deployed: the task is recovered, so it is learned and its procedure is checked too.
        ("deploy_service", {"service": "billing-api", "retry": True}, '{"status": "deployed"}'),
    ]
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": f"You are ACME's ops assistant. OpenAI key: {p['system prompt']}"},
        {"role": "user", "content": f"Redeploy billing-api; my password is {p['user text']}"},
    ]
    for n, (tool, arguments, result) in enumerate(calls, start=1):
        call = {"id": f"call_{n}", "type": "function", "function": {"name": tool, "arguments": json.dumps(arguments)}}
        messages += [
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": f"call_{n}", "content": result},
        ]
    messages.append({"role": "assistant", "content": f"Redeployed billing-api with {p['assistant text']}."})
    return messages


def record_extract_and_rate(home: Path) -> str:
    """Record the planted trace through a real Runtime (its store and worker), wait for extraction, rate it."""
    runtime = Runtime(Settings(home=home, worker_poll_seconds=0.05))
    runtime.start()
    try:
        store = runtime.store()
        result = record_trace(
            store,
            history(),
            now=datetime.now(UTC),
            session_id=f"deploy-{PLANTED['session id']}",
            title=f"Redeploy billing-api with {PLANTED['title']}",
            metadata={"project": "billing-api", "note": f"sendgrid {PLANTED['metadata value']}"},
        )
        runtime.wake_worker()
        deadline = time.monotonic() + 120
        while (record := store.get_trace(result.resource_id)) is None or record.status in ("pending", "processing"):
            assert time.monotonic() < deadline, "extraction did not finish"
            time.sleep(0.05)
        assert record.status == "completed", record.reason
        [procedure_id, *_] = record.procedure_ids
        notes = f"failed: the deploy wanted ./manage.py migrate --password {PLANTED['rating note']}"
        rate_procedure(store, procedure_id, False, now=datetime.now(UTC), notes=notes)
        store.db.maintain(force=True)
        return result.resource_id
    finally:
        runtime.stop()


def test_no_secret_of_any_position_reaches_any_file_under_the_home(deftly_home: Path) -> None:
    resource_id = record_extract_and_rate(deftly_home)

    files = [p for p in deftly_home.rglob("*") if p.is_file()]
    blob = b"\0".join(p.read_bytes() for p in files)
    rows = json.dumps(snapshot(open_db(deftly_home)), default=str).encode()  # Lance compresses short strings
    for position, secret in PLANTED.items():
        for form in {secret, json.dumps(secret)[1:-1]}:
            assert form.encode() not in blob, f"the {position} secret is in a file under the home"
            assert form.encode() not in rows, f"the {position} secret is in a stored row"
    assert b"billing-api" in blob and SECRET.encode() in rows  # scrubbed, not emptied
    stored = open_db(deftly_home).traces.search().limit(10).to_list()
    assert [row["resource_id"] for row in stored] == [resource_id]
    assert stored[0]["session_id"].startswith("session-")


def test_the_home_is_private_after_record_and_extraction(deftly_home: Path) -> None:
    record_extract_and_rate(deftly_home)

    wide = [
        f"{path.relative_to(deftly_home)} {stat.S_IMODE(path.stat().st_mode):o}"
        for path in [deftly_home, *deftly_home.rglob("*")]
        if stat.S_IMODE(path.stat().st_mode) & (0o077 if path.is_dir() else 0o177)
    ]
    assert wide == []
    assert any(deftly_home.joinpath("lancedb").rglob("*.lance")), "LanceDB's own files were checked too"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_an_existing_home_with_wide_modes_is_narrowed_and_the_change_logged(
    deftly_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from deftly.server.settings import secure_home

    deftly_home.mkdir(exist_ok=True)
    deftly_home.chmod(0o755)
    os.chmod(deftly_home, 0o755)
    (deftly_home / "old.txt").write_text("kept as it was")
    os.chmod(deftly_home / "old.txt", 0o644)

    with caplog.at_level(logging.INFO, logger="deftly.server.settings"):
        secure_home(deftly_home)

    assert stat.S_IMODE(deftly_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((deftly_home / "old.txt").stat().st_mode) == 0o644, "only the home itself is changed"
    assert "narrowed" in caplog.text and "755" in caplog.text and "700" in caplog.text


def test_the_hook_queues_into_a_private_inbox(tmp_path: Path, deftly_home: Path) -> None:
    from claude_code_sessions import RELEASE_CALLS, RELEASE_REPLY, RELEASE_REQUEST, Transcript

    from deftly.server.hosts.hook import HookPayload, record_from_hook

    transcript = Transcript().task(RELEASE_REQUEST, RELEASE_CALLS, RELEASE_REPLY).write(tmp_path / "s.jsonl")
    os.umask(0o022)  # as a shell leaves it

    record_from_hook(HookPayload("4f1c2b9e-session", transcript, "SessionEnd"), Settings(home=deftly_home))

    [queued] = list((deftly_home / "inbox").glob("*.json"))
    assert stat.S_IMODE(queued.stat().st_mode) == 0o600
    assert stat.S_IMODE(queued.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(deftly_home.stat().st_mode) == 0o700


# --- session ids ------------------------------------------------------------------------------------------------


def chat(text: str) -> str:
    return json.dumps([{"role": "user", "content": text}, {"role": "assistant", "content": "Done."}])


def test_a_session_id_holding_a_secret_becomes_a_stable_hash_and_resending_updates_that_trace(store: Any) -> None:
    secret_id = "run-" + PLANTED["session id"]
    now = datetime(2026, 11, 21, tzinfo=UTC)

    first = record_trace(store, chat("Tag release 2.4.0"), now=now, session_id=secret_id)
    second = record_trace(store, chat("Tag release 2.4.1"), now=now, session_id=f"  {secret_id} ")

    assert first.session_id == second.session_id == hashed_session_id(secret_id)
    assert first.session_id.startswith("session-") and len(first.session_id) == len("session-") + 16
    assert second.resource_id == first.resource_id and second.message.startswith("Updated")
    assert [r.resource_id for r in store.list_traces()] == [first.resource_id]


@pytest.mark.parametrize(
    "session_id", ["sess-42", "4f1c2b9e-7a3d-4e8f-b6c5-0d9e8f7a6b5c", "tau-017", "run-2026-05-21-06", "bench-3"]
)
def test_ordinary_session_ids_are_kept(session_id: str) -> None:
    assert safe_session_id(session_id) == session_id


@pytest.mark.parametrize("session_id", ["   ", "\t", "\n "])
def test_a_blank_session_id_is_refused_and_nothing_is_stored(store: Any, session_id: str) -> None:
    with pytest.raises(InvalidInput, match="session_id is blank; send a non-empty id or omit it"):
        record_trace(store, chat("Tag release 2.4.0"), now=datetime.now(UTC), session_id=session_id)
    assert store.list_traces() == []


def test_a_secret_session_id_in_the_history_itself_is_hashed(store: Any) -> None:
    token = PLANTED["session id"]
    document = {"session_id": token, "messages": json.loads(chat("Tag release 2.4.0"))}

    result = record_trace(store, json.dumps(document), format="openai", now=datetime.now(UTC))

    assert result.session_id == hashed_session_id(token)
    assert token not in store.load_trace(result.resource_id).model_dump_json()
