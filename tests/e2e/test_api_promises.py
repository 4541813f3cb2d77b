"""Improvement promises over HTTP: the unit pledges, the improvement team verifies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from services.promises import PromiseDesk

Headers = Callable[..., dict[str, str]]
DRAFT = {
    "unit_id": "disdukcapil",
    "title": "Nomor antrean KTP-el",
    "commitment": "Nomor antrean dan jadwal layanan ditempel di loket.",
    "due_date": "2026-12-31",
    "answers_categories": ["adminduk"],
    "answers_skm_elements": ["waktu_penyelesaian"],
}


@pytest.fixture
def head(token: Headers) -> dict[str, str]:
    return token(Role.SUPERVISOR, "disdukcapil")


@pytest.fixture
def published(client: TestClient, units: list[str], head: dict[str, str]) -> dict[str, Any]:
    promise = client.post("/v1/promises", json=DRAFT, headers=head).json()
    url = f"/v1/promises/{promise['id']}"
    assert (
        client.post(f"{url}/sign", json={"signed_by": "Kepala Dinas"}, headers=head).status_code
        == 200
    )
    response = client.post(f"{url}/publish", headers=head)
    assert response.status_code == 200
    published_promise: dict[str, Any] = response.json()
    return published_promise


def listed(client: TestClient, headers: dict[str, str] | None = None, **params: str) -> Any:
    client.app.state.projections.catch_up()  # type: ignore[attr-defined]
    return client.get("/v1/promises", params=params, headers=headers or {}).json()


def test_a_drafted_promise_is_seen_by_staff_but_not_the_public(
    client: TestClient, units: list[str], head: dict[str, str]
) -> None:
    response = client.post("/v1/promises", json=DRAFT, headers=head)
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert [p["status"] for p in listed(client, head)] == ["draft"]
    assert listed(client) == []


def test_published_promise_is_public_and_progress_is_counted(
    client: TestClient, published: dict[str, Any], token: Headers, head: dict[str, str]
) -> None:
    officer = token(Role.OFFICER, "disdukcapil")
    url = f"/v1/promises/{published['id']}"
    noted = client.post(f"{url}/progress", json={"note": "Papan dipesan."}, headers=officer)
    assert noted.status_code == 200
    [public] = listed(client, unit_id="disdukcapil")
    assert (public["status"], public["progress_notes"]) == ("published", 1)
    assert public["answers_skm_elements"] == ["waktu_penyelesaian"]


def test_fulfilled_on_time_and_verified_counts_as_kept(
    client: TestClient, published: dict[str, Any], token: Headers, head: dict[str, str]
) -> None:
    url = f"/v1/promises/{published['id']}"
    assert client.post(f"{url}/fulfil", json={"evidence": "Foto."}, headers=head).status_code == 200
    verified = client.post(
        f"{url}/verify", json={"kept": True, "note": "Dicek."}, headers=token(Role.AUDITOR)
    )
    assert verified.status_code == 200
    assert (verified.json()["fulfilled_on_time"], verified.json()["verified_kept"]) == (True, True)
    listed(client)
    kept = client.get("/v1/promises/kept").json()
    assert kept == [
        {"unit_id": "disdukcapil", "due": 1, "kept_on_time": 1, "kept_on_time_rate": 1.0,
         "verified": 1, "verified_kept": 1}
    ]  # fmt: skip


def test_fulfilled_on_time_but_found_not_kept_by_the_team_is_not_kept(
    client: TestClient, published: dict[str, Any], token: Headers, head: dict[str, str]
) -> None:
    url = f"/v1/promises/{published['id']}"
    assert client.post(f"{url}/fulfil", json={"evidence": "Foto."}, headers=head).status_code == 200
    listed(client)
    unverified = client.get("/v1/promises/kept").json()
    not_kept = {"kept": False, "note": "Papan belum ada."}
    verified = client.post(f"{url}/verify", json=not_kept, headers=token(Role.AUDITOR))
    assert verified.status_code == 200
    listed(client)
    found_not_kept = client.get("/v1/promises/kept").json()

    assert [(row["kept_on_time"], row["verified"]) for row in unverified] == [(1, 0)]
    assert found_not_kept == [
        {"unit_id": "disdukcapil", "due": 1, "kept_on_time": 0, "kept_on_time_rate": 0.0,
         "verified": 1, "verified_kept": 0}
    ]  # fmt: skip


def test_the_clock_marks_an_overdue_promise_missed(
    client: TestClient, published: dict[str, Any], clock: Any
) -> None:
    clock.advance(timedelta(days=60))
    listed(client)
    desk = PromiseDesk(client.app.state.ledger)  # type: ignore[attr-defined]
    assert desk.mark_missed(client.app.state.projections.store) == 1  # type: ignore[attr-defined]
    [promise] = listed(client, status="missed")
    assert promise["fulfilled_on_time"] is False
    assert client.get("/v1/promises/kept").json()[0]["kept_on_time_rate"] == 0.0


def test_only_the_units_supervisor_signs(
    client: TestClient, units: list[str], token: Headers, head: dict[str, str]
) -> None:
    promise = client.post("/v1/promises", json=DRAFT, headers=head).json()
    url = f"/v1/promises/{promise['id']}/sign"
    body = {"signed_by": "Someone"}
    assert client.post(url, json=body, headers=token(Role.COORDINATOR)).status_code == 403
    other_head = token(Role.SUPERVISOR, "rsud")
    assert client.post(url, json=body, headers=other_head).status_code == 403


def test_publishing_an_unsigned_draft_is_409_naming_the_promise(
    client: TestClient, units: list[str], head: dict[str, str]
) -> None:
    promise = client.post("/v1/promises", json=DRAFT, headers=head).json()
    response = client.post(f"/v1/promises/{promise['id']}/publish", headers=head)
    assert (response.status_code, response.json()) == (
        409,
        {
            "code": "invalid_transition",
            "message": "Cannot publish a promise that is draft; allowed actions: sign.",
            "status": "draft",
            "action": "publish",
            "allowed_actions": ["sign"],
        },
    )


def test_a_promise_answering_nothing_or_due_in_the_past_is_422(
    client: TestClient, units: list[str], head: dict[str, str]
) -> None:
    nothing = {**DRAFT, "answers_categories": [], "answers_skm_elements": []}
    past = {**DRAFT, "due_date": "2026-01-01"}
    assert client.post("/v1/promises", json=nothing, headers=head).json()["field"] == (
        "answers_categories"
    )
    response = client.post("/v1/promises", json=past, headers=head)
    assert (response.status_code, response.json()["field"]) == (422, "due_date")


def test_drafting_needs_a_staff_token_and_a_known_unit(
    client: TestClient, units: list[str], token: Headers
) -> None:
    assert client.post("/v1/promises", json=DRAFT).status_code == 401
    unknown = {**DRAFT, "unit_id": "nowhere"}
    assert (
        client.post("/v1/promises", json=unknown, headers=token(Role.COORDINATOR)).status_code
        == 404
    )


def test_unknown_promise_is_404(client: TestClient, units: list[str], head: dict[str, str]) -> None:
    response = client.post(
        "/v1/promises/00000000-0000-4000-8000-000000000000/publish", headers=head
    )
    assert response.status_code == 404


def test_a_promise_is_read_with_its_timeline_in_order(
    client: TestClient, published: dict[str, Any], token: Headers, head: dict[str, str]
) -> None:
    url = f"/v1/promises/{published['id']}"
    officer = token(Role.OFFICER, "disdukcapil")
    assert client.post(f"{url}/progress", json={"note": "Papan dipesan."}, headers=officer)
    assert client.post(f"{url}/fulfil", json={"evidence": "Foto papan."}, headers=head)
    verify = {"kept": True, "note": "Papan terpasang."}
    assert client.post(f"{url}/verify", json=verify, headers=token(Role.AUDITOR))
    listed(client)

    response = client.get(url)  # public: the promise is published
    assert response.status_code == 200
    promise = response.json()
    assert (promise["commitment"], promise["signed_by"]) == (DRAFT["commitment"], "Kepala Dinas")
    assert (promise["status"], promise["version"], promise["progress_notes"]) == ("fulfilled", 6, 1)
    assert [(e["event"], e["text"], e["kept"]) for e in promise["timeline"]] == [
        ("drafted", None, None),
        ("signed", "Kepala Dinas", None),
        ("published", None, None),
        ("progress_noted", "Papan dipesan.", None),
        ("fulfilled", "Foto papan.", None),
        ("verified", "Papan terpasang.", True),
    ]
    times = [entry["at"] for entry in promise["timeline"]]
    assert times == sorted(times)


def test_a_draft_is_read_by_staff_and_not_found_by_the_public(
    client: TestClient, units: list[str], head: dict[str, str]
) -> None:
    promise = client.post("/v1/promises", json=DRAFT, headers=head).json()
    listed(client)
    url = f"/v1/promises/{promise['id']}"
    assert client.get(url, headers=head).json()["timeline"][0]["event"] == "drafted"
    response = client.get(url)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    unknown = client.get("/v1/promises/00000000-0000-4000-8000-000000000000", headers=head)
    assert unknown.status_code == 404
