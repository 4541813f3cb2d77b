"""One route served straight from its ASGI messages, ahead of FastAPI's router.

Filing is the route under sustained load (1,200 filings a second on one worker is the
target). Matching it among the app's routes and passing it through the route's wrappers
(dependency solving, two exit stacks, exception wrapping) cost a filing about as much
GIL time as drafting its events. This middleware calls the route's own endpoint for an
exact method and path, answers its errors with the app's handlers, and hands every other
request on. The route stays declared on its router, so the OpenAPI document describes it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from services.api.errors import HANDLED_ERRORS, error_response

Endpoint = Callable[[Request], Awaitable[Response]]


class DirectRoute:
    def __init__(self, app: ASGIApp, method: str, path: str, endpoint: Endpoint) -> None:
        self.app = app
        self.method, self.path, self.endpoint = method, path, endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != self.method:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive, send)
        try:
            response = await self.endpoint(request)
        except HANDLED_ERRORS as error:  # the same answers as through the router
            response = await error_response(request, error)
        await response(scope, receive, send)
