"""Answering ``initialize`` and ``tools/list`` on stdio while the MCP SDK is still being imported.

Importing the SDK is about half of a server's time from spawn to its first answer (issue 15: ~0.55 s of
~1 s idle). Its replies to the handshake and to the tool list are the same on every start with the same
deftly, SDK and settings, so a server keeps the SDK's own replies in the home (``serve-replies.json``,
keyed by those three) and the next start answers from them at once, before the SDK is imported.

Nothing else changes: every line still reaches the SDK, in order, and the SDK's replies to the requests
answered early are dropped, after comparing them with what was sent (a difference is logged and
rewrites the record). Only a prefix of the conversation is answered early: an ``initialize`` request
with well-formed params and a protocol version the record holds, then ``tools/list`` without params
(``notifications/initialized`` may come between; and a first find, below). The first other message hands
the rest to the SDK.
Replies the record lacks are recorded from the SDK as they pass, for the next start.

A client's first ``find_procedure`` after a handshake answered early may be answered early too, by
``find`` (``early_find.EarlyFind``, set by ``deftly serve``) in a thread of its own: the SDK's reply to it
is dropped the same way, or, if the SDK answers first, the early one is. A ``tools/list`` after it is still
answered from the record (the SDK's ``Client`` asks for it after a call, to check the result's schema).
``sdk_wanted`` tells ``deftly serve`` when a line needs the SDK (anything but the answerable prefix), or
when such a find is answered: until then the SDK's import may wait, and not take the GIL from the find.

Once the SDK runs, ``steady`` (``early_find.SteadyFinds``) may answer later plain finds from this thread too,
their lines then never reaching the SDK (issue 15: ~1 ms of each find was the SDK's and the thread hops').

Only the standard library, ``std_streams`` and ``wire`` (which need no SDK) are imported here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO

from deftly.server.app.std_streams import Line, claim_std_streams, pipe_size, read_line, unread_bytes
from deftly.server.app.wire import check_message
from deftly.tools.limits import Limits

log = logging.getLogger(__name__)

RECORD_NAME = "serve-replies.json"
QUEUED_LINES = 16  # read ahead of the SDK at most this many lines (a flood waits in the pipe, not in memory)
INITIALIZED = "notifications/initialized"
ANSWERED = ("initialize", "tools/list")
CALL = "tools/call"  # a first find_procedure, answered by ``EarlyAnswers.find``
CLIENT_INFO_TEXT = {"name", "version", "title", "description", "websiteUrl"}
STEADY_LINE_BYTES = 8192  # a plain find's line is well within this (its query at most 2,000 characters)


def record_key(settings_json: str) -> dict[str, str]:
    """What the recorded replies depend on: every setting, the versions of the SDK and of pydantic (which
    writes the schemas), and deftly's code itself -- the size and modification time of each of its source
    files, so an edited or reinstalled deftly records anew even without a new version number."""
    from deftly.server.version import __version__

    versions = {name: version(name) for name in ("mcp", "mcp-types", "pydantic", "pydantic-core")}
    return {
        "deftly": __version__,
        **versions,
        "code": _code_fingerprint(),
        "settings": hashlib.sha256(settings_json.encode()).hexdigest(),
    }


def _code_fingerprint() -> str:
    import importlib.util

    digest = hashlib.sha256()
    for package in ("deftly.server", "deftly.tools"):
        spec = importlib.util.find_spec(package)
        for root in spec.submodule_search_locations or [] if spec is not None else []:
            for path in sorted(Path(root).rglob("*.py")):
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dataclass
class _Prefix:
    """What the front has seen of the conversation's start."""

    open: bool = True  # still in the prefix it may answer
    negotiated: str | None = None  # the protocol version of the initialize result, once known
    pending: dict[str, tuple[str, str]] = field(default_factory=dict)  # request id -> (method, version)
    sent: dict[str, Any] = field(default_factory=dict)  # request id -> the result answered early
    found: bool = False  # a find was taken to be answered early (one at most)


class EarlyAnswers:
    """Owns the protocol's stdin and stdout from the start of ``deftly serve`` on stdio (see the module doc)."""

    def __init__(self, wire_in: BinaryIO, wire_out: BinaryIO, limits: Limits, path: Path, key: dict[str, str]):
        self.wire_in = wire_in
        self.wire_out = wire_out
        self.limits = limits
        self.lines: queue.Queue[Line | None] = queue.Queue(QUEUED_LINES)
        self.on_line: Callable[[], None] | None = None  # called by the reader after queueing each line
        self.write_lock = threading.Lock()
        self._pipe_size = pipe_size(wire_out)
        self._path = path
        self._key = key
        self._record = self._load()
        self._prefix = _Prefix()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="deftly-stdin", daemon=True)
        self.find: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None
        self.find_arguments: Callable[[Any], dict[str, Any] | None] | None = None
        # Once the SDK runs: answers a plain find from its line, else None (``early_find.SteadyFinds``).
        self.steady: Callable[[Any], bytes | None] | None = None
        self.sdk_wanted = threading.Event()
        self._finding = 0  # finds being answered early
        self._finders: list[threading.Thread] = []

    @classmethod
    def start(cls, home: Path, settings_json: str, limits: Limits, *, listen: bool = True) -> EarlyAnswers:
        """Hold the protocol's streams and, with ``listen``, start reading (else ``listen()`` does, once
        ``find`` is set: a client sends its first find as soon as it reads the handshake's replies)."""
        wire_in, wire_out = claim_std_streams()
        early = cls(wire_in, wire_out, limits, home / RECORD_NAME, record_key(settings_json))
        if listen:
            early.listen()
        return early

    def listen(self) -> None:
        self._reader.start()

    @property
    def recorded(self) -> bool:
        """Whether the record holds a handshake to answer (from an earlier start with this deftly and settings)."""
        return bool(self._record["initialize"]) and bool(self._record["tools/list"])

    def next_line(self) -> Line | None:
        """The next line for the SDK (blocking); None at the end of input."""
        return self.lines.get()

    def write(self, data: bytes) -> None:
        with self.write_lock:
            self.wire_out.write(data)
            self.wire_out.flush()

    def write_if_free(self, data: bytes) -> bool:
        """Write ``data`` now if that cannot block, else do nothing and return False: when stdout is a pipe
        the client has read empty and ``data`` fits in it (a write to an empty pipe blocks only beyond its
        capacity; only this process writes to it, under the lock)."""
        if self._pipe_size is None or len(data) > self._pipe_size:
            return False
        if not self.write_lock.acquire(blocking=False):
            return False
        try:
            if unread_bytes(self.wire_out) != 0:
                return False
            self.wire_out.write(data)
            self.wire_out.flush()
            return True
        finally:
            self.write_lock.release()

    def passes(self, data: bytes) -> bool:
        """Whether a line the SDK writes goes out: not if it answers a request answered early."""
        if not self._prefix.pending:
            return True
        try:
            message = json.loads(data)
        except ValueError:
            return True
        if not isinstance(message, dict) or "method" in message or "id" not in message:
            return True
        key = json.dumps(message["id"])
        with self._lock:
            entry = self._prefix.pending.pop(key, None)
            early = self._prefix.sent.pop(key, None)
            if entry is None:
                return True
            method, protocol = entry
            result = message.get("result")
            if method == "initialize" and isinstance(result, dict) and self._prefix.negotiated is None:
                self._prefix.negotiated = str(result.get("protocolVersion"))
            if method in ANSWERED and isinstance(result, dict) and result != self._record[method].get(protocol):
                self._record[method][protocol] = result
                self._save()
        if early is None:
            return True
        if method == CALL and result is None:  # an error: the client left (or cancelled) before the SDK answered
            log.debug("find_procedure was answered early; the SDK answered %s", message.get("error"))
        elif result != early and method == CALL:  # the store may have changed between the two runs
            log.warning("find_procedure was answered early, and the SDK answered differently")
        elif result != early:
            log.error(
                "%s was answered early from %s, and the SDK answered differently; recorded anew", method, self._path
            )
        return False

    def finish(self, timeout: float) -> None:
        """Wait for a find being answered early: the interpreter must not exit while it runs the model."""
        for finder in self._finders:
            finder.join(timeout)

    @property
    def finding(self) -> bool:
        """Whether a find is being answered early."""
        with self._lock:
            return self._finding > 0

    def _read(self) -> None:
        while True:
            read = read_line(self.wire_in, self.limits)
            if read is not None:
                self._look(*read)
                if self._answered_steady(*read):
                    continue
            else:
                self.sdk_wanted.set()
            self.lines.put(read)
            callback = self.on_line
            if callback is not None:
                callback()
            if read is None:
                return

    def _answered_steady(self, raw: bytes, size: int) -> bool:
        """Whether ``steady`` answered the line here (then it never reaches the SDK)."""
        steady = self.steady
        if steady is None or size > STEADY_LINE_BYTES or b"tools/call" not in raw:
            return False
        message = check_message(raw, self.limits)
        if isinstance(message, dict) and json.dumps(message.get("id")) in self._prefix.pending:
            return False  # answered early, or being answered: the SDK's reply is compared and dropped
        reply = steady(message)
        if reply is None:
            return False
        if not self.write_if_free(reply):
            # A client not reading its replies must not stop this thread reading its requests.
            threading.Thread(target=self.write, args=(reply,), name="deftly-reply", daemon=True).start()
        return True

    def _look(self, raw: bytes, size: int) -> None:
        """Answer the line now if it is in the answerable prefix and its reply is recorded."""
        if not raw.strip():
            return
        if not self._prefix.open:
            self.sdk_wanted.set()
            return
        message = check_message(raw, self.limits) if size <= self.limits.request_bytes else None
        with self._lock:
            if (
                isinstance(message, dict)
                and message.get("method") == INITIALIZED
                and set(message)
                <= {
                    "jsonrpc",
                    "method",
                    "params",
                }
            ):
                return
            request = self._answerable(message)
            if request is None:
                call = None if self._prefix.found else self._early_find(message)
                if call is None:
                    self._prefix.open = False
                    self.sdk_wanted.set()
                    return
                self._prefix.found = True  # the prefix stays open: the SDK's client asks tools/list next
                key, request_id, arguments = call
                self._prefix.pending[key] = (CALL, str(self._prefix.negotiated))
                self._finding += 1
                finder = threading.Thread(
                    target=self._answer_find,
                    args=(key, request_id, arguments),
                    name="deftly-early-find",
                    daemon=True,
                )
                self._finders.append(finder)
                finder.start()
                return
            key, method, protocol = request
            self._prefix.pending[key] = (method, protocol)
            result = self._record[method].get(protocol)
            if result is None:
                self.sdk_wanted.set()
                return
            self._prefix.sent[key] = result
            if method == "initialize":
                self._prefix.negotiated = str(result.get("protocolVersion"))
        assert isinstance(message, dict)
        reply = {"jsonrpc": "2.0", "id": message["id"], "result": result}
        self.write(json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")

    def _early_find(self, message: Any) -> tuple[str, int | str, dict[str, Any]] | None:
        """(id key, id, arguments) of a find_procedure call ``find`` may answer (after a handshake answered early)."""
        find, plain = self.find, self.find_arguments
        if find is None or plain is None or self._prefix.negotiated is None or not isinstance(message, dict):
            return None
        if message.get("jsonrpc") != "2.0" or set(message) != {"jsonrpc", "id", "method", "params"}:
            return None
        request_id = message["id"]
        if isinstance(request_id, bool) or not isinstance(request_id, int | str) or message["method"] != CALL:
            return None
        key = json.dumps(request_id)
        arguments = plain(message["params"])
        if arguments is None or key in self._prefix.pending:
            return None
        return key, request_id, arguments

    def _answer_find(self, key: str, request_id: int | str, arguments: dict[str, Any]) -> None:
        """Answer the call unless ``find`` declines or the SDK answered it first."""
        result: dict[str, Any] | None = None
        try:
            assert self.find is not None
            result = self.find(arguments)
        except Exception:  # the SDK answers it
            log.exception("could not answer find_procedure early")
        with self._lock:
            self._finding -= 1
            answer = result is not None and key in self._prefix.pending and key not in self._prefix.sent
            if answer:
                self._prefix.sent[key] = result
        self.sdk_wanted.set()
        if answer:
            log.debug("find_procedure %s answered before the SDK", key)
            reply = {"jsonrpc": "2.0", "id": request_id, "result": result}
            self.write(json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")

    def _answerable(self, message: Any) -> tuple[str, str, str] | None:
        """(id key, method, protocol version) of a request the front may answer, else None."""
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            return None
        if set(message) - {"jsonrpc", "id", "method", "params"}:
            return None
        request_id, method, params = message.get("id"), message.get("method"), message.get("params")
        if isinstance(request_id, bool) or not isinstance(request_id, int | str):
            return None
        key = json.dumps(request_id)
        if key in self._prefix.pending:
            return None
        first = self._prefix.negotiated is None and not self._prefix.pending
        if method == "initialize" and first and isinstance(params, dict) and _plain_initialize(params):
            return key, method, str(params["protocolVersion"])
        if method == "tools/list" and self._prefix.negotiated is not None and params in (None, {}):
            return key, method, self._prefix.negotiated
        return None

    def _load(self) -> dict[str, dict[str, Any]]:
        empty: dict[str, dict[str, Any]] = {method: {} for method in ANSWERED}
        try:
            stored = json.loads(self._path.read_text())
        except (OSError, ValueError):
            return empty
        if not isinstance(stored, dict) or stored.get("key") != self._key:
            return empty
        replies = stored.get("replies")
        if not isinstance(replies, dict):
            return empty
        return {m: dict(replies[m]) if isinstance(replies.get(m), dict) else {} for m in ANSWERED}

    def _save(self) -> None:
        temporary = self._path.with_name(f".{self._path.name}.{os.getpid()}")
        try:
            temporary.write_text(json.dumps({"key": self._key, "replies": self._record}, ensure_ascii=False))
            os.replace(temporary, self._path)
        except OSError as exc:  # the next start answers later, nothing worse
            log.warning("could not record the handshake replies in %s: %s", self._path, exc)


def _plain_initialize(params: dict[str, Any]) -> bool:
    """Initialize params of the plain shape clients send, which the SDK accepts: anything unusual is left
    to the SDK to judge (it validates every request again, and its reply is compared with the early one)."""
    if set(params) - {"protocolVersion", "capabilities", "clientInfo"}:
        return False
    info, capabilities = params.get("clientInfo"), params.get("capabilities")
    return (
        isinstance(params.get("protocolVersion"), str)
        and isinstance(capabilities, dict)
        and all(isinstance(value, dict) for value in capabilities.values())
        and isinstance(info, dict)
        and {"name", "version"} <= set(info) <= CLIENT_INFO_TEXT
        and all(isinstance(value, str) for value in info.values())
    )
