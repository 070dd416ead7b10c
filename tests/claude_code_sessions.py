"""Real-shaped Claude Code transcripts (``~/.claude/projects/<project>/<session>.jsonl``) and hook payloads.

Lines carry the envelope Claude Code writes (uuid/parentUuid chain, sessionId, cwd, version,
gitBranch, requestId, toolUseResult), plus the bookkeeping lines it interleaves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deftly_support import open_db, wait_until

from deftly.server.storage.filelock import FileLock
from deftly.server.storage.store import LanceStore
from deftly.tools.models import TraceRecord
from deftly.tools.record_trace import trace_resource_id

SESSION_ID = "4f1c2b9e-7a3d-4e8f-b6c5-0d9e8f7a6b5c"
PROJECT_DIR = "-home-lee-acme-cli"
CWD = "/home/lee/acme-cli"
RESOURCE_ID = trace_resource_id("default", SESSION_ID)

ToolCall = tuple[str, dict[str, Any], str]  # tool, input, result text

RELEASE_REQUEST = "Release version 2.4.0: add a changelog entry for it and tag the release."
RELEASE_CALLS: list[ToolCall] = [
    ("Read", {"file_path": f"{CWD}/CHANGELOG.md"}, "# Changelog\n\n## 2.3.1\n- Fix --json output on Windows\n"),
    (
        "Bash",
        {"command": "git log --oneline v2.3.1..HEAD", "description": "Commits since the last release"},
        "a41c9e2 Add --since filter",
    ),
    (
        "Edit",
        {
            "file_path": f"{CWD}/CHANGELOG.md",
            "old_string": "# Changelog\n",
            "new_string": "# Changelog\n\n## 2.4.0\n- Add --since filter\n",
        },
        f"The file {CWD}/CHANGELOG.md has been updated.",
    ),
    ("Bash", {"command": "git tag -a v2.4.0 -m 'Release 2.4.0'", "description": "Tag the release"}, ""),
]
RELEASE_REPLY = "Added the 2.4.0 changelog entry and tagged v2.4.0."

FLAG_REQUEST = "Add a --verbose flag to the sync command and cover it with a test."
FLAG_CALLS: list[ToolCall] = [
    ("Grep", {"pattern": "def sync", "path": "src"}, "src/acme/cli.py:88:def sync(args):"),
    (
        "Edit",
        {
            "file_path": f"{CWD}/src/acme/cli.py",
            "old_string": "def sync(args):",
            "new_string": "def sync(args, verbose=False):",
        },
        f"The file {CWD}/src/acme/cli.py has been updated.",
    ),
    (
        "Write",
        {"file_path": f"{CWD}/tests/test_sync_verbose.py", "content": "def test_verbose(): ..."},
        "File created successfully",
    ),
    (
        "Bash",
        {"command": "pytest -q tests/test_sync_verbose.py", "description": "Run the new test"},
        "1 passed in 0.21s",
    ),
]
FLAG_REPLY = "sync now takes --verbose, with a test."


class Transcript:
    """Lines of one session, built turn by turn like Claude Code appends them."""

    def __init__(self, session_id: str = SESSION_ID) -> None:
        self.session_id = session_id
        self.lines: list[dict[str, Any]] = [
            {
                "type": "file-history-snapshot",
                "messageId": "snap-0",
                "snapshot": {"trackedFileBackups": {}},
                "isSnapshotUpdate": False,
            }
        ]
        self._parent: str | None = None
        self._count = 0

    def task(self, request: str, calls: list[ToolCall], reply: str) -> Transcript:
        self._line("user", {"role": "user", "content": request})
        for tool, arguments, result in calls:
            self._count += 1
            call_id = f"toolu_{self._count:03d}"
            block = {"type": "tool_use", "id": call_id, "name": tool, "input": arguments}
            self._line("assistant", _assistant([block], self._count), requestId=f"req_{self._count:03d}")
            outcome = {"type": "tool_result", "tool_use_id": call_id, "content": result}
            harness = {"stdout": result, "stderr": "", "interrupted": False, "isImage": False}
            self._line("user", {"role": "user", "content": [outcome]}, toolUseResult=harness)
        self._count += 1
        self._line("assistant", _assistant([{"type": "text", "text": reply}], self._count, stop="end_turn"))
        self.lines.append(
            {
                "type": "system",
                "subtype": "turn_duration",
                "durationMs": 5400,
                "uuid": f"sys-{self._count}",
                "parentUuid": self._parent,
                "sessionId": self.session_id,
            }
        )
        return self

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(line) + "\n" for line in self.lines), encoding="utf-8")
        return path

    def _line(self, kind: str, message: dict[str, Any], **extra: Any) -> None:
        uuid = f"{kind[0]}-{len(self.lines):04d}"
        self.lines.append(
            {
                "parentUuid": self._parent,
                "isSidechain": False,
                "userType": "external",
                "cwd": CWD,
                "sessionId": self.session_id,
                "version": "2.1.92",
                "gitBranch": "main",
                "type": kind,
                "message": message,
                "uuid": uuid,
                "timestamp": f"2026-05-04T09:{len(self.lines) // 60:02d}:{len(self.lines) % 60:02d}.000Z",
                **extra,
            }
        )
        self._parent = uuid


def _assistant(content: list[dict[str, Any]], number: int, stop: str = "tool_use") -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-5",
        "id": f"msg_{number:03d}",
        "type": "message",
        "role": "assistant",
        "content": content,
        "stop_reason": stop,
        "usage": {"input_tokens": 900, "output_tokens": 60},
    }


def hook_payload(transcript: Path, event: str, session_id: str = SESSION_ID) -> str:
    """What Claude Code writes to a command hook's stdin for ``SessionEnd`` or ``PreCompact``."""
    payload: dict[str, Any] = {
        "session_id": session_id,
        "transcript_path": str(transcript),
        "cwd": CWD,
        "permission_mode": "default",
        "hook_event_name": event,
    }
    if event == "PreCompact":
        payload |= {"trigger": "auto", "custom_instructions": ""}
    else:
        payload["reason"] = "prompt_input_exit"
    return json.dumps(payload)


def settled_trace(home: Path, previous: TraceRecord | None = None) -> TraceRecord:
    """The session's trace once the background drain has stored and extracted it (and exited)."""

    def done() -> TraceRecord | None:
        if list((home / "inbox").glob("*.json")) or list((home / "inbox").glob("*.claimed")):
            return None
        record = LanceStore(open_db(home), "default").get_trace(RESOURCE_ID)
        if record is None or record.status in ("pending", "processing"):
            return None
        if previous is not None and record.content_hash == previous.content_hash:
            return None
        return None if lock_is_held(home) else record  # held: the drain still runs

    record: TraceRecord = wait_until(done, timeout=120, interval=0.2)
    return record


def lock_is_held(home: Path) -> bool:
    lock = FileLock(home / "worker.lock")
    if lock.acquire():
        lock.release()
        return False
    return True
