"""The protocol's standard streams, read and written as bytes before the MCP SDK is imported: a line at a time
within the request limit, and how full the pipe to the client is."""

from __future__ import annotations

import os
import stat
import struct
from typing import BinaryIO

from deftly.tools.limits import Limits

DRAIN_CHUNK = 1024 * 1024

Line = tuple[bytes, int]


def read_line(stream: BinaryIO, limits: Limits) -> Line | None:
    """The next line (without its newline) and its full size; a line over the limit is cut short and the
    rest of it read and dropped. None at the end of input."""
    line = stream.readline(limits.request_bytes + 1)
    if not line:
        return None
    size = len(line)
    if line.endswith(b"\n"):
        return line[:-1], size - 1
    while True:  # over the limit (or the last line, without a newline)
        rest = stream.readline(DRAIN_CHUNK)
        size += len(rest)
        if not rest or rest.endswith(b"\n"):
            return line, size - (1 if rest.endswith(b"\n") else 0)


def pipe_size(stream: BinaryIO) -> int | None:
    """The capacity of the pipe ``stream`` writes to; None if it is not a pipe (or the system cannot say)."""
    try:
        import fcntl

        descriptor = stream.fileno()
        if not stat.S_ISFIFO(os.fstat(descriptor).st_mode):
            return None
        unread_bytes(stream)  # the system must answer this too
        return int(fcntl.fcntl(descriptor, getattr(fcntl, "F_GETPIPE_SZ", 1032)))
    except (ImportError, OSError, ValueError):
        return None


def unread_bytes(stream: BinaryIO) -> int:
    """Bytes written to the pipe ``stream`` writes to and not yet read by the other end (Linux's FIONREAD)."""
    import fcntl
    import termios

    answer = fcntl.ioctl(stream.fileno(), termios.FIONREAD, b"\0\0\0\0")
    return int(struct.unpack("i", answer)[0])


def claim_std_streams() -> tuple[BinaryIO, BinaryIO]:
    """The protocol's stdin and stdout, on private descriptors; fds 0 and 1 now hold the null device and stderr."""
    wire_in = os.fdopen(os.dup(0), "rb")
    wire_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return wire_in, wire_out
