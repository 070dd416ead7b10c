"""Serving deftly over HTTP (streamable HTTP or legacy SSE) behind an Origin/Host check and a bearer token.

Loopback binds are the default. Binding any other address requires
``DEFTLY_AUTH_TOKEN``; every request must then carry ``Authorization: Bearer
<token>`` or gets 401. Browser requests from origins other than loopback (or
``DEFTLY_ALLOWED_ORIGINS``) get 403, which stops DNS-rebinding attacks.

Every POSTed message then passes the same checks as a stdio line (``wire.check_message``, with
``Settings.limits``): a body over ``DEFTLY_MAX_REQUEST_BYTES`` gets 413, a body that is not UTF-8 JSON,
nests too deep or holds a lone surrogate or an integer beyond 64 bits gets 400; both carry a JSON-RPC
error. The SDK checks the JSON-RPC envelope itself and answers over HTTP.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deftly.server.app.wire import Rejected, check_message, too_large
from deftly.server.settings import Settings
from deftly.tools.errors import InvalidInput
from deftly.tools.limits import DEFAULT_LIMITS, Limits

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
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.app = app
        self.limits = limits
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
        if scope["type"] == "http" and scope.get("method") == "POST":
            await self._checked(scope, receive, send, headers)
            return
        await self.app(scope, receive, send)

    async def _checked(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        """Read the body, check it as one JSON-RPC message, then hand it on (replayed) or answer the error."""
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.request_bytes:
            await _reject_message(send, 413, too_large(int(declared), b"", self.limits))
            return
        body, size, more = bytearray(), 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= self.limits.request_bytes:
                body += chunk
            more = message.get("more_body", False)
        if size > self.limits.request_bytes:
            await _reject_message(send, 413, too_large(size, bytes(body), self.limits))
            return
        checked = check_message(bytes(body), self.limits)
        if isinstance(checked, Rejected):
            log.warning("answered a bad HTTP message with error %d: %s", checked.code, checked.message)
            await _reject_message(send, 400, checked)
            return
        await self.app(scope, _replay(bytes(body), receive), send)

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


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _reject_message(send: Send, status: int, rejected: Rejected) -> None:
    body = json.dumps(rejected.reply()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
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
    # HttpGuard enforces the body limit first (with a JSON-RPC error); the SDK's own is set to the same value.
    size = settings.max_request_bytes
    if settings.transport == "sse":
        app = server.sse_app(transport_security=security, host=settings.host, max_request_body_size=size)
    else:
        app = server.streamable_http_app(transport_security=security, host=settings.host, max_request_body_size=size)
    hosts = allowed_hosts(settings)
    token = settings.auth_token.get_secret_value() if settings.auth_token else None
    return HttpGuard(
        app, token=token, allowed_origins=settings.allowed_origins, allowed_hosts=hosts, limits=settings.limits()
    )


def allowed_hosts(settings: Settings) -> list[str] | None:
    if settings.allowed_hosts:
        return [*settings.allowed_hosts, *(() if not settings.is_loopback else LOOPBACK_NAMES)]
    if settings.is_loopback:
        return list(LOOPBACK_NAMES)
    return None
