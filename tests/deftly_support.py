"""Helpers shared by deftly's tests: trace fixtures, server subprocesses, raw JSON-RPC, store snapshots."""

from __future__ import annotations

import json
import os
import queue
import shlex
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp import Client

from deftly.server.app.server import DeftlyServer
from deftly.server.background.embedding import BUILTIN_DIM, BUILTIN_NAME
from deftly.server.storage.db import Database

Message = dict[str, Any]
ToolStep = tuple[str, dict[str, Any], dict[str, Any]]

CANCEL_REQUEST = "Cancel reservation ZFA04Y for user mia_li_3668"
CANCEL_STEPS: list[ToolStep] = [
    (
        "get_reservation_details",
        {"reservation_id": "ZFA04Y"},
        {"reservation_id": "ZFA04Y", "user_id": "mia_li_3668", "status": "confirmed", "origin": "JFK"},
    ),
    ("cancel_reservation", {"reservation_id": "ZFA04Y"}, {"reservation_id": "ZFA04Y", "status": "cancelled"}),
]
ADDRESS_REQUEST = "Change the shipping address of order #W4817420 to 12 Elm Street, Springfield"
ADDRESS_STEPS: list[ToolStep] = [
    ("get_order_details", {"order_id": "#W4817420"}, {"order_id": "#W4817420", "status": "pending"}),
    (
        "modify_pending_order_address",
        {"order_id": "#W4817420", "address1": "12 Elm Street", "city": "Springfield"},
        {"order_id": "#W4817420", "address": {"address1": "12 Elm Street", "city": "Springfield"}},
    ),
]


def chat_trace(request: str, steps: list[ToolStep], final: str = "Done.") -> list[Message]:
    """An OpenAI Chat Completions conversation: the user's request, one tool call per step, a closing reply."""
    messages: list[Message] = [{"role": "user", "content": request}]
    for number, (tool, arguments, result) in enumerate(steps, start=1):
        call_id = f"call_{number}"
        call = {"id": call_id, "type": "function", "function": {"name": tool, "arguments": json.dumps(arguments)}}
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": call_id, "content": json.dumps(result)})
    messages.append({"role": "assistant", "content": final})
    return messages


def cancel_trace() -> list[Message]:
    return chat_trace(CANCEL_REQUEST, CANCEL_STEPS, "Reservation ZFA04Y is cancelled.")


def address_trace() -> list[Message]:
    return chat_trace(ADDRESS_REQUEST, ADDRESS_STEPS, "The address is updated.")


# --- claude mcp add --------------------------------------------------------------------------------

CLAUDE_VARIADIC = frozenset({"-e", "--env", "-H", "--header"})
CLAUDE_WITH_VALUE = frozenset({"-s", "--scope", "-t", "--transport", "--client-id", "--callback-port"})


def claude_mcp_add(command: str) -> tuple[list[str], dict[str, list[str]]]:
    """The positional words (name, command or URL, its arguments) and the options of ``claude mcp add``.

    Parsed as Claude Code's parser (commander) does: a variadic option (``--env``, ``--header``) takes
    every following word up to the next option or ``--``, so a name written after one becomes its value.
    """
    words = shlex.split(command)
    assert words[:3] == ["claude", "mcp", "add"], command
    positional: list[str] = []
    options: dict[str, list[str]] = {}
    rest = words[3:]
    while rest:
        word = rest.pop(0)
        if word == "--":
            positional += rest
            break
        if word in CLAUDE_VARIADIC:
            while rest and not rest[0].startswith("-"):
                options.setdefault(word, []).append(rest.pop(0))
        elif word in CLAUDE_WITH_VALUE:
            options[word] = [rest.pop(0)]
        elif word.startswith("-"):
            options[word] = []
        else:
            positional.append(word)
    return positional, options


# --- subprocesses ----------------------------------------------------------------------------------


def deftly_command() -> list[str]:
    """The installed ``deftly`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("deftly")
    return [str(script)] if script.exists() else [sys.executable, "-m", "deftly.server"]


def server_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a ``deftly`` subprocess: this one, minus any DEFTLY_* leak, never downloading."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFTLY_") and k != "ANTHROPIC_API_KEY"}
    env.update({"DEFTLY_HOME": str(home), "HF_HUB_OFFLINE": "1", "DEFTLY_WORKER_POLL_SECONDS": "0.2"})
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


@contextmanager
def http_server(home: Path, transport: str, port: int, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """``deftly serve`` over HTTP on loopback, stopped (and reaped) on exit."""
    args = [*deftly_command(), "serve", "--transport", transport, "--port", str(port)]
    process = subprocess.Popen(
        args, env=server_env(home, **env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(port, process)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


class RawStdioServer:
    """``deftly serve`` over stdio, driven with hand-written JSON-RPC so every stdout line can be checked."""

    def __init__(self, home: Path, **env: str) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [*deftly_command(), "serve"],
            env=server_env(home, **env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stdout_lines: list[bytes] = []
        self.stderr_lines: list[bytes] = []
        self._lines: queue.Queue[bytes] = queue.Queue()
        self._readers = [
            threading.Thread(target=self._pump, args=(self.process.stdout, self._on_stdout), daemon=True),
            threading.Thread(target=self._pump, args=(self.process.stderr, self.stderr_lines.append), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self._next_id = 0

    def request(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60.0) -> dict[str, Any]:
        self._next_id += 1
        self._send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params or {}})
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(deadline)
            if message.get("id") == self._next_id and "method" not in message:
                return message

    def notify(self, method: str) -> None:
        self._send({"jsonrpc": "2.0", "method": method})

    def initialize(self) -> dict[str, Any]:
        params = {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "deftly-tests", "version": "1"},
        }
        reply = self.request("initialize", params)
        self.notify("notifications/initialized")
        return reply

    def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.request("tools/call", {"name": name, "arguments": arguments})["result"]
        return result

    def read_resource(self, uri: str) -> str:
        text: str = self.request("resources/read", {"uri": uri})["result"]["contents"][0]["text"]
        return text

    def kill(self) -> None:
        """SIGKILL: no cleanup runs, as in a crash."""
        self.process.kill()
        self.process.wait(10)
        self._finish()

    def close(self, timeout: float = 30.0) -> int:
        """Close stdin (the client going away) and wait for the server to exit; return its exit code."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"server did not exit within {timeout} s of stdin closing") from None
        self._finish()
        return code

    def __enter__(self) -> RawStdioServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.kill()

    def _finish(self) -> None:
        for reader in self._readers:
            reader.join(10)
        stop(self.process)

    @property
    def stderr_text(self) -> str:
        return b"".join(self.stderr_lines).decode(errors="replace")

    def _on_stdout(self, line: bytes) -> None:
        self.stdout_lines.append(line)
        self._lines.put(line)

    @staticmethod
    def _pump(stream: Any, sink: Callable[[bytes], None]) -> None:
        for line in iter(stream.readline, b""):
            sink(line)

    def _send(self, message: dict[str, Any]) -> None:
        self.send_line(json.dumps(message).encode())

    def send_line(self, raw: bytes) -> None:
        """Write ``raw`` and a newline to the server's stdin, whatever it holds."""
        assert self.process.stdin is not None
        self.process.stdin.write(raw + b"\n")
        self.process.stdin.flush()

    def next_message(self, timeout: float = 60.0) -> dict[str, Any]:
        return self._read(time.monotonic() + timeout)

    def _read(self, deadline: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no reply in time; server stderr:\n{self.stderr_text[-3000:]}") from None
        message: dict[str, Any] = json.loads(line)
        return message


def is_json_rpc(line: bytes) -> bool:
    try:
        message = json.loads(line)
    except ValueError:
        return False
    return isinstance(message, dict) and message.get("jsonrpc") == "2.0"


# --- the store -------------------------------------------------------------------------------------


def open_db(home: Path) -> Database:
    """deftly's database under ``home``, opened without loading the embedding model."""
    return Database(home / "lancedb", dimensions=BUILTIN_DIM, embedding_model=BUILTIN_NAME)


def snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in a stable order, for before/after comparisons."""
    tables = {
        "traces": db.traces,
        "procedures": db.procedures,
        "procedure_stats": db.stats,
        "feedback": db.feedback,
        "procedure_versions": db.versions,
        "meta": db.meta,
    }
    return {name: sorted(table.to_arrow().to_pylist(), key=_row_key) for name, table in tables.items()}


def _row_key(row: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in row.items() if k != "vector"}, sort_keys=True, default=str)


def wait_until(check: Callable[[], Any], timeout: float = 60.0, interval: float = 0.1) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


# --- MCP clients ------------------------------------------------------------------------------------


@dataclass
class Connected:
    """An in-process client and the server it talks to (for looking at the store directly)."""

    client: Client
    server: DeftlyServer


def structured(result: Any) -> dict[str, Any]:
    """The structured content of a successful tool result (fails the test with the error text otherwise)."""
    assert not result.is_error, result.content[0].text
    assert result.structured_content is not None
    # The SDK mirrors structured output as JSON text for clients that only read content.
    assert json.loads(result.content[0].text) == result.structured_content
    content: dict[str, Any] = result.structured_content
    return content


def error_text(result: Any) -> str:
    assert result.is_error, f"expected an error, got {result.structured_content}"
    text: str = result.content[0].text
    return text


async def read_trace(client: Any, resource_id: str) -> dict[str, Any]:
    contents = (await client.read_resource(f"trace://{resource_id}")).contents
    status: dict[str, Any] = json.loads(contents[0].text)
    return status


async def wait_for_extraction(client: Any, resource_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """Poll ``trace://`` until the background worker has finished with the trace."""
    import anyio

    with anyio.fail_after(timeout):
        while True:
            status = await read_trace(client, resource_id)
            if status["status"] not in ("pending", "processing"):
                return status
            await anyio.sleep(0.05)


async def learn(client: Any, history: list[Message], session_id: str) -> str:
    """Record ``history`` and wait for it to become exactly one procedure; return that procedure's id."""
    recorded = structured(await client.call_tool("record_trace", {"history": history, "session_id": session_id}))
    status = await wait_for_extraction(client, recorded["resource_id"])
    assert status["status"] == "completed", status
    assert len(status["procedure_ids"]) == 1, status
    procedure_id: str = status["procedure_ids"][0]
    return procedure_id


def run_front(
    script: str, home: Path, sent: list[dict[str, Any]], sdk_replies: list[dict[str, Any]]
) -> tuple[Any, Any]:
    """Run ``script`` (a stdio front without the SDK) on ``sent`` in a child: the JSON lines it wrote to stdout,
    and the JSON of its last stderr line (what it did with ``sdk_replies``)."""
    stdin = "".join(json.dumps(message) + "\n" for message in sent)
    done = subprocess.run(
        [sys.executable, "-c", script, str(home), *(json.dumps(r) for r in sdk_replies)],
        input=stdin.encode(),
        capture_output=True,
        check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    return [json.loads(line) for line in done.stdout.splitlines()], json.loads(done.stderr.splitlines()[-1])
