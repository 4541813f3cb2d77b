"""The one place domain errors become HTTP responses: JSON with a stable code and a message."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain import errors
from infra.store_outages import STORE_ERRORS, is_store_outage
from services.auth import InvalidTokenError

log = logging.getLogger("aduan.api")
RETRY_AFTER_SECONDS = 5

STATUS_BY_ERROR: list[tuple[type[errors.DomainError], int]] = [
    (InvalidTokenError, 401),
    (errors.NotFoundError, 404),
    (errors.ForbiddenError, 403),
    (errors.InvalidTransitionError, 409),
    (errors.AlreadyExistsError, 409),
    (errors.ConcurrentUpdateError, 409),
    (errors.StaleVersionError, 412),
    (errors.RuleViolationError, 422),
]


class ErrorResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class AuthenticationRequiredError(errors.DomainError):
    code = "authentication_required"


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({key: value for key, value in details.items() if value is not None})
    return body


def status_for(error: errors.DomainError) -> int:
    if isinstance(error, AuthenticationRequiredError):
        return 401
    for error_class, status in STATUS_BY_ERROR:
        if isinstance(error, error_class):
            return status
    return 400


async def domain_error_handler(_request: Request, error: Exception) -> ErrorResponse:
    assert isinstance(error, errors.DomainError)
    status = status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = error_body(error.code, error.message, **error.context)
    return ErrorResponse(body, status_code=status, headers=headers)


def _described(problem: dict[str, Any]) -> dict[str, Any]:
    if problem["type"] == "json_invalid":
        # Not JSON: the body is at fault, named alike whichever parser found it (FastAPI's
        # puts the character it stopped at in the location: body.12).
        return {
            "field": "body",
            "message": f"Invalid JSON: {problem['ctx']['error']}",
            "type": problem["type"],
        }
    return {
        "field": ".".join(str(part) for part in problem["loc"]),
        "message": problem["msg"],
        "type": problem["type"],
    }


def _unreadable_body(error: StarletteHTTPException) -> RequestValidationError | None:
    """The 422 of a body that is not JSON, for FastAPI's 400: FastAPI reports a syntax error
    in a body as 422 itself, but any other failure of its JSON decoder (too deep, not text,
    a number too long) as 400, raised from the decoder's error."""
    cause = error.__cause__
    if error.status_code != 400 or not isinstance(cause, RecursionError | ValueError):
        return None
    if isinstance(cause, RecursionError):
        reason = "nested too deeply"
    elif isinstance(cause, UnicodeDecodeError):
        reason = "not Unicode text"
    else:  # Python's limit on the digits of an integer
        reason = "a number too long"
    problem = {"type": "json_invalid", "loc": ("body",), "ctx": {"error": reason}}
    return RequestValidationError([problem])


async def validation_error_handler(_request: Request, error: Exception) -> ErrorResponse:
    assert isinstance(error, RequestValidationError)
    problems = [_described(problem) for problem in error.errors()]
    fields = ", ".join(problem["field"] for problem in problems)
    return ErrorResponse(
        error_body("validation_error", f"Invalid input: {fields}.", errors=problems),
        status_code=422,
    )


async def http_error_handler(request: Request, error: Exception) -> ErrorResponse:
    assert isinstance(error, StarletteHTTPException)
    unreadable = _unreadable_body(error)
    if unreadable is not None:
        return await validation_error_handler(request, unreadable)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return ErrorResponse(
        error_body(code, str(error.detail)),
        status_code=error.status_code,
        headers=error.headers,
    )


async def store_error_handler(request: Request, error: Exception) -> ErrorResponse:
    """503 while a database does not answer; any other database error is a fault, left to
    the server's own handling (500, and logged with its traceback)."""
    if not is_store_outage(error):
        raise error
    log.warning("%s %s: a store is not answering: %s", request.method, request.url.path, error)
    return ErrorResponse(
        error_body(
            "store_unavailable",
            "The ledger's database is not answering; try again shortly. GET /health "
            "tells when it answers again.",
        ),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


HANDLERS: dict[type[Exception], Callable[[Request, Exception], Awaitable[ErrorResponse]]] = {
    errors.DomainError: domain_error_handler,
    RequestValidationError: validation_error_handler,
    StarletteHTTPException: http_error_handler,
    **dict.fromkeys(STORE_ERRORS, store_error_handler),
}
HANDLED_ERRORS = tuple(HANDLERS)


def install_error_handlers(app: FastAPI) -> None:
    for error_class, handler in HANDLERS.items():
        app.add_exception_handler(error_class, handler)


async def error_response(request: Request, error: Exception) -> ErrorResponse:
    """The response the app's handlers give ``error`` (one of ``HANDLED_ERRORS``), for
    code that runs outside the router."""
    handler = next(HANDLERS[cls] for cls in type(error).__mro__ if cls in HANDLERS)
    return await handler(request, error)
