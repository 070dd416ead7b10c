"""``deftly hook claude-code``: record the session a Claude Code hook payload points at.

Claude Code runs the hook on ``SessionEnd`` and ``PreCompact`` with a JSON payload on
stdin (``session_id``, ``transcript_path``, ``hook_event_name``, ``cwd``…). The hook
parses and scrubs the transcript, queues it in the inbox and starts ``deftly drain``
in the background, which stores it and extracts it (or waits while a running
``deftly serve`` extracts it). It never writes to stdout, and it exits 1 (a
non-blocking error to Claude Code; 2 would block compaction) when something is wrong.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deftly.server.settings import Settings, secure_home
from deftly.tools.errors import InvalidInput

log = logging.getLogger(__name__)

CLAUDE_CODE_FORMAT = "claude-code"
RECORDED_EVENTS = frozenset({"SessionEnd", "PreCompact"})
MAX_PAYLOAD_BYTES = 1_048_576
DRAIN_LOG_MAX_BYTES = 1_048_576


@dataclass(frozen=True)
class HookPayload:
    session_id: str
    transcript_path: Path
    event: str
    cwd: str | None = None


def read_payload(text: str) -> HookPayload:
    """The fields deftly needs from a Claude Code hook payload, or InvalidInput saying what is missing."""
    if len(text) > MAX_PAYLOAD_BYTES:
        raise InvalidInput("the hook payload on stdin is over 1 MB; Claude Code sends a small JSON object.")
    try:
        data: Any = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(
            f"stdin is not a JSON hook payload ({exc}); run this command from a Claude Code hook."
        ) from exc
    if not isinstance(data, dict):
        raise InvalidInput("the hook payload must be a JSON object with session_id and transcript_path.")
    missing = [key for key in ("session_id", "transcript_path") if not isinstance(data.get(key), str) or not data[key]]
    if missing:
        raise InvalidInput(f"the hook payload has no {' or '.join(missing)}; is this a Claude Code hook payload?")
    event = str(data.get("hook_event_name") or "")
    if event not in RECORDED_EVENTS:
        raise InvalidInput(
            f"deftly records sessions on SessionEnd and PreCompact, not on {event or 'an unnamed event'}; "
            "register `deftly hook claude-code` for those two events only."
        )
    cwd = data.get("cwd")
    return HookPayload(data["session_id"], Path(data["transcript_path"]).expanduser(), event, cwd or None)


def record_from_hook(payload: HookPayload, settings: Settings) -> str | None:
    """Parse, scrub and queue the transcript; returns its resource id, or None when there is nothing yet.

    Raises:
        InvalidInput (incl. FormatError, TraceTooLarge): the transcript cannot be recorded.
    """
    from deftly.server.background.inbox import enqueue
    from deftly.server.hosts.agent_homes import read_bounded
    from deftly.tools.record_trace import RecordRequest, prepare

    path = payload.transcript_path
    if not path.exists():
        log.info("no transcript at %s yet (an empty session); nothing to record", path)
        return None
    hint = "raise that setting to record sessions this long"
    content = read_bounded(path, settings.max_trace_bytes, name=f"the transcript {path}", hint=hint)
    text = content.decode("utf-8", errors="replace")
    request = RecordRequest(text, format=CLAUDE_CODE_FORMAT, session_id=payload.session_id)
    record, trace = prepare(
        settings.namespace,
        request,
        now=datetime.now(UTC),
        max_bytes=settings.max_trace_bytes,
        limits=settings.limits(),
    )
    secure_home(settings.home)
    enqueue(settings.home, record, trace)
    return record.resource_id


def start_drain(settings: Settings) -> subprocess.Popen[bytes]:
    """Start ``deftly drain`` detached from this process, so it outlives the hook (and Claude Code)."""
    secure_home(settings.home)
    logs = settings.home / "logs"
    logs.mkdir(mode=0o700, exist_ok=True)
    log_path = logs / "drain.log"
    if log_path.exists() and log_path.stat().st_size > DRAIN_LOG_MAX_BYTES:
        log_path.replace(log_path.with_suffix(".log.1"))
    # -P: the hook runs in the user's project folder, whose files must not shadow deftly's modules.
    command = [sys.executable, "-P", "-m", "deftly.server", "drain", "--home", str(settings.home)]
    detach: dict[str, Any] = {"start_new_session": True}
    if sys.platform == "win32":
        detach = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS}
    with open(os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as log_file:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            close_fds=True,
            env={**os.environ, "DEFTLY_HOME": str(settings.home)},
            **detach,
        )
