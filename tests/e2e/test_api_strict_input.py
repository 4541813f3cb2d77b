"""Booleans and numbers in request bodies are JSON booleans and numbers: no strings, no
booleans for numbers, nothing taken for what it is not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role

Filer = Callable[..., dict[str, Any]]
Headers = Callable[..., dict[str, str]]
PROMISE = "/v1/promises/00000000-0000-4000-8000-000000000000"
LOOSE = ["yes", "true", 1, 0]
NOT_INTEGERS = [True, "4", 4.0]


@pytest.mark.parametrize("value", LOOSE, ids=repr)
@pytest.mark.parametrize("field", ["anonymous", "confidential"])
def test_filing_flags_are_json_booleans(
    client: TestClient, units: list[str], filing: Filer, field: str, value: Any
) -> None:
    response = client.post("/v1/complaints", json=filing(**{field: value}))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, f"body.{field}")


@pytest.mark.parametrize("value", LOOSE, ids=repr)
def test_feedback_satisfied_is_a_json_boolean(
    client: TestClient, file_complaint: Filer, value: Any
) -> None:
    filed = file_complaint()
    response = client.post(
        f"/v1/complaints/{filed['id']}/feedback",
        json={"satisfied": value},
        headers={"X-Access-Token": filed["access_token"]},
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (
        422,
        "body.satisfied",
    )


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_feedback_rating_is_a_json_integer(
    client: TestClient, file_complaint: Filer, value: Any
) -> None:
    filed = file_complaint()
    response = client.post(
        f"/v1/complaints/{filed['id']}/feedback",
        json={"satisfied": True, "rating": value},
        headers={"X-Access-Token": filed["access_token"]},
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "body.rating")


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_survey_scores_are_json_integers(client: TestClient, units: list[str], value: Any) -> None:
    body = {"scores": [value] + [3] * 8}
    response = client.post("/v1/units/disdukcapil/survey-responses", json=body)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (
        422,
        "body.scores.0",
    )


@pytest.mark.parametrize("value", LOOSE, ids=repr)
def test_promise_verification_kept_is_a_json_boolean(
    client: TestClient, units: list[str], token: Headers, value: Any
) -> None:
    body = {"kept": value, "note": "Diperiksa."}
    response = client.post(f"{PROMISE}/verify", json=body, headers=token(Role.AUDITOR))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "body.kept")


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_unit_deadlines_are_json_integers(client: TestClient, token: Headers, value: Any) -> None:
    body = {"unit_id": "dinsos", "name": "Dinas Sosial", "sla": {"answer_days": value}}
    response = client.post("/v1/units", json=body, headers=token(Role.ADMIN))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (
        422,
        "body.sla.answer_days",
    )


@pytest.mark.parametrize("value", [True, "-6.2"], ids=repr)
@pytest.mark.parametrize("field", ["latitude", "longitude"])
def test_location_coordinates_are_json_numbers(
    client: TestClient, units: list[str], filing: Filer, field: str, value: Any
) -> None:
    location = {"latitude": -6.2, "longitude": 106}  # a whole number is a number
    response = client.post("/v1/complaints", json=filing(location={**location, field: value}))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (
        422,
        f"body.location.{field}",
    )
    assert client.post("/v1/complaints", json=filing(location=location)).status_code == 201
