"""ASGI middleware in front of every route: the bearer token (401) and the request size limit (413).

Both are plain ASGI, so they also hold for streamed and multipart bodies. A refused request's body is read
and thrown away (up to :data:`DRAIN_LIMIT`) before the answer, so that the client, still sending, reads the
JSON error instead of a reset connection; nothing of it is kept.
"""

from __future__ import annotations

import json
import logging

from starlette.exceptions import HTTPException

from core.serve.auth import Gate
from core.serve.schemas import error_body

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/healthz"})
"""Answer without a token: says only that the server is up."""
DRAIN_LIMIT = 64 * 2**20


class TooLarge(HTTPException):
    """Raised from ``receive`` when a body without Content-Length runs over the limit. An HTTPException, so
    that FastAPI's body parsing passes it on as it is instead of turning it into a 400."""

    def __init__(self, limit: int):
        super().__init__(413, f"The request is larger than this server's limit of {_size(limit)}.")


async def send_error(send, status: int, message: str, code: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(error_body(status, message, code)).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def drain(receive, limit: int = DRAIN_LIMIT) -> None:
    seen = 0
    while seen <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


class RequestGate:
    """401 without a valid token (when one exists), 413 for a body over ``max_body`` bytes."""

    def __init__(self, app, *, gate: Gate, max_body: int, on_reject=None):
        self.app, self.gate, self.max_body = app, gate, max_body
        self.on_reject = on_reject or (lambda path, status: None)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path not in OPEN_PATHS and not self.gate.allows(_header(scope, b"authorization")):
            self.on_reject(path, 401)
            await drain(receive)
            await send_error(send, 401, "A valid 'Authorization: Bearer <token>' header is required.",
                             "invalid_api_key", {"www-authenticate": "Bearer"})
            return
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._too_large(path, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise TooLarge(self.max_body)
            return message

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except TooLarge:
            if started:
                raise
            await self._too_large(path, receive, send)

    async def _too_large(self, path, receive, send) -> None:
        self.on_reject(path, 413)
        await drain(receive)
        await send_error(send, 413, TooLarge(self.max_body).detail, "request_too_large")
