"""``deftly serve``: the MCP server on stdio or HTTP, stopped promptly by Ctrl-C (SIGINT) or SIGTERM.

On stdio the SDK reads stdin in a worker thread that cancellation cannot interrupt, so a signal
alone would leave the server waiting for the client's next line. A signal therefore starts a short,
bounded shutdown — the worker stops, logs flush — and the process then exits even if a read is still
blocked. Nothing is lost by not waiting longer: a trace mid-extraction is re-queued by the next
server that holds the worker lock, and LanceDB commits are atomic.

Exit codes: 130 after SIGINT (128 + 2, what a shell reports for Ctrl-C, so ``deftly serve && next``
does not carry on as if the server had finished its work), 0 after SIGTERM (the polite stop a
supervisor such as systemd or an MCP client sends; a non-zero code would be reported as a failure).
A second signal exits at once.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from deftly.server.cli.output import EXIT_INTERRUPTED, EXIT_OK
from deftly.server.settings import Settings

if TYPE_CHECKING:
    from deftly.server.app.early import EarlyAnswers
    from deftly.server.app.server import DeftlyServer
    from deftly.server.runtime import Runtime

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 1.0
# The SDK's import waits at most this long for the model to load and a first find answered early (below).
SDK_HELD_AT_MOST_SECONDS = 3.0
SDK_HOLD_POLL_SECONDS = 0.01
_EXIT_CODES = {signal.SIGINT: EXIT_INTERRUPTED, signal.SIGTERM: EXIT_OK}


def serve(args: argparse.Namespace, settings: Settings) -> int:
    if settings.transport != "stdio":
        from deftly.server.app.server import build_server

        return _exit_code(_serve_http(build_server(settings), settings))
    # The handshake is answered while the SDK is imported (app/early.py). When it is answered from a record,
    # the model and the store open meanwhile too, so a client's first find_procedure waits for them, not for
    # the SDK and then them. Without a record (a first start) the handshake waits for the SDK, and opening the
    # store alongside would slow its import (both hold the GIL): 1.2 -> 2.2 s to tools/list at load 4.
    from deftly.server.app.early import EarlyAnswers
    from deftly.server.runtime import Runtime

    # And a first find_procedure is answered before the SDK is imported too (app/early_find.py), whose import
    # waits meanwhile: both hold the GIL, so importing it alongside delayed that find by as long.
    early = EarlyAnswers.start(settings.home, settings.model_dump_json(), settings.limits(), listen=False)
    runtime = Runtime(settings)
    opened_early = early.recorded
    if opened_early:
        from deftly.server.app.early_find import EarlyFind, plain_find

        runtime.start()
        early.find_arguments = plain_find
        early.find = EarlyFind(runtime)
    early.listen()
    if opened_early:
        _hold_sdk(early, runtime)
    try:
        from deftly.server.app.server import build_server
        from deftly.server.app.stdio import run_stdio

        server = build_server(settings, runtime)
        stop = SignalStop(cleanup=lambda: runtime.stop(every_user=True))
        with stop.installed():
            run_stdio(server, settings.limits(), early)
    finally:
        if opened_early:
            early.finish(SDK_HELD_AT_MOST_SECONDS)
            runtime.stop()
    return _exit_code(stop)


def _hold_sdk(early: EarlyAnswers, runtime: Runtime) -> None:
    """Wait before importing the SDK until a line needs it, a find answered early was answered, or the model
    has loaded (and the snapshot been read) with no find being answered; at most SDK_HELD_AT_MOST_SECONDS."""
    deadline = time.monotonic() + SDK_HELD_AT_MOST_SECONDS
    while not early.sdk_wanted.wait(SDK_HOLD_POLL_SECONDS):
        if time.monotonic() > deadline or (runtime.opened_early_parts() and not early.finding):
            return


def _exit_code(stop: SignalStop) -> int:
    return EXIT_OK if stop.code is None else stop.code


def _serve_http(server: DeftlyServer, settings: Settings) -> SignalStop:
    import uvicorn

    from deftly.server.app.http import check_bind, http_app

    check_bind(settings)
    path = "/sse" if settings.transport == "sse" else "/mcp"
    log.info("deftly serving %s on http://%s:%d%s", settings.transport, settings.host, settings.port, path)
    config = uvicorn.Config(
        http_app(server, settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,
        timeout_graceful_shutdown=1,
    )
    # uvicorn shuts down gracefully (closing connections, then the lifespan's runtime.stop()); the stop
    # waits for that, and exits the process if it takes longer than the grace period.
    finished = threading.Event()
    stop = SignalStop(cleanup=lambda: _wait(finished))
    with stop.installed():
        _bounded_server(config, stop).run()
    finished.set()
    return stop


def _wait(event: threading.Event) -> None:
    event.wait()


def _bounded_server(config: Any, stop: SignalStop) -> Any:
    """uvicorn's Server, whose own signal handler (installed while it serves) also arms ``stop``."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            stop.arm(sig)
            super().handle_exit(sig, frame)

    return Server(config)


class SignalStop:
    """On SIGINT or SIGTERM: run ``cleanup`` for at most ``grace`` seconds, then exit the process."""

    def __init__(self, cleanup: Callable[[], None], grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        self.cleanup = cleanup
        self.grace = grace
        self.code: int | None = None
        self._lock = threading.Lock()

    def installed(self) -> _Installed:
        return _Installed(self)

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if not self.arm(signum):
            _exit(self.code if self.code is not None else EXIT_INTERRUPTED)

    def arm(self, signum: int) -> bool:
        """Start the bounded shutdown; False when it had already started (a second signal)."""
        with self._lock:
            if self.code is not None:
                return False
            self.code = _EXIT_CODES.get(signal.Signals(signum), EXIT_INTERRUPTED)
        log.info("deftly serve: %s received, stopping", signal.Signals(signum).name)
        threading.Thread(target=self._finish, name="deftly-stop", daemon=True).start()
        return True

    def _finish(self) -> None:
        worker = threading.Thread(target=self._cleanup, name="deftly-cleanup", daemon=True)
        worker.start()
        worker.join(self.grace)
        _exit(self.code if self.code is not None else EXIT_INTERRUPTED)

    def _cleanup(self) -> None:
        try:
            self.cleanup()
        except Exception:  # exiting anyway; the log says what did not close cleanly
            log.exception("deftly serve: cleanup on exit failed")


class _Installed:
    """Context manager: the stop's handler for SIGINT and SIGTERM, the previous handlers restored after."""

    def __init__(self, stop: SignalStop) -> None:
        self.stop = stop
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> SignalStop:
        if threading.current_thread() is threading.main_thread():
            for sig in _EXIT_CODES:
                self.previous[sig] = signal.signal(sig, self.stop.handle)
        return self.stop

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def _exit(code: int) -> None:
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
