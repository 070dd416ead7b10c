"""Ctrl-C (SIGINT) and SIGTERM stop ``deftly serve`` within 2 s on stdio and over HTTP, without a traceback.

SIGINT exits 130 (what a shell reports for Ctrl-C); SIGTERM, the polite stop of a supervisor or an MCP
client, exits 0.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from deftly_support import RawStdioServer, free_port, http_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

STOP_WITHIN_SECONDS = 2.0
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 0}


def stopped_by(process: subprocess.Popen[bytes], sig: signal.Signals) -> tuple[int, float]:
    """Send ``sig``; the exit code and how long the process took to exit (killed after 10 s)."""
    sent = time.monotonic()
    process.send_signal(sig)
    try:
        code = process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
        raise AssertionError(f"deftly serve ignored {sig.name} for 10 s") from None
    return code, time.monotonic() - sent


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stdio_server_stops_on_a_signal(deftly_home: Path, sig: signal.Signals) -> None:
    server = RawStdioServer(deftly_home)
    try:
        server.initialize()
        server.request("tools/list")  # serving, with stdin open: the client is still there
        code, seconds = stopped_by(server.process, sig)
    finally:
        server.kill()

    assert code == EXIT_CODES[sig]
    assert seconds < STOP_WITHIN_SECONDS, f"took {seconds:.2f} s"
    assert "Traceback" not in server.stderr_text


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_http_server_stops_on_a_signal(deftly_home: Path, sig: signal.Signals) -> None:
    with http_server(deftly_home, "streamable-http", free_port()) as process:
        time.sleep(0.5)  # let it settle into serving
        code, seconds = stopped_by(process, sig)
        assert process.stderr is not None
        stderr = process.stderr.read().decode()

    assert code == EXIT_CODES[sig]
    assert seconds < STOP_WITHIN_SECONDS, f"took {seconds:.2f} s"
    assert "Traceback" not in stderr
