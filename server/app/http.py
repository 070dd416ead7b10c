"""Serving deftly over HTTP (streamable HTTP or legacy SSE) behind an Origin/Host check and a bearer token.

Loopback binds are the default. Binding any other address requires
``DEFTLY_AUTH_TOKEN``; every request must then carry ``Authorization: Bearer
<token>`` or gets 401. Browser requests from origins other than loopback (or
``DEFTLY_ALLOWED_ORIGINS``) get 403, which stops DNS-rebinding attacks.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from deftly.server.settings import Settings
from deftly.tools.errors import InvalidInput

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")


class HttpGuard:
    """ASGI middleware: Origin and Host validation, then bearer-token authentication."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        allowed_origins: Iterable[str] = (),
        allowed_hosts: Iterable[str] | None = None,
    ) -> None:
        self.app = app
        self.token = token
        self.allowed_origins = {o.rstrip("/").lower() for o in allowed_origins}
        self.allowed_hosts = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        origin = headers.get("origin")
        if origin and not self._origin_allowed(origin):
            await _reject(send, 403, f"Origin {origin!r} is not allowed; add it to DEFTLY_ALLOWED_ORIGINS.")
            return
        if self.allowed_hosts is not None and not self._host_allowed(headers.get("host", "")):
            await _reject(send, 421, "Host header not allowed; add it to DEFTLY_ALLOWED_HOSTS.")
            return
        if self.token is not None and not self._authorized(headers.get("authorization", "")):
            await _reject(send, 401, "Missing or wrong bearer token.", {"www-authenticate": 'Bearer realm="deftly"'})
            return
        await self.app(scope, receive, send)

    def _origin_allowed(self, origin: str) -> bool:
        normalized = origin.rstrip("/").lower()
        if normalized in self.allowed_origins:
            return True
        parts = urlsplit(normalized)
        return parts.scheme in ("http", "https") and (parts.hostname or "") in ("localhost", "127.0.0.1", "::1")

    def _host_allowed(self, host: str) -> bool:
        assert self.allowed_hosts is not None
        host = host.lower()
        name = host[: host.index("]") + 1] if host.startswith("[") and "]" in host else host.split(":")[0]
        return host in self.allowed_hosts or name in self.allowed_hosts

    def _authorized(self, header: str) -> bool:
        scheme, _, credentials = header.partition(" ")
        assert self.token is not None
        return scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), self.token.encode())


async def _reject(send: Send, status: int, message: str, extra: dict[str, str] | None = None) -> None:
    body = message.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def check_bind(settings: Settings) -> None:
    """Refuse to expose deftly beyond loopback without a token."""
    if not settings.is_loopback and settings.auth_token is None:
        raise InvalidInput(
            f"Binding {settings.host} exposes deftly to the network; set DEFTLY_AUTH_TOKEN to a long random "
            "secret (clients send it as 'Authorization: Bearer <token>'), or bind 127.0.0.1."
        )


def http_app(server: Any, settings: Settings) -> ASGIApp:
    """The ASGI app for the configured HTTP transport, wrapped in ``HttpGuard``."""
    from mcp.server.transport_security import TransportSecuritySettings

    # HttpGuard does the Host/Origin checks for every route, so the SDK's own check is off.
    security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    if settings.transport == "sse":
        app = server.sse_app(transport_security=security, host=settings.host)
    else:
        app = server.streamable_http_app(transport_security=security, host=settings.host)
    hosts = allowed_hosts(settings)
    token = settings.auth_token.get_secret_value() if settings.auth_token else None
    return HttpGuard(app, token=token, allowed_origins=settings.allowed_origins, allowed_hosts=hosts)


def allowed_hosts(settings: Settings) -> list[str] | None:
    if settings.allowed_hosts:
        return [*settings.allowed_hosts, *(() if not settings.is_loopback else LOOPBACK_NAMES)]
    if settings.is_loopback:
        return list(LOOPBACK_NAMES)
    return None


def serve_http(server: Any, settings: Settings) -> None:
    import uvicorn

    check_bind(settings)
    app = http_app(server, settings)
    path = "/sse" if settings.transport == "sse" else "/mcp"
    log.info("deftly serving %s on http://%s:%d%s", settings.transport, settings.host, settings.port, path)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower(), log_config=None)
