"""What a request body must be before any of it is parsed: JSON (else 415), and at most the
limit (else 413).

The body (at most the limit) is read first, then handed on; chunked uploads without a
Content-Length are counted as they arrive.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body_message: Message = {"type": "http.request", "body": b"".join(chunks)}
        await self.app(scope, _replay([body_message], then=receive), send)

    async def _refuse(self, send: Send) -> None:
        await _send_error(send, 413, {
            "code": "body_too_large",
            "message": f"The request body is over {self.max_bytes} bytes.",
            "limit_bytes": self.max_bytes,
        })  # fmt: skip


class JsonBodyMiddleware:
    """A request with a body declared as anything but JSON (``application/json``, or
    ``application/<name>+json``) is 415: every route reads JSON, and the media types a web
    page may send to another site without asking first (form posts, ``text/plain``) are
    never taken for it. A body without a Content-Type is read as JSON."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            media_type = _declared_media_type(scope)
            if media_type is not None and not _is_json(media_type) and _has_body(scope):
                await _send_error(send, 415, {
                    "code": "unsupported_media_type",
                    "message": f"The body is declared as {media_type}: send JSON, with "
                    "Content-Type: application/json.",
                    "field": "Content-Type",
                })  # fmt: skip
                return
        await self.app(scope, receive, send)


def _declared_media_type(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"content-type":
            declared: str = value.decode("latin-1")
            return declared.partition(";")[0].strip().lower()
    return None


def _is_json(media_type: str) -> bool:
    kind, _, subtype = media_type.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def _has_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
            return True
    return False


async def _send_error(send: Send, status: int, error: dict[str, object]) -> None:
    body = orjson.dumps(error)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
