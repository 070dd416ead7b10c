"""Several writers on one store: commits that lost to other writers are retried, and the learning role on a
shared store is a lease in the store's ``lease`` table, so one server on any machine extracts procedures at
a time (what ``worker.lock`` does for the processes of one home).

LanceDB re-applies a commit that lost the race for a version a few times, then gives up ("Too many
concurrent writers"): measured with 8 callers on two servers rating one procedure on the local S3 server,
a counter update failed that way after 30 s. ``RetryingTable`` tries such a write again (it was not
committed) with a jittered backoff, so a burst of writers slows down instead of losing a write.

The lease is the one row of the ``lease`` table, created with the table (so two servers creating it at once
make one table and one row: the second creation fails and opens the first's); its value is ``<expiry in epoch
ms, 15 digits> <holder>``. Taking or renewing it is one conditional SQL update (``WHERE value < now OR holder
is me``). LanceDB commits on S3 with a conditional write and re-runs an update that lost the race on the
version that won it, so of two servers trying at once exactly one updates the row; the other's ``WHERE`` no
longer matches (tests/server/test_team_memory.py: three processes taking turns for 15 s on a 2 s lease
never overlap; with the expiry test removed from the ``WHERE`` they do).

Expiry is wall-clock time, compared across machines: their clocks must agree to well under the lease (NTP).
"""

from __future__ import annotations

import logging
import os
import random
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from deftly.server.storage.schema import sql_str
from deftly.tools.errors import DeftlyError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Messages of a commit LanceDB gave up on because other writers kept winning; nothing was committed.
LOST_COMMIT = ("Too many concurrent writers", "ommit conflict")
COMMIT_ATTEMPTS = 8
FIRST_BACKOFF_SECONDS = 0.05

LEASE_KEY = "worker_lease"
NOBODY = "-"
LEASE_TABLE = "lease"
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

    def __init__(self, lease_table: Any, seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._table = lease_table
        self.seconds = seconds
        self._clock = clock
        host = "".join(c if c.isalnum() or c in "-." else "-" for c in socket.gethostname())[:40]
        self.holder = f"{host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._expires = 0.0  # when the store lets another server take over (by our clock)
        self._next_try = 0.0
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
            self._table.update(where=self._mine(), values={"value": _value(0.0, NOBODY)})
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
                result = self._table.update(where=free, values={"value": _value(expires, self.holder)})
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

    def _mine_clause(self) -> str:
        return f"value LIKE {sql_str('% ' + self.holder)}"

    def _mine(self) -> str:
        return f"key = {sql_str(LEASE_KEY)} AND {self._mine_clause()}"


def initial_lease_row() -> dict[str, str]:
    return {"key": LEASE_KEY, "value": _value(0.0, NOBODY)}


def _stamp(epoch_seconds: float) -> str:
    return f"{int(epoch_seconds * 1000):015d}"


def _value(expires: float, holder: str) -> str:
    return f"{_stamp(expires)} {holder}"


def lost_commit(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError | OSError | ValueError) and any(m in str(exc) for m in LOST_COMMIT)


def retry_commit(write: Callable[[], T], what: str = "write") -> T:
    """Run ``write`` again while it fails only because other writers' commits kept winning."""
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            return write()
        except Exception as exc:
            if attempt == COMMIT_ATTEMPTS or not lost_commit(exc):
                raise
            pause = FIRST_BACKOFF_SECONDS * 2**attempt * random.uniform(0.5, 1.5)
            log.info("%s lost to concurrent writers (attempt %d); retrying in %.2f s", what, attempt, pause)
            time.sleep(pause)
    raise AssertionError("unreachable")


class RetryingTable:
    """A LanceDB table whose writes (add, update, delete, merge_insert) are retried by ``retry_commit``;
    everything else is the table's own."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    @property
    def table(self) -> Any:
        return self._table

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return retry_commit(lambda: self._table.add(*args, **kwargs), f"add to {self._table.name}")

    def update(self, *args: Any, **kwargs: Any) -> Any:
        return retry_commit(lambda: self._table.update(*args, **kwargs), f"update of {self._table.name}")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return retry_commit(lambda: self._table.delete(*args, **kwargs), f"delete from {self._table.name}")

    def merge_insert(self, on: Any) -> _RetryingMerge:
        return _RetryingMerge(self._table, on, [])


class _RetryingMerge:
    """A merge_insert builder replayed from scratch on each attempt (a builder is spent by ``execute``)."""

    def __init__(self, table: Any, on: Any, calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> None:
        self._table, self._on, self._calls = table, on, calls

    def __getattr__(self, name: str) -> Callable[..., _RetryingMerge]:
        def record(*args: Any, **kwargs: Any) -> _RetryingMerge:
            return _RetryingMerge(self._table, self._on, [*self._calls, (name, args, kwargs)])

        return record

    def execute(self, data: Any, **kwargs: Any) -> Any:
        def attempt() -> Any:
            builder = self._table.merge_insert(self._on)
            for name, args, call_kwargs in self._calls:
                builder = getattr(builder, name)(*args, **call_kwargs)
            return builder.execute(data, **kwargs)

        return retry_commit(attempt, f"merge into {self._table.name}")


class StoreUnreachable(DeftlyError, RuntimeError):
    """An object store could not be reached, or refused us (the message says what to check)."""


def is_object_store(uri: str) -> bool:
    return "://" in uri


_STATUS_403 = re.compile(r"(?<![\w.])403(?![\w.])")


def unreachable(uri: str, exc: BaseException) -> StoreUnreachable:
    """A one-line account of why ``uri`` could not be opened, with what to check."""
    detail = str(exc)
    causes = (
        (("NoSuchBucket",), "the bucket does not exist: create it, or correct DEFTLY_STORE"),
        (
            ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "Forbidden", "credential"),
            "the credentials were refused: check DEFTLY_S3_ACCESS_KEY_ID / DEFTLY_S3_SECRET_ACCESS_KEY "
            "(or AWS_* / the AWS profile) and the bucket's policy",
        ),
        (
            ("Connect", "dns", "timed out", "Timeout", "builder error"),
            "the endpoint did not answer: check DEFTLY_S3_ENDPOINT, the network, and DEFTLY_S3_ALLOW_HTTP "
            "for a plain-http endpoint",
        ),
    )
    # A status 403 on its own, not the digits of "elapsed: 1.403476ms" in a retry report.
    said = detail + (" Forbidden" if _STATUS_403.search(detail) else "")
    reason = next((why for words, why in causes if any(word in said for word in words)), "")
    log.info("opening %s failed: %s", uri, detail)
    if not reason:
        reason = (detail.splitlines()[0][:200] if detail else type(exc).__name__) + " (the log has the rest)"
    message = f"cannot open the shared store {uri}: {reason}.\nData already stored there is untouched."
    return StoreUnreachable(message)


def create_index_once(table: Any, column: str, config: Any) -> None:
    """Create the index unless another process has: two servers opening one shared store at once both try,
    the loser's commit is preempted, and its retry finds the index there ("already exists")."""

    def create() -> None:
        try:
            table.create_index(column, config=config, replace=False)
        except Exception as exc:
            if "already exists" not in str(exc).lower():
                raise

    retry_commit(create, f"index on {column}")
