"""DirectRoute: one method and path served by its endpoint, everything else by the app."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from domain.errors import NotFoundError
from services.api.direct_route import DirectRoute


class FakeApp:
    """The rest of the app: records what reached it and answers 200."""

    def __init__(self) -> None:
        self.paths: list[tuple[str, str]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.paths.append((scope["method"], scope["path"]))
        await Response(b"app", status_code=200)(scope, receive, send)


async def filed(request: Request) -> Response:
    body = await request.body()
    if body == b"unknown":
        raise NotFoundError("No such thing.")
    return Response(b"filed " + body, status_code=201)


def call(route: DirectRoute, method: str, path: str, body: bytes = b"") -> list[Message]:
    scope: dict[str, Any] = {"type": "http", "method": method, "path": path, "headers": []}
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(route(scope, receive, send))
    return sent


def test_the_exact_method_and_path_are_answered_by_the_endpoint() -> None:
    app = FakeApp()
    sent = call(DirectRoute(app, "POST", "/v1/complaints", filed), "POST", "/v1/complaints", b"x")
    assert (sent[0]["status"], sent[1]["body"]) == (201, b"filed x")
    assert app.paths == []


def test_other_methods_and_paths_go_to_the_app() -> None:
    app = FakeApp()
    route = DirectRoute(app, "POST", "/v1/complaints", filed)
    for method, path in (("GET", "/v1/complaints"), ("POST", "/v1/complaints/"),
                         ("POST", "/v1/units")):  # fmt: skip
        sent = call(route, method, path)
        assert (sent[0]["status"], sent[1]["body"]) == (200, b"app")
    assert app.paths == [("GET", "/v1/complaints"), ("POST", "/v1/complaints/"),
                         ("POST", "/v1/units")]  # fmt: skip


def test_an_endpoint_error_gets_the_apps_error_response() -> None:
    route = DirectRoute(FakeApp(), "POST", "/v1/complaints", filed)
    sent = call(route, "POST", "/v1/complaints", b"unknown")
    assert sent[0]["status"] == 404
    assert sent[1]["body"] == b'{"code":"not_found","message":"No such thing."}'
