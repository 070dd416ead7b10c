"""Watching the served skills for changes and announcing ``notifications/resources/list_changed``
(see ``skills``' module docstring for how this sits on the SDK)."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
from mcp.server.connection import Connection
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.subscriptions import InMemorySubscriptionBus, ResourcesListChanged
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from deftly.server.app.skills import SkillCatalog
from deftly.tools.errors import DeftlyError

if TYPE_CHECKING:
    from deftly.server.runtime import Runtime

log = logging.getLogger(__name__)


class SkillChanges:
    """Announces ``notifications/resources/list_changed`` when the served skills change, from any process."""

    def __init__(self, runtime: Runtime, *, poll_seconds: float) -> None:
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        self.bus = InMemorySubscriptionBus()
        self._catalog = SkillCatalog(runtime)
        self._connections: weakref.WeakSet[Connection] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._version: int | None = None
        self._fingerprint: str | None = None

    async def track(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        """Middleware: remember each handshake-era connection once it is past ``initialize``."""
        result = await call_next(ctx)
        connection = getattr(ctx.session, "_connection", None)
        legacy = ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS
        if legacy and ctx.method != "initialize" and isinstance(connection, Connection):
            self._connections.add(connection)
        return result

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        """Watch the store for as long as the server runs."""
        async with anyio.create_task_group() as group:
            group.start_soon(self._watch)
            try:
                yield
            finally:
                group.cancel_scope.cancel()

    async def _watch(self) -> None:
        await anyio.to_thread.run_sync(self._start, abandon_on_cancel=True)
        while True:
            await anyio.sleep(self.poll_seconds)
            if await anyio.to_thread.run_sync(self.changed, abandon_on_cancel=True):
                await self.announce()

    def _start(self) -> None:
        try:
            self.runtime.ready(wanted=False)
        except DeftlyError:
            return
        self.changed()  # the first look is the baseline

    def changed(self) -> bool:
        """Whether the served skills differ from the last look (False on the first)."""
        with self._lock:
            try:
                self.runtime.ready(timeout=0)
                version = int(self.runtime.db.procedures.version)
                if version == self._version:
                    return False
                fingerprint = self._catalog.fingerprint()
            except DeftlyError:
                return False
            except Exception:  # a failed look is retried at the next poll
                log.exception("could not check the served skills for changes")
                return False
            first, self._version = self._fingerprint is None, version
            changed, self._fingerprint = fingerprint != self._fingerprint, fingerprint
            return changed and not first

    async def announce(self) -> None:
        await self.bus.publish(ResourcesListChanged())
        for connection in list(self._connections):
            try:
                await connection.send_resource_list_changed()
            except Exception:  # one broken connection must neither silence the others nor stop the watch
                log.exception("could not announce a resource list change")
