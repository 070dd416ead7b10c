"""In-process MCP fixtures: a real server (LanceDB on disk, the built-in model) behind a real ``mcp.Client``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from deftly_support import Connected
from mcp import Client

from deftly.server.app.server import build_server
from deftly.server.settings import Settings


@pytest.fixture
def settings(deftly_home: Path) -> Settings:
    return Settings(home=deftly_home, worker_poll_seconds=0.2)


@pytest.fixture(params=["auto", "legacy"])
async def connected(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Connected]:
    """``auto`` dispatches directly in-process; ``legacy`` runs the initialize handshake over JSON-RPC streams."""
    server = build_server(settings)
    async with Client(server, mode=request.param) as client:
        yield Connected(client, server)
