"""Service units over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from domain.values import Role

Headers = Callable[..., dict[str, str]]


def test_admin_registers_a_unit_with_its_own_sla(client: TestClient, token: Headers) -> None:
    body = {"unit_id": "samsat", "name": "Samsat Garut", "sla": {"first_response_working_days": 14}}
    response = client.post("/v1/units", json=body, headers=token(Role.ADMIN))
    assert response.status_code == 201
    assert response.json()["sla"]["first_response_working_days"] == 14
    assert response.json()["sla"]["verify_working_days"] == 3


def test_units_are_listed_in_registration_order_and_readable_publicly(
    client: TestClient, units: list[str]
) -> None:
    listed = client.get("/v1/units")
    assert listed.status_code == 200
    assert [unit["unit_id"] for unit in listed.json()] == ["disdukcapil", "rsud"]
    one = client.get("/v1/units/rsud")
    assert one.status_code == 200
    assert one.json()["name"] == "RSUD dr. Slamet"


def test_child_unit_names_its_parent(client: TestClient, units: list[str], token: Headers) -> None:
    body = {"unit_id": "rsud-igd", "name": "IGD RSUD", "parent_id": "rsud"}
    response = client.post("/v1/units", json=body, headers=token(Role.ADMIN))
    assert response.status_code == 201
    assert response.json()["parent_id"] == "rsud"


def test_unknown_parent_is_422(client: TestClient, token: Headers) -> None:
    body = {"unit_id": "igd", "name": "IGD", "parent_id": "nowhere"}
    response = client.post("/v1/units", json=body, headers=token(Role.ADMIN))
    assert response.status_code == 422
    assert response.json()["field"] == "parent_id"


def test_duplicate_unit_id_is_409(client: TestClient, units: list[str], token: Headers) -> None:
    body = {"unit_id": "rsud", "name": "Another RSUD"}
    response = client.post("/v1/units", json=body, headers=token(Role.ADMIN))
    assert response.status_code == 409
    assert response.json()["code"] == "already_exists"


def test_only_admins_register_units(client: TestClient, token: Headers) -> None:
    body = {"unit_id": "dinsos", "name": "Dinas Sosial"}
    assert client.post("/v1/units", json=body).status_code == 401
    response = client.post("/v1/units", json=body, headers=token(Role.COORDINATOR))
    assert response.status_code == 403
    assert client.get("/v1/units/dinsos").status_code == 404


def test_bad_unit_id_is_422(client: TestClient, token: Headers) -> None:
    response = client.post(
        "/v1/units", json={"unit_id": "Bad Id!", "name": "x y"}, headers=token(Role.ADMIN)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.unit_id"


def test_sla_days_out_of_range_is_422(client: TestClient, token: Headers) -> None:
    body = {"unit_id": "dinkes", "name": "Dinas Kesehatan", "sla": {"answer_days": 0}}
    response = client.post("/v1/units", json=body, headers=token(Role.ADMIN))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.sla.answer_days"


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/complaints/{complaint_id}/request-info" in paths
    assert "/v1/track/{tracking_number}" in paths


def test_openapi_describes_the_filing_body_with_every_schema_it_refers_to(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    body = document["paths"]["/v1/complaints"]["post"]["requestBody"]
    schemas = document["components"]["schemas"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Filing"}
    assert {"title", "description", "unit_id"} <= set(schemas["Filing"]["required"])
    refs = re.findall(r'"\$ref": ?"#/components/schemas/([^"]+)"', json.dumps(document))
    assert {"LocationIn", "ComplainantIn"} <= set(refs)
    assert set(refs) <= set(schemas), "every $ref resolves"
    security = document["paths"]["/v1/complaints"]["post"]["security"]
    assert {"HTTPBearer": []} in security and {} in security  # a staff token is optional
    assert "HTTPBearer" in document["components"]["securitySchemes"]
