"""Filing a complaint, reading it back, and refusing bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from services.api.schemas import FiledComplaintOut

Headers = Callable[..., dict[str, str]]


def test_filing_returns_id_tracking_number_status_version_token_and_deadlines(
    file_complaint: Callable[..., dict[str, Any]],
) -> None:
    filed = file_complaint()
    assert filed["status"] == "submitted"
    assert filed["version"] == 1
    assert filed["tracking_number"].startswith("ADU-")
    assert len(filed["tracking_number"]) == 14
    assert filed["access_token"].startswith("aduan_")
    assert set(filed["deadlines"]) == {"verify", "answer", "resolution"}
    # 2026-11-23 is a Monday: three working days later ends Thursday at midnight WIB.
    assert filed["deadlines"]["verify"] == "2026-11-26T17:00:00Z"


def test_tracking_numbers_are_unique_and_not_sequential(
    file_complaint: Callable[..., dict[str, Any]],
) -> None:
    numbers = [file_complaint()["tracking_number"] for _ in range(20)]
    assert len(set(numbers)) == 20
    assert numbers != sorted(numbers)


def test_filing_answers_with_etag_and_location(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    response = client.post("/v1/complaints", json=filing())
    assert response.status_code == 201
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"/v1/complaints/{response.json()['id']}"


def test_complainant_reads_own_complaint_with_access_token_and_etag(
    client: TestClient, file_complaint: Callable[..., dict[str, Any]]
) -> None:
    filed = file_complaint()
    response = client.get(
        f"/v1/complaints/{filed['id']}", headers={"X-Access-Token": filed["access_token"]}
    )
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json()["complainant"]["name"] == "Siti Aminah"
    assert "access_token" not in response.json()


def test_reading_without_any_credentials_is_401(
    client: TestClient, file_complaint: Callable[..., dict[str, Any]]
) -> None:
    response = client.get(f"/v1/complaints/{file_complaint()['id']}")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"


def test_access_token_of_another_complaint_is_404(
    client: TestClient, file_complaint: Callable[..., dict[str, Any]]
) -> None:
    first, second = file_complaint(), file_complaint()
    response = client.get(
        f"/v1/complaints/{first['id']}", headers={"X-Access-Token": second["access_token"]}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_filing_for_an_unknown_unit_is_422_naming_unit_id(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    response = client.post("/v1/complaints", json=filing(unit_id="no-such-unit"))
    assert response.status_code == 422
    assert response.json()["field"] == "unit_id"


def test_missing_title_is_422_naming_the_field(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    body = filing()
    del body["title"]
    response = client.post("/v1/complaints", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.title"


def test_unknown_channel_and_bad_nik_are_422_naming_both_fields(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    body = filing(channel="pigeon", complainant={"name": "Budi", "nik": "12"})
    response = client.post("/v1/complaints", json=body)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"body.channel", "body.complainant.nik"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "body.title"),
        ({"description": " \n\t " * 4}, "body.description"),
        ({"description": "Jalan berlubang\u0000 di depan pasar."}, "body.description"),
        ({"category": "\u0007jalan"}, "body.category"),
        ({"complainant": {"name": "Budi", "nik": "\u0661" * 16}}, "body.complainant.nik"),
        (
            {"complainant": {"name": "Budi", "email": "budi@mail.id\u0000"}},
            "body.complainant.email",
        ),
        ({"complainant": {"name": " "}}, "body.complainant.name"),
        ({"location": {"address": "\t"}}, "body.location.address"),
    ],
)
def test_blank_text_control_characters_and_non_ascii_digits_are_422(
    client: TestClient,
    units: list[str],
    filing: Callable[..., dict[str, Any]],
    changes: dict[str, Any],
    field: str,
) -> None:
    response = client.post("/v1/complaints", json=filing(**changes))
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "ab"}, "body.title", "String should have at least 3 characters"),
        ({"description": "x" * 20001}, "body.description", "at most 20000 characters"),
        ({"category": "c" * 101}, "body.category", "at most 100 characters"),
        ({"complainant": {"name": "n" * 201}}, "body.complainant.name", "at most 200 characters"),
    ],
)
def test_text_of_the_wrong_length_is_422_counting_characters(
    client: TestClient,
    units: list[str],
    filing: Callable[..., dict[str, Any]],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = client.post("/v1/complaints", json=filing(**changes))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field
    assert message in error["message"]


def test_text_keeps_its_line_breaks_and_tabs(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    description = "Jalan berlubang:\r\n\t- di depan pasar\n\t- di dekat sekolah"
    response = client.post("/v1/complaints", json=filing(description=description))
    assert response.status_code == 201
    assert response.json()["description"] == description


def test_unexpected_field_is_422(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    response = client.post("/v1/complaints", json=filing(status="closed"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.status"


def test_latitude_without_longitude_is_422(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    response = client.post("/v1/complaints", json=filing(location={"latitude": -7.2}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.location"


def test_future_incident_date_is_422(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    response = client.post("/v1/complaints", json=filing(incident_date="2027-01-01"))
    assert response.status_code == 422
    assert response.json()["field"] == "incident_date"


def test_malformed_json_is_422_and_stores_nothing(
    client: TestClient, units: list[str], token: Headers
) -> None:
    response = client.post(
        "/v1/complaints", content=b'{"title": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_body_over_64_kib_is_413(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    body = filing(description="x" * (64 * 1024))
    response = client.post("/v1/complaints", json=body)
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_chunked_body_over_limit_is_413(client: TestClient, units: list[str]) -> None:
    def chunks() -> Any:
        for _ in range(70):
            yield b" " * 1024

    response = client.post(
        "/v1/complaints", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
@pytest.mark.parametrize("path", ["/v1/complaints", "/v1/units/disdukcapil/survey-responses"])
def test_a_body_declared_as_anything_but_json_is_415_and_files_nothing(
    client: TestClient,
    units: list[str],
    filing: Callable[..., dict[str, Any]],
    token: Headers,
    content_type: str,
    path: str,
) -> None:
    response = client.post(
        path, content=orjson.dumps(filing()), headers={"content-type": content_type}
    )
    assert response.status_code == 415
    assert (response.json()["code"], response.json()["field"]) == (
        "unsupported_media_type",
        "Content-Type",
    )
    assert client.get("/v1/complaints", headers=token(Role.COORDINATOR)).json()["items"] == []


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/merge-patch+json", None]
)
def test_a_json_body_is_read_whatever_its_json_media_type(
    client: TestClient,
    units: list[str],
    filing: Callable[..., dict[str, Any]],
    content_type: str | None,
) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    response = client.post("/v1/complaints", content=orjson.dumps(filing()), headers=headers)
    assert response.status_code == 201


def test_fully_anonymous_filing_has_no_complainant(
    client: TestClient, file_complaint: Callable[..., dict[str, Any]], token: Headers
) -> None:
    filed = file_complaint(anonymous=True, complainant=None)
    response = client.get(f"/v1/complaints/{filed['id']}", headers=token(Role.COORDINATOR))
    assert response.status_code == 200
    assert response.json()["complainant"] is None
    assert response.json()["complainant_hidden"] is False


def test_staff_filing_on_behalf_records_the_staff_member(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]], token: Headers
) -> None:
    staff = token(Role.COORDINATOR, subject="rina")
    filed = client.post("/v1/complaints", json=filing(channel="phone"), headers=staff).json()
    history = client.get(f"/v1/complaints/{filed['id']}/history", headers=staff).json()
    assert history[0]["actor"] == {"id": "rina", "role": "coordinator"}
    assert history[0]["data"]["channel"] == "phone"


def test_filing_response_is_exactly_its_documented_schema(
    client: TestClient, units: list[str], filing: Callable[..., dict[str, Any]]
) -> None:
    body = filing(location={"address": "Jl. Ahmad Yani 1", "latitude": -7.2, "longitude": 107.9},
                  incident_date="2026-11-20")  # fmt: skip
    filed = client.post("/v1/complaints", json=body).json()
    assert FiledComplaintOut.model_validate(filed).model_dump(mode="json") == filed


def test_a_filing_more_than_30_days_after_the_incident_is_accepted_and_marked(
    client: TestClient, file_complaint: Callable[..., dict[str, Any]], token: Headers
) -> None:
    # The clock starts on 23 November 2026 in Jakarta; 30 days before is 24 October.
    late = file_complaint(incident_date="2026-10-23")
    last_day = file_complaint(incident_date="2026-10-24")

    assert late["status"] == "submitted"
    assert late["filed_after_limit"] is True
    assert last_day["filed_after_limit"] is False
    read = client.get(f"/v1/complaints/{late['id']}", headers=token(Role.COORDINATOR))
    assert read.json()["filed_after_limit"] is True


def test_health_is_public_and_names_each_store(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "checks": {"event_store": "ok", "views": "ok"}}
    head = client.head("/health")
    assert head.status_code == 200
    assert head.content == b""
