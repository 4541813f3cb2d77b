"""The error answers in the OpenAPI document, as the API gives them.

Every error is the body ``ErrorOut``: a stable ``code`` for programs, a ``message`` for
people, and context by error (``errors`` naming the fields of a 422, ``allowed_actions``
of a 409...). A route lists the errors its own rules give with ``errors(...)``;
``document_errors`` adds those every route can give, and puts this body in place of
FastAPI's own 422 body, which the API never sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from services.api.errors import RETRY_AFTER_SECONDS


class FieldProblemOut(BaseModel):
    field: str = Field(description="Where the problem is: `body.title`, `query.page_size`...")
    message: str
    type: str = Field(description="The kind of problem, e.g. `missing`, `string_too_long`")


class ErrorOut(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    code: str = Field(
        description="Stable, for programs: `validation_error`, `not_found`, "
        "`invalid_transition`, `store_unavailable`..."
    )
    message: str = Field(description="What went wrong and what to do, for people")
    errors: list[FieldProblemOut] | None = Field(
        default=None, description="The fields at fault (`validation_error` only)"
    )


MEANINGS = {
    401: "`authentication_required`: this needs a staff bearer token or the complaint's "
    "`X-Access-Token`; or `invalid_token`: a bearer token was sent that does not verify "
    "or has expired.",
    403: "`forbidden`: the caller's role may not do this.",
    404: "`not_found`: there is no such thing, or it is outside the caller's scope (an "
    "officer does not learn that a complaint of another unit exists).",
    409: "`invalid_transition` (the status does not allow the action; `status` and "
    "`allowed_actions` say what does), `concurrent_update` (another request saved first: "
    "read again and retry) or `already_exists`.",
    412: "`stale_version`: the `If-Match` version is not the current one; read again.",
    413: "`body_too_large`: the body is over the limit (`limit_bytes`).",
    415: "`unsupported_media_type`: the body is not declared as JSON.",
    422: "`validation_error` (`errors` names each field at fault) or `rule_violation` (the "
    "input is well formed but breaks a rule; the message says which).",
    503: "`store_unavailable`: the database is not answering; retry after `Retry-After` "
    "seconds (`GET /health` tells when it answers again).",
}
EVERY_ROUTE = (401, 503)
WITH_A_BODY = (413, 415, 422)
_SCHEMA = "#/components/schemas/"
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": f"{_SCHEMA}{ErrorOut.__name__}"}}}
_RETRY_AFTER = {
    "Retry-After": {
        "description": f"Seconds to wait ({RETRY_AFTER_SECONDS})",
        "schema": {"type": "integer"},
    },
}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses`` for a route whose own rules answer these statuses (as JSON, whatever
    the route's own media type)."""
    return {status: _answer(status) for status in statuses}


def document_errors(app: FastAPI) -> None:
    """Make the app's OpenAPI document list every operation's error answers."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _add_errors(build())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def _add_errors(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    found = ErrorOut.model_json_schema(ref_template=f"{_SCHEMA}{{model}}")
    schemas.update(found.pop("$defs", {}))
    schemas[ErrorOut.__name__] = found
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    for operation in _operations(document):
        responses = operation.setdefault("responses", {})
        statuses = [*EVERY_ROUTE]
        if "requestBody" in operation:
            statuses += WITH_A_BODY
        if "422" in responses or operation.get("parameters"):
            statuses.append(422)
        for status in statuses:
            if status == 422 or str(status) not in responses:
                responses[str(status)] = _answer(status)


def _answer(status: int) -> dict[str, Any]:
    answer = {"description": MEANINGS[status], "content": _ERROR_CONTENT}
    if status == 503:
        answer["headers"] = _RETRY_AFTER
    return answer


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for path_item in document.get("paths", {}).values()
        for operation in path_item.values()
    ]
