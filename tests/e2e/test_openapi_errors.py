"""The OpenAPI document describes the errors the API gives: their body, and the statuses
every operation can answer."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from infra.settings import Settings
from services.api.app import create_app
from services.api.error_docs import ErrorOut

DOCUMENT = create_app(Settings(database_url="sqlite:///unused.db")).openapi()
OPERATIONS = [
    (f"{method.upper()} {path}", operation)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
]
ERROR_REF = "#/components/schemas/ErrorOut"


def error_schema(operation: dict[str, Any], status: str) -> str | None:
    content = operation["responses"][status].get("content", {})
    ref: str | None = content.get("application/json", {}).get("schema", {}).get("$ref")
    return ref


def test_every_reference_resolves_and_fastapi_422_body_is_gone() -> None:
    text = json.dumps(DOCUMENT)
    referenced = set(re.findall(r"#/components/schemas/(\w+)", text))
    assert referenced <= set(DOCUMENT["components"]["schemas"])
    assert "HTTPValidationError" not in text


@pytest.mark.parametrize(("name", "operation"), OPERATIONS, ids=[name for name, _ in OPERATIONS])
def test_each_operation_lists_the_errors_every_route_can_give(
    name: str, operation: dict[str, Any]
) -> None:
    responses = operation["responses"]
    assert {"401", "503"} <= set(responses), name
    if "requestBody" in operation:
        assert {"413", "415", "422"} <= set(responses), name
    for status in responses:
        if status.startswith("4"):
            assert error_schema(operation, status) == ERROR_REF, f"{name} {status}"
    if not name.endswith(" /health"):
        assert error_schema(operation, "503") == ERROR_REF, name
        assert "Retry-After" in responses["503"]["headers"], name


def test_the_errors_sent_are_the_documented_body(
    client: TestClient,
    token: Callable[..., dict[str, str]],
    file_complaint: Callable[..., dict[str, Any]],
) -> None:
    filed = file_complaint()
    invalid = client.post("/v1/complaints", json={"title": ""})
    refused = client.post(
        f"/v1/complaints/{filed['id']}/resolve",
        json={"resolution": "Sudah.", "outcome": "fixed"},
        headers=token(Role.COORDINATOR),
    )
    assert (invalid.status_code, refused.status_code) == (422, 409)
    validation = ErrorOut.model_validate(invalid.json())
    assert validation.code == "validation_error"
    assert validation.errors is not None
    assert "body.unit_id" in {problem.field for problem in validation.errors}
    transition = ErrorOut.model_validate(refused.json())
    assert transition.code == "invalid_transition"
    assert transition.model_extra is not None
    assert "verify" in transition.model_extra["allowed_actions"]
