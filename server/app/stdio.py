"""Serving MCP over stdio behind a thin validating reader.

The SDK's stdio transport drops every line it cannot read as JSON-RPC without answering (and some lines
— nested 100,000 deep, holding a lone surrogate — fail inside it), so the client waits forever. Here
stdin is read line by line (at most ``max_request_bytes`` kept per line) and each line is checked first
(``wire.check_message``, then the SDK's own JSON-RPC validation): a bad line is answered with a JSON-RPC
error (-32700 parse error, -32600 invalid request; with the request's id when it can be read, else null)
and the server carries on; a good line is handed to the SDK's stdio transport unchanged. Blank lines
are skipped. Replies and error replies go through one writer, so lines never interleave.

As the SDK does for its own streams, stdin and stdout are moved off fds 0 and 1 for the process's life:
fd 0 reads the null device and fd 1 writes to stderr, so stray prints never corrupt the protocol.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, BinaryIO, cast

import anyio
import anyio.to_thread
from mcp.server.stdio import stdio_server

from deftly.server.app.wire import Rejected, check_envelope, check_message, too_large
from deftly.tools.limits import Limits

log = logging.getLogger(__name__)

DRAIN_CHUNK = 1024 * 1024


class LineWriter:
    """stdout for the SDK transport (``write`` gets whole lines) and for error replies."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    async def write(self, text: str) -> None:
        await self.write_bytes(text.encode("utf-8", errors="replace"))

    async def write_bytes(self, data: bytes) -> None:
        await anyio.to_thread.run_sync(self._write, data)

    async def flush(self) -> None:
        """Every write is flushed already."""

    def _write(self, data: bytes) -> None:
        with self._lock:
            self._stream.write(data)
            self._stream.flush()


class CheckedLines:
    """stdin for the SDK transport: yields only lines that pass the checks, answering the others."""

    def __init__(self, stream: BinaryIO, writer: LineWriter, limits: Limits) -> None:
        self._stream = stream
        self._writer = writer
        self._limits = limits

    def __aiter__(self) -> CheckedLines:
        return self

    async def __anext__(self) -> str:
        while True:
            read = await anyio.to_thread.run_sync(self._read_line)
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

    def _check(self, raw: bytes, size: int) -> Rejected | None:
        if size > self._limits.request_bytes:
            return too_large(size, raw, self._limits)
        message = check_message(raw, self._limits)
        if isinstance(message, Rejected):
            return message
        return check_envelope(raw, message)

    def _read_line(self) -> tuple[bytes, int] | None:
        """The next line (without its newline) and its full size; a line over the limit is cut short
        and the rest of it read and dropped. None at the end of input."""
        line = self._stream.readline(self._limits.request_bytes + 1)
        if not line:
            return None
        size = len(line)
        if line.endswith(b"\n"):
            return line[:-1], size - 1
        while True:  # over the limit (or the last line, without a newline)
            rest = self._stream.readline(DRAIN_CHUNK)
            size += len(rest)
            if not rest or rest.endswith(b"\n"):
                return line, size - (1 if rest.endswith(b"\n") else 0)


def claim_std_streams() -> tuple[BinaryIO, BinaryIO]:
    """The protocol's stdin and stdout, on private descriptors; fds 0 and 1 now hold the null device and stderr."""
    wire_in = os.fdopen(os.dup(0), "rb")
    wire_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return wire_in, wire_out


async def serve_stdio(server: Any, limits: Limits) -> None:
    """Run ``server`` (an ``MCPServer``) on this process's stdin and stdout until stdin closes."""
    wire_in, wire_out = claim_std_streams()
    writer = LineWriter(wire_out)
    lines = CheckedLines(wire_in, writer, limits)
    # The SDK reads any async iterable of lines and writes through write()/flush(); it types them as AsyncFile.
    async with stdio_server(stdin=cast(Any, lines), stdout=cast(Any, writer)) as (read_stream, write_stream):
        lowlevel = server._lowlevel_server  # what MCPServer.run_stdio_async runs, with our streams
        await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())


def run_stdio(server: Any, limits: Limits) -> None:
    anyio.run(serve_stdio, server, limits)
