"""Serving MCP over stdio behind a thin validating reader.

The SDK's stdio transport drops every line it cannot read as JSON-RPC without answering (and some lines
— nested 100,000 deep, holding a lone surrogate — fail inside it), so the client waits forever. Here
stdin is read line by line (at most ``max_request_bytes`` kept per line) and each line is checked first
(``wire.check_message``, then the SDK's own JSON-RPC validation): a bad line is answered with a JSON-RPC
error (-32700 parse error, -32600 invalid request; with the request's id when it can be read, else null)
and the server carries on; a good line is handed to the SDK's stdio transport unchanged. Blank lines
are skipped. Replies and error replies go through one writer, so lines never interleave. The lines come
from ``early.EarlyAnswers``, which holds stdin and stdout from the start of ``deftly serve`` and may have
answered ``initialize`` and ``tools/list`` before the SDK was imported; the SDK's own replies to those
are dropped by the writer.

No thread hop where none is needed (issue 15): the reader thread wakes the event loop itself when it
queues a line, and a reply is written from the loop when that cannot block (the client has read the pipe
empty and the reply fits in it), else in a worker thread. A plain find_procedure is answered by the reader
thread itself once the SDK's reply to one was seen to be the same (``early_find.SteadyFinds``).

As the SDK does for its own streams, stdin and stdout are moved off fds 0 and 1 for the process's life:
fd 0 reads the null device and fd 1 writes to stderr, so stray prints never corrupt the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
from typing import Any, cast

import anyio
import anyio.to_thread
from mcp.server.stdio import stdio_server

from deftly.server.app.early import EarlyAnswers
from deftly.server.app.early_find import SteadyFinds
from deftly.server.app.std_streams import Line
from deftly.server.app.wire import Rejected, check_envelope, check_message, too_large
from deftly.tools.limits import Limits

log = logging.getLogger(__name__)


class LineWriter:
    """stdout for the SDK transport (``write`` gets whole lines) and for error replies; the SDK's replies to
    requests answered early are dropped, and shown to ``steady`` (which compares its finds with them)."""

    def __init__(self, early: EarlyAnswers, steady: SteadyFinds | None = None) -> None:
        self._early = early
        self._steady = steady

    async def write(self, text: str) -> None:
        data = text.encode("utf-8", errors="replace")
        if self._steady is not None:
            self._steady.compare(data)
        await self.write_bytes(data)

    async def write_bytes(self, data: bytes) -> None:
        """Written here when that cannot block (the usual case: the client has read what came before),
        else in a worker thread."""
        if not self._early.passes(data) or self._early.write_if_free(data):
            return
        await anyio.to_thread.run_sync(self._early.write, data)

    async def flush(self) -> None:
        """Every write is flushed already."""


class CheckedLines:
    """stdin for the SDK transport: yields only lines that pass the checks, answering the others."""

    def __init__(self, early: EarlyAnswers, writer: LineWriter, limits: Limits) -> None:
        self._early = early
        self._writer = writer
        self._limits = limits
        self._arrived: asyncio.Event | None = None

    def __aiter__(self) -> CheckedLines:
        return self

    async def __anext__(self) -> str:
        while True:
            read = await self._next_line()
            if read is None:
                raise StopAsyncIteration
            raw, size = read
            if not raw.strip():
                continue
            rejected = self._check(raw, size)
            if rejected is None:
                return raw.decode("utf-8")
            log.warning("answered a bad stdio message with error %d: %s", rejected.code, rejected.message)
            await self._writer.write_bytes(rejected.reply_line())

    async def _next_line(self) -> Line | None:
        """The reader thread's next line, without a worker thread: it wakes this loop when it queues one."""
        if self._arrived is None:
            arrived = self._arrived = asyncio.Event()
            loop = asyncio.get_running_loop()

            def wake() -> None:
                with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
                    loop.call_soon_threadsafe(arrived.set)

            self._early.on_line = wake
        while True:
            self._arrived.clear()  # before looking: a line queued after the look sets it again
            try:
                return self._early.lines.get_nowait()
            except queue.Empty:
                await self._arrived.wait()

    def _check(self, raw: bytes, size: int) -> Rejected | None:
        if size > self._limits.request_bytes:
            return too_large(size, raw, self._limits)
        message = check_message(raw, self._limits)
        if isinstance(message, Rejected):
            return message
        return check_envelope(raw, message)


async def serve_stdio(server: Any, limits: Limits, early: EarlyAnswers) -> None:
    """Run ``server`` (an ``MCPServer``) on the protocol's stdin and stdout (held by ``early``, which may
    have answered the handshake already) until stdin closes."""
    runtime = getattr(server, "runtime", None)
    steady = SteadyFinds(runtime) if runtime is not None else None
    early.steady = steady
    writer = LineWriter(early, steady)
    lines = CheckedLines(early, writer, limits)
    # The SDK reads any async iterable of lines and writes through write()/flush(); it types them as AsyncFile.
    async with stdio_server(stdin=cast(Any, lines), stdout=cast(Any, writer)) as (read_stream, write_stream):
        lowlevel = server._lowlevel_server  # what MCPServer.run_stdio_async runs, with our streams
        await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())


def run_stdio(server: Any, limits: Limits, early: EarlyAnswers) -> None:
    anyio.run(serve_stdio, server, limits, early)
