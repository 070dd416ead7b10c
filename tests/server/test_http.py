"""``deftly serve`` over streamable HTTP and legacy SSE on loopback, and its HTTP security rules."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx2
import pytest
from deftly_support import (
    cancel_trace,
    deftly_command,
    free_port,
    http_server,
    learn,
    server_env,
    structured,
)
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

pytestmark = pytest.mark.slow

TOKEN = "test-token-5b0c0f3e9d2a4c7b"
ALLOWED_ORIGIN = "https://agents.example.com"
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


async def exercise(client: Client) -> None:
    """List the tools, learn a procedure and find it again: the whole loop over this transport."""
    assert len((await client.list_tools()).tools) == 4
    procedure_id = await learn(client, cancel_trace(), "over-http")
    found = structured(await client.call_tool("find_procedure", {"query": "cancel a reservation"}))
    assert [hit["id"] for hit in found["procedures"]] == [procedure_id]


@pytest.mark.anyio
async def test_streamable_http(deftly_home: Path) -> None:
    port = free_port()
    with http_server(deftly_home, "streamable-http", port):
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            await exercise(client)


@pytest.mark.anyio
async def test_legacy_sse(deftly_home: Path) -> None:
    port = free_port()
    exercised = False
    with http_server(deftly_home, "sse", port):
        try:
            async with Client(sse_client(f"http://127.0.0.1:{port}/sse"), mode="legacy") as client:
                await exercise(client)
                exercised = True
        except* anyio.BrokenResourceError:
            # The SDK's SSE client can race its own stream as it closes (seen under load 5-6); a broken
            # stream before every call was answered still fails the test.
            if not exercised:
                raise
    assert exercised


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
def test_non_loopback_bind_without_token_refuses_to_start(deftly_home: Path, transport: str) -> None:
    args = [*deftly_command(), "serve", "--transport", transport, "--host", "0.0.0.0", "--port", str(free_port())]

    done = subprocess.run(args, env=server_env(deftly_home), capture_output=True, text=True, timeout=60)

    assert done.returncode == 2
    assert "Binding 0.0.0.0 exposes deftly to the network; set DEFTLY_AUTH_TOKEN" in done.stderr
    assert done.stdout == ""


# --- a token-protected server shared by the header checks below -------------------------------------


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a streamable-HTTP server with DEFTLY_AUTH_TOKEN and one extra allowed Origin."""
    home = tmp_path_factory.mktemp("guarded") / "home"
    port = free_port()
    env = {"DEFTLY_AUTH_TOKEN": TOKEN, "DEFTLY_ALLOWED_ORIGINS": f'["{ALLOWED_ORIGIN}"]'}
    with http_server(home, "streamable-http", port, **env):
        yield f"http://127.0.0.1:{port}"


def post_initialize(base: str, **headers: str) -> httpx2.Response:
    return httpx2.post(f"{base}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **headers}, timeout=30)


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer wrong-token"}, {"authorization": TOKEN}, {"authorization": f"Basic {TOKEN}"}],
    ids=["no token", "wrong token", "no scheme", "wrong scheme"],
)
def test_requests_without_the_token_get_401(guarded: str, headers: dict[str, str]) -> None:
    response = post_initialize(guarded, **headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_request_with_the_token_succeeds(guarded: str) -> None:
    response = post_initialize(guarded, authorization=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert '"serverInfo"' in response.text


@pytest.mark.anyio
async def test_real_client_with_the_token(guarded: str) -> None:
    async with (
        httpx2.AsyncClient(headers={"authorization": f"Bearer {TOKEN}"}, timeout=30) as http,
        Client(streamable_http_client(f"{guarded}/mcp", http_client=http)) as client,
    ):
        found = structured(await client.call_tool("find_procedure", {"query": "anything"}))

    assert found["procedures"] == []


def test_sse_endpoint_also_requires_the_token(tmp_path: Path) -> None:
    port = free_port()
    with http_server(tmp_path / "home", "sse", port, DEFTLY_AUTH_TOKEN=TOKEN):
        response = httpx2.get(f"http://127.0.0.1:{port}/sse", timeout=30)

    assert response.status_code == 401


@pytest.mark.parametrize("origin", ["http://evil.example", "https://localhost.evil.example", "null"])
def test_foreign_origin_gets_403(guarded: str, origin: str) -> None:
    response = post_initialize(guarded, origin=origin, authorization=f"Bearer {TOKEN}")

    assert response.status_code == 403
    assert "DEFTLY_ALLOWED_ORIGINS" in response.text


@pytest.mark.parametrize(
    "origin",
    ["http://localhost:6274", "http://127.0.0.1:3000", "http://[::1]:8080", "https://localhost", ALLOWED_ORIGIN],
)
def test_loopback_and_configured_origins_pass(guarded: str, origin: str) -> None:
    response = post_initialize(guarded, origin=origin, authorization=f"Bearer {TOKEN}")

    assert response.status_code == 200


def test_foreign_host_header_is_refused(guarded: str) -> None:
    # A DNS-rebinding page reaches 127.0.0.1 under its own host name.
    response = post_initialize(guarded, host="rebound.evil.example", authorization=f"Bearer {TOKEN}")

    assert response.status_code == 421
