"""What a request body must be before any of it is parsed: JSON (else 415), and at most the
limit (else 413).

The body (at most the limit) is read first, then handed on; chunked uploads without a
Content-Length are counted as they arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.api.errors import error_body


@dataclass(frozen=True)
class _Declared:
    """What the request's headers say of its body."""

    length: int | None  # Content-Length, when it is a number
    media_type: str | None  # Content-Type without its parameters, lower case
    chunked: bool  # Transfer-Encoding given: a body of unknown length follows

    @property
    def has_body(self) -> bool:
        return self.chunked or bool(self.length)


class RequestBodyMiddleware:
    """A body declared as anything but JSON (``application/json``, or
    ``application/<name>+json``) is 415: every route reads JSON, and the media types a web
    page may send to another site without asking first (form posts, ``text/plain``) are
    never taken for it. A body without a Content-Type is read as JSON. A body over
    ``max_bytes`` is 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared(scope)
        media_type = declared.media_type
        if media_type is not None and declared.has_body and not _is_json(media_type):
            await _send_error(send, 415, error_body(
                "unsupported_media_type",
                f"The body is declared as {media_type}: send JSON, with "
                "Content-Type: application/json.",
                field="Content-Type",
            ))  # fmt: skip
            return
        if declared.length is not None and declared.length > self.max_bytes:
            await self._refuse_size(send)
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
                await self._refuse_size(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body_message: Message = {"type": "http.request", "body": b"".join(chunks)}
        await self.app(scope, _replay([body_message], then=receive), send)

    async def _refuse_size(self, send: Send) -> None:
        await _send_error(send, 413, error_body(
            "body_too_large",
            f"The request body is over {self.max_bytes} bytes.",
            limit_bytes=self.max_bytes,
        ))  # fmt: skip


def _declared(scope: Scope) -> _Declared:
    length: int | None = None
    media_type: str | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                length = None
        elif name == b"content-type":
            declared: str = value.decode("latin-1")
            media_type = declared.partition(";")[0].strip().lower()
        elif name == b"transfer-encoding":
            chunked = True
    return _Declared(length, media_type, chunked)


def _is_json(media_type: str) -> bool:
    kind, _, subtype = media_type.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive


async def _send_error(send: Send, status: int, error: dict[str, Any]) -> None:
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
