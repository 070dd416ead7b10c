"""The learning role on a shared store: a lease in the store's ``meta`` table, so one server on any machine
extracts procedures at a time (what ``worker.lock`` does for the processes of one home).

The lease is one row, ``worker_lease``, whose value is ``<expiry in epoch ms, 15 digits> <holder>``. Taking or
renewing it is one conditional SQL update (``WHERE value < now OR holder is me``). LanceDB commits on S3 with
a conditional write and re-runs an update that lost the race on the version that won it, so of two servers
trying at once exactly one updates the row; the other's ``WHERE`` no longer matches. Measured on the local
S3 server: three processes contending for 15 s on a 0.6 s lease, 23 acquisitions, never two holders at once.

Expiry is wall-clock time, compared across machines: their clocks must agree to well under the lease (NTP).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from deftly.server.storage.schema import sql_str

log = logging.getLogger(__name__)

LEASE_KEY = "worker_lease"
NOBODY = "-"
# Renew (or, not holding it, ask again) once this fraction of the lease has passed; a holder that misses a
# renewal still has the rest.
RENEW_AFTER = 1 / 3
# Give up the role locally this long before the store would let another server take it.
SAFETY_MARGIN = 0.2


class WorkerLock(Protocol):
    """What the extraction worker needs from its lock: a file lock (one home) or a lease (a shared store)."""

    @property
    def held(self) -> bool: ...

    def acquire(self, blocking: bool = False) -> bool: ...

    def release(self) -> None: ...


class StoreLease:
    """The shared store's learning role, held for ``seconds`` at a time. Once taken, a thread renews it every
    third of a lease until ``release``, so a long extraction batch never outlives it."""

    def __init__(self, meta_table: Any, seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._meta = meta_table
        self.seconds = seconds
        self._clock = clock
        host = "".join(c if c.isalnum() or c in "-." else "-" for c in socket.gethostname())[:40]
        self.holder = f"{host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._expires = 0.0  # when the store lets another server take over (by our clock)
        self._next_try = 0.0
        self._row_seen = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    @property
    def held(self) -> bool:
        return self._clock() < self._expires - self.seconds * SAFETY_MARGIN

    def acquire(self, blocking: bool = False) -> bool:
        """Take the lease if it is free or expired. A server that does not hold it asks the store at most
        every third of a lease (each ask is a conditional update: a few requests)."""
        while not self.held:
            now = self._clock()
            if now >= self._next_try and self._take(now):
                self._start_renewing()
                return True
            if not blocking:
                return False
            time.sleep(max(0.05, self._next_try - now))
        return True

    def release(self) -> None:
        """Hand the role back at once (a stopping server), so another server need not wait for expiry."""
        self._stop.set()
        renewer, self._renewer = self._renewer, None
        if renewer is not None and renewer is not threading.current_thread():
            renewer.join(self.seconds)
        with self._lock:
            if self._expires <= self._clock():
                return
            self._expires = 0.0
        try:
            self._meta.update(where=self._mine(), values={"value": _value(0.0, NOBODY)})
        except Exception as exc:  # the lease then expires on its own
            log.info("could not hand back the learning lease (it expires by itself): %s", exc)

    def _start_renewing(self) -> None:
        self._stop.clear()
        if self._renewer is None or not self._renewer.is_alive():
            self._renewer = threading.Thread(target=self._renew, name="deftly-lease", daemon=True)
            self._renewer.start()

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds * RENEW_AFTER):
            if not self._take(self._clock()):
                log.warning("lost the learning lease; another server may take over extraction")
                return

    def _take(self, now: float) -> bool:
        with self._lock:
            self._next_try = now + self.seconds * RENEW_AFTER
            expires = now + self.seconds
            free = f"key = {sql_str(LEASE_KEY)} AND (value < {sql_str(_stamp(now))} OR {self._mine_clause()})"
            try:
                self._ensure_row()
                result = self._meta.update(where=free, values={"value": _value(expires, self.holder)})
            except Exception as exc:  # an unreachable store: the role lapses at expiry, as it does elsewhere
                log.warning("could not reach the store to hold the learning lease: %s", exc)
                return False
            if int(result.rows_updated) == 0:
                self._expires = 0.0
                return False
            if self._expires <= now:
                log.info("this server now learns from the shared store's traces (lease %s)", self.holder)
            self._expires = expires
            return True

    def _ensure_row(self) -> None:
        if self._row_seen or self._meta.count_rows(f"key = {sql_str(LEASE_KEY)}"):
            self._row_seen = True
            return
        # Two servers may add it at once: the copies are identical and every update changes all of them.
        self._meta.add([{"key": LEASE_KEY, "value": _value(0.0, NOBODY)}])
        self._row_seen = True

    def _mine_clause(self) -> str:
        return f"value LIKE {sql_str('% ' + self.holder)}"

    def _mine(self) -> str:
        return f"key = {sql_str(LEASE_KEY)} AND {self._mine_clause()}"


def _stamp(epoch_seconds: float) -> str:
    return f"{int(epoch_seconds * 1000):015d}"


def _value(expires: float, holder: str) -> str:
    return f"{_stamp(expires)} {holder}"
