"""Scope and privacy: who sees which complaint, and whose identity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from domain.values import Role

Headers = Callable[..., dict[str, str]]
Filer = Callable[..., dict[str, Any]]
PERSONAL_VALUES = ("Siti Aminah", "3205123456780001", "081234567890", "siti@example.id")


def route(client: TestClient, complaint: dict[str, Any], unit_id: str, token: Headers) -> None:
    coordinator = token(Role.COORDINATOR)
    url = f"/v1/complaints/{complaint['id']}"
    assert client.post(f"{url}/verify", headers=coordinator).status_code == 200
    forwarded = client.post(f"{url}/forward", json={"unit_id": unit_id}, headers=coordinator)
    assert forwarded.status_code == 200


def test_officer_cannot_see_a_complaint_before_it_is_routed(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    response = client.get(
        f"/v1/complaints/{filed['id']}", headers=token(Role.OFFICER, "disdukcapil")
    )
    assert response.status_code == 404


def test_officer_sees_and_answers_a_complaint_routed_to_their_unit(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    route(client, filed, "disdukcapil", token)
    officer = token(Role.OFFICER, "disdukcapil")
    url = f"/v1/complaints/{filed['id']}"
    assert client.get(url, headers=officer).status_code == 200
    answered = client.post(f"{url}/respond", json={"message": "Diproses."}, headers=officer)
    assert answered.status_code == 200
    assert answered.json()["status"] == "in_progress"


def test_officer_of_another_unit_gets_404_for_reads_and_actions(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    route(client, filed, "disdukcapil", token)
    outsider = token(Role.OFFICER, "rsud")
    url = f"/v1/complaints/{filed['id']}"
    assert client.get(url, headers=outsider).status_code == 404
    assert client.get(f"{url}/history", headers=outsider).status_code == 404
    response = client.post(f"{url}/respond", json={"message": "x"}, headers=outsider)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_officer_who_reroutes_loses_sight_of_the_complaint(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    route(client, filed, "disdukcapil", token)
    officer = token(Role.OFFICER, "disdukcapil")
    url = f"/v1/complaints/{filed['id']}"
    rerouted = client.post(
        f"{url}/forward", json={"unit_id": "rsud", "note": "Bukan wewenang kami."}, headers=officer
    )
    assert rerouted.status_code == 200
    assert rerouted.json()["unit_id"] == "rsud"
    assert client.get(url, headers=officer).status_code == 404
    assert client.get(url, headers=token(Role.OFFICER, "rsud")).status_code == 200


def test_supervisor_reads_complaints_of_their_units_only(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(unit_id="rsud")
    url = f"/v1/complaints/{filed['id']}"
    assert client.get(url, headers=token(Role.SUPERVISOR, "rsud")).status_code == 200
    assert client.get(url, headers=token(Role.SUPERVISOR, "disdukcapil")).status_code == 404


def test_anonymous_complainant_is_hidden_from_officers_everywhere(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(anonymous=True)
    route(client, filed, "disdukcapil", token)
    officer = token(Role.OFFICER, "disdukcapil")
    complaint = client.get(f"/v1/complaints/{filed['id']}", headers=officer)
    history = client.get(f"/v1/complaints/{filed['id']}/history", headers=officer)
    assert complaint.json()["complainant"] is None
    assert complaint.json()["complainant_hidden"] is True
    assert history.json()[0]["data"]["complainant"] == "hidden"
    for value in PERSONAL_VALUES:
        assert value not in complaint.text
        assert value not in history.text


def test_anonymous_complainant_is_visible_to_coordinators(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(anonymous=True)
    response = client.get(f"/v1/complaints/{filed['id']}", headers=token(Role.COORDINATOR))
    assert response.json()["complainant"]["name"] == "Siti Aminah"


def test_named_complainant_is_visible_to_the_routed_officer(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    route(client, filed, "disdukcapil", token)
    response = client.get(
        f"/v1/complaints/{filed['id']}", headers=token(Role.OFFICER, "disdukcapil")
    )
    assert response.json()["complainant"]["name"] == "Siti Aminah"


def test_public_tracking_shows_status_and_timeline_without_personal_data(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    route(client, filed, "disdukcapil", token)
    response = client.get(f"/v1/track/{filed['tracking_number']}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "forwarded"
    assert [entry["type"] for entry in body["timeline"]] == ["Filed", "Verified", "Forwarded"]
    assert body["timeline"][1]["actor_role"] == "coordinator"
    for value in (*PERSONAL_VALUES, "coordinator-test", filed["access_token"]):
        assert value not in response.text
    assert "description" not in body


def test_tracking_number_is_found_in_lower_case(client: TestClient, file_complaint: Filer) -> None:
    filed = file_complaint()
    response = client.get(f"/v1/track/{filed['tracking_number'].lower()}")
    assert response.status_code == 200
    assert response.json()["tracking_number"] == filed["tracking_number"]


def test_confidential_complaint_is_not_found_by_tracking_without_its_token(
    client: TestClient, file_complaint: Filer
) -> None:
    filed = file_complaint(confidential=True)
    assert client.get(f"/v1/track/{filed['tracking_number']}").status_code == 404
    other = file_complaint()
    wrong_token = {"X-Access-Token": other["access_token"]}
    assert (
        client.get(f"/v1/track/{filed['tracking_number']}", headers=wrong_token).status_code == 404
    )
    own_token = {"X-Access-Token": filed["access_token"]}
    response = client.get(f"/v1/track/{filed['tracking_number']}", headers=own_token)
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"


def test_unknown_tracking_number_is_404(client: TestClient, units: list[str]) -> None:
    response = client.get("/v1/track/ADU-0000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_tampered_token_is_401(client: TestClient, file_complaint: Filer, token: Headers) -> None:
    headers = token(Role.COORDINATOR)
    tampered = {"Authorization": headers["Authorization"][:-2] + "xx"}
    response = client.get(f"/v1/complaints/{file_complaint()['id']}", headers=tampered)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert response.headers["www-authenticate"] == "Bearer"
