"""Replies are written from the event loop only when that cannot block (issue 15): stdout is a pipe the
client has read empty, and the reply fits in it; anything else goes through a worker thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from deftly.server.app.early import EarlyAnswers
from deftly.server.app.std_streams import pipe_size, unread_bytes
from deftly.tools.limits import DEFAULT_LIMITS


@contextmanager
def _front(tmp_path: Path, wire_out: BinaryIO) -> Iterator[EarlyAnswers]:
    with open(os.devnull, "rb") as wire_in:
        yield EarlyAnswers(wire_in, wire_out, DEFAULT_LIMITS, tmp_path / "replies.json", {})


def test_a_reply_is_written_at_once_only_into_an_empty_pipe_with_room_for_it(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    with (
        os.fdopen(write_end, "wb") as wire_out,
        os.fdopen(read_end, "rb") as client,
        _front(tmp_path, wire_out) as front,
    ):
        size = pipe_size(wire_out)
        assert size is not None and size >= 4096

        assert front.write_if_free(b"one\n")
        assert not front.write_if_free(b"two\n"), "the client has not read the first reply yet"
        assert client.read1(100) == b"one\n" and unread_bytes(wire_out) == 0
        assert not front.write_if_free(b"x" * (size + 1)), "more than the pipe holds could block"
        with front.write_lock:  # another writer is busy (a worker thread finishing a long reply)
            assert not front.write_if_free(b"three\n")

        big = b"y" * (3 * size) + b"\n"
        writer = threading.Thread(target=front.write, args=(big,))  # what the worker thread does
        writer.start()
        received = b""
        while len(received) < len(big):
            received += client.read1(size)
        writer.join()
        assert received == big


def test_a_stdout_that_is_not_a_pipe_is_always_written_by_the_worker(tmp_path: Path) -> None:
    with open(tmp_path / "out", "wb") as wire_out, _front(tmp_path, wire_out) as front:
        assert pipe_size(wire_out) is None
        assert not front.write_if_free(b"reply\n")
        front.write(b"reply\n")
    assert (tmp_path / "out").read_bytes() == b"reply\n"
