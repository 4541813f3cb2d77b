"""A body that is not JSON gets the same 422 naming `body` on every route that takes one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infra.settings import Settings
from services.api.app import create_app

UUID = "00000000-0000-4000-8000-000000000000"
PATH_VALUES = {
    "complaint_id": UUID,
    "promise_id": UUID,
    "unit_id": "dinsos",
    "ref": "0" * 32,
}
NOT_JSON = {
    "nested_too_deeply": b"[" * 5000 + b"]" * 5000,
    "cut_short": b'{"note": "sudah',
    "not_text": b"\xff\xfe{",
    "number_too_long": b"1" * 5000,
}


def json_body_routes() -> list[tuple[str, str]]:
    """(method, path) of every route whose body is JSON, from the OpenAPI document."""
    document = create_app(Settings(database_url="sqlite:///unused.db")).openapi()
    return [
        (method.upper(), path.format(**PATH_VALUES))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path: Path = tmp_path_factory.mktemp("bodies")
    settings = Settings(
        database_url=f"sqlite:///{path}/bodies.db",
        secret_key="b" * 40,
        ledger_signing_key_file=path / "ledger.key",
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_routes_checked_include_filing_units_and_actions() -> None:
    paths = {path for _method, path in json_body_routes()}
    assert {"/v1/complaints", "/v1/units", f"/v1/complaints/{UUID}/close"} <= paths


@pytest.mark.parametrize("body", NOT_JSON.values(), ids=NOT_JSON.keys())
@pytest.mark.parametrize(("method", "path"), json_body_routes())
def test_a_body_that_is_not_json_is_422_naming_the_body(
    client: TestClient, method: str, path: str, body: bytes
) -> None:
    headers = {"Content-Type": "application/json"}
    response = client.request(method, path, content=body, headers=headers)
    problems = response.json().get("errors", [])
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert [(problem["field"], problem["type"]) for problem in problems] == [
        ("body", "json_invalid")
    ]
    assert problems[0]["message"].startswith("Invalid JSON: ")
