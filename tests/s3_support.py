"""A local S3-compatible server (moto's server mode) for the team-memory tests and ``bench/team_memory.py``.

    python tests/s3_support.py [--port 9000]     # serve until interrupted (the README's try-out)

moto's server answers each request on its own thread and checks ``If-None-Match: *`` and ``If-Match`` before
storing the object, without a lock: two conditional PUTs of one key at the same instant can both succeed,
which S3 never allows (measured: the lease test saw two holders about one run in three). LanceDB's commits on
S3 are exactly such PUTs, so this server runs moto's app with conditional writes serialized; everything else
is moto's, unchanged.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# moto accepts any key; these only have to be present and identical everywhere.
ACCESS_KEY = "deftly-test"
SECRET_KEY = "deftly-test-secret"
REGION = "us-east-1"


def moto_missing() -> str | None:
    """Why the local S3 server cannot start here (None: it can)."""
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        return 'moto[server] is not installed (pip install -e ".[test]")'
    return None


@dataclass(frozen=True)
class LocalS3:
    endpoint: str

    def new_store(self, prefix: str = "deftly") -> str:
        """A fresh, empty bucket; returns the store URI ``s3://bucket/prefix``."""
        bucket = f"team-{uuid.uuid4().hex[:12]}"
        # moto's server creates a bucket on an unsigned PUT, as `curl -X PUT` in the README does.
        request = urllib.request.Request(f"{self.endpoint}/{bucket}", method="PUT")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200, response.status
        return f"s3://{bucket}/{prefix}"

    def env(self, store: str, **extra: str) -> dict[str, str]:
        """The ``DEFTLY_*`` settings that point a deftly process at ``store`` on this server."""
        return {
            "DEFTLY_STORE": store,
            "DEFTLY_S3_ENDPOINT": self.endpoint,
            "DEFTLY_S3_REGION": REGION,
            "DEFTLY_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "DEFTLY_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "DEFTLY_S3_ALLOW_HTTP": "true",
            **extra,
        }

    def storage_options(self) -> dict[str, str]:
        return {
            "aws_endpoint": self.endpoint,
            "aws_region": REGION,
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
            "allow_http": "true",
        }

    def open_db(self, store: str) -> Any:
        """deftly's database on ``store``, opened in this process without the embedding model."""
        from deftly.server.background.embedding import BUILTIN_DIM, BUILTIN_NAME
        from deftly.server.storage.db import Database

        return Database(
            store, dimensions=BUILTIN_DIM, embedding_model=BUILTIN_NAME, storage_options=self.storage_options()
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(port: int) -> None:
    """moto's S3 app on 127.0.0.1:``port`` with its conditional writes made atomic (see the module doc)."""
    import threading

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    moto_app = DomainDispatcherApplication(create_backend_app)
    conditional = threading.Lock()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if "HTTP_IF_NONE_MATCH" not in environ and "HTTP_IF_MATCH" not in environ:
            return moto_app(environ, start_response)
        with conditional:  # check and store as one step, as S3 does
            return list(moto_app(environ, start_response))

    run_simple("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)


@contextmanager
def local_s3(log_path: Path | None = None) -> Iterator[LocalS3]:
    """The local S3 server on a free loopback port, stopped on exit."""
    port = _free_port()
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    process = subprocess.Popen(
        [sys.executable, __file__, "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        env=env,
    )
    try:
        _wait_for(port, process)
        yield LocalS3(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if log_path and not isinstance(log, int):
            log.close()


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local S3 server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the local S3 server did not answer on port {port} within {timeout} s")


# --- traces two teammates might record ----------------------------------------------------------------


def _call(number: int, tool: str, arguments: str, result: str) -> list[dict[str, Any]]:
    call = {"id": f"call_{number}", "type": "function", "function": {"name": tool, "arguments": arguments}}
    return [
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": f"call_{number}", "content": result},
    ]


def cancel_history(i: int) -> list[dict[str, Any]]:
    """'Cancel reservation X for user Y': every ``i`` gives other values, the same procedure."""
    reservation, user = f"R{100000 + i}", f"user_{i}"
    return [
        {"role": "user", "content": f"Cancel reservation {reservation} for user {user}"},
        *_call(1, "get_reservation_details", f'{{"reservation_id": "{reservation}"}}', f'{{"user_id": "{user}"}}'),
        *_call(2, "cancel_reservation", f'{{"reservation_id": "{reservation}"}}', '{"status": "cancelled"}'),
        {"role": "assistant", "content": f"Reservation {reservation} is cancelled."},
    ]


def address_history(i: int, secret: str = "") -> list[dict[str, Any]]:
    """'Change the shipping address of order X': every ``i`` gives other values, the same procedure."""
    order, street = f"#W{4800000 + i}", f"{i} Elm Street"
    note = f" The warehouse API key is {secret}." if secret else ""
    return [
        {"role": "user", "content": f"Change the shipping address of order {order} to {street}.{note}"},
        *_call(1, "get_order_details", f'{{"order_id": "{order}"}}', '{"status": "pending"}'),
        *_call(2, "modify_pending_order_address", f'{{"order_id": "{order}", "address1": "{street}"}}', "{}"),
        {"role": "assistant", "content": "The address is updated."},
    ]


# --- contending for the learning lease ------------------------------------------------------------------


def hold_lease_repeatedly(endpoint: str, store: str, seconds: float, duration: float, ready: Any, out: Any) -> None:
    """For ``duration`` seconds after every contender is ``ready``: take the store's lease whenever it is free,
    keep it a while (renewed meanwhile), hand it back and pause; put the (start, end) wall-clock intervals it
    was held on ``out``. Runs in a spawned process."""
    import random

    db = LocalS3(endpoint).open_db(store)
    held: list[tuple[float, float]] = []
    ready.wait(120)
    lease = db.lease(seconds)  # all at once: the first to create the lease table wins, the others open it
    until = time.time() + duration
    while time.time() < until:
        if not lease.acquire():
            time.sleep(0.05)
            continue
        start = time.time()
        keep_until = start + random.uniform(0.5, 2.5) * seconds  # often past a renewal
        while lease.held and time.time() < keep_until:
            time.sleep(0.02)
        end = time.time()
        held.append((start, end))
        lease.release()
        time.sleep(1.5 * seconds)  # as a server that stopped: the others (asking every third of a lease) take over
    out.put(held)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="moto's S3 server on loopback, conditional writes atomic")
    parser.add_argument("--port", type=int, default=9000)
    serve(parser.parse_args().port)
