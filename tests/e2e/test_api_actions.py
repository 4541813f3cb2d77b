"""Acting on complaints over HTTP: the lifecycle, refusals, versions and history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.unit import unit_aggregate_id
from domain.values import Role
from services.principals import COMPLAINANT_ACTOR

Headers = Callable[..., dict[str, str]]
Filer = Callable[..., dict[str, Any]]


@pytest.fixture
def act(client: TestClient) -> Callable[..., Any]:
    def post(
        complaint: dict[str, Any],
        action: str,
        headers: dict[str, str],
        body: dict[str, Any] | None = None,
    ) -> Any:
        return client.post(f"/v1/complaints/{complaint['id']}/{action}", json=body, headers=headers)

    return post


def test_whole_life_from_filing_to_satisfied_close(
    client: TestClient, file_complaint: Filer, token: Headers, act: Callable[..., Any]
) -> None:
    filed = file_complaint()
    complainant = {"X-Access-Token": filed["access_token"]}
    coordinator = token(Role.COORDINATOR)
    officer = token(Role.OFFICER, "rsud")
    steps = [
        ("verify", coordinator, {"category": "layanan-kesehatan"}, "verified"),
        ("forward", coordinator, {"unit_id": "rsud"}, "forwarded"),
        ("respond", officer, {"message": "Sedang kami periksa."}, "in_progress"),
        ("resolve", officer, {"resolution": "Sudah dicetak.", "outcome": "fixed"}, "resolved"),
        ("feedback", complainant, {"satisfied": True, "rating": 5}, "closed"),
    ]
    for action, headers, body, expected_status in steps:
        response = act(filed, action, headers, body)
        assert response.status_code == 200, (action, response.text)
        assert response.json()["status"] == expected_status
    history = client.get(f"/v1/complaints/{filed['id']}/history", headers=coordinator).json()
    assert [event["type"] for event in history] == [
        "Filed", "Verified", "Forwarded", "Responded", "Resolved", "FeedbackGiven", "Closed",
    ]  # fmt: skip
    assert [event["version"] for event in history] == list(range(1, 8))
    assert history[2]["actor"]["role"] == "coordinator"
    assert history[2]["data"]["unit_id"] == "rsud"


def test_unsatisfied_feedback_then_reopen_returns_to_in_progress(
    file_complaint: Filer, token: Headers, act: Callable[..., Any]
) -> None:
    filed = file_complaint()
    complainant = {"X-Access-Token": filed["access_token"]}
    coordinator, officer = token(Role.COORDINATOR), token(Role.OFFICER, "disdukcapil")
    act(filed, "verify", coordinator)
    act(filed, "forward", coordinator, {"unit_id": "disdukcapil"})
    act(filed, "respond", officer, {"message": "Diproses."})
    act(filed, "resolve", officer, {"resolution": "Selesai.", "outcome": "explained"})
    assert act(filed, "feedback", complainant, {"satisfied": False}).json()["status"] == "resolved"
    reopened = act(filed, "reopen", complainant, {"reason": "KTP masih belum ada."})
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["reopen_count"] == 1


def test_blank_questions_are_422_and_change_nothing(
    file_complaint: Filer, token: Headers, act: Callable[..., Any]
) -> None:
    filed = file_complaint()
    asked = act(filed, "request-info", token(Role.COORDINATOR), {"questions": " \n "})
    assert asked.status_code == 422
    assert asked.json()["errors"][0]["field"] == "body.questions"
    assert act(filed, "verify", token(Role.COORDINATOR)).json()["version"] == 2


def test_request_info_then_supplement_returns_to_submitted(
    file_complaint: Filer, token: Headers, act: Callable[..., Any], clock: Any
) -> None:
    filed = file_complaint()
    complainant = {"X-Access-Token": filed["access_token"]}
    asked = act(filed, "request-info", token(Role.COORDINATOR), {"questions": "Nomor antrean?"})
    assert asked.json()["status"] == "info_requested"
    assert set(asked.json()["deadlines"]) == {"info"}
    clock.advance(timedelta(days=2))
    supplied = act(filed, "supplement", complainant, {"information": "Antrean A-123."})
    assert supplied.status_code == 200
    assert supplied.json()["status"] == "submitted"
    assert supplied.json()["deadlines"]["resolution"] > filed["deadlines"]["resolution"]


def test_complainant_withdraws(file_complaint: Filer, act: Callable[..., Any]) -> None:
    filed = file_complaint()
    response = act(filed, "withdraw", {"X-Access-Token": filed["access_token"]})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["allowed_actions"] == []


def test_reject_as_duplicate_names_the_original(
    file_complaint: Filer, token: Headers, act: Callable[..., Any], client: TestClient
) -> None:
    original, duplicate = file_complaint(), file_complaint()
    coordinator = token(Role.COORDINATOR)
    body = {"reason": "duplicate", "duplicate_of": original["id"]}
    response = act(duplicate, "reject", coordinator, body)
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    history = client.get(f"/v1/complaints/{duplicate['id']}/history", headers=coordinator).json()
    assert history[-1]["data"] == {
        "reason": "duplicate", "note": None, "duplicate_of": original["id"],
    }  # fmt: skip


def test_duplicate_of_an_unknown_complaint_is_422(
    file_complaint: Filer, token: Headers, act: Callable[..., Any]
) -> None:
    body = {"reason": "duplicate", "duplicate_of": "00000000-0000-4000-8000-000000000000"}
    response = act(file_complaint(), "reject", token(Role.COORDINATOR), body)
    assert response.status_code == 422
    assert response.json()["field"] == "duplicate_of"


def test_invalid_transition_is_409_naming_status_and_allowed_actions(
    file_complaint: Filer, token: Headers, act: Callable[..., Any]
) -> None:
    response = act(file_complaint(), "resolve", token(Role.COORDINATOR),
                   {"resolution": "x", "outcome": "fixed"})  # fmt: skip
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["status"] == "submitted"
    assert body["allowed_actions"] == ["verify", "reject", "request-info", "withdraw"]
    assert "submitted" in body["message"]


def test_role_not_allowed_to_act_is_403(file_complaint: Filer, act: Callable[..., Any]) -> None:
    filed = file_complaint()
    response = act(filed, "verify", {"X-Access-Token": filed["access_token"]})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_auditor_cannot_act_but_can_read(
    client: TestClient, file_complaint: Filer, token: Headers, act: Callable[..., Any]
) -> None:
    filed = file_complaint()
    auditor = token(Role.AUDITOR)
    assert act(filed, "verify", auditor).status_code == 403
    assert client.get(f"/v1/complaints/{filed['id']}", headers=auditor).status_code == 200


def test_stale_if_match_is_412_and_changes_nothing(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    coordinator = token(Role.COORDINATOR)
    url = f"/v1/complaints/{filed['id']}"
    assert (
        client.post(f"{url}/verify", headers={**coordinator, "If-Match": '"1"'}).status_code == 200
    )
    stale = client.post(
        f"{url}/forward", json={"unit_id": "rsud"}, headers={**coordinator, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert client.get(url, headers=coordinator).json()["status"] == "verified"


def test_current_if_match_is_accepted_and_etag_moves(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    response = client.post(
        f"/v1/complaints/{filed['id']}/verify",
        headers={**token(Role.COORDINATOR), "If-Match": 'W/"1"'},
    )
    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'


@pytest.mark.parametrize("if_match", [b"yesterday", b'"\xb2"', b"\xb9", b'"-1"'])
def test_malformed_if_match_is_422(
    client: TestClient, file_complaint: Filer, token: Headers, if_match: bytes
) -> None:
    response = client.post(
        f"/v1/complaints/{file_complaint()['id']}/verify",
        headers={**token(Role.COORDINATOR), "If-Match": if_match},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "If-Match"


def test_concurrent_save_is_409(
    client: TestClient, file_complaint: Filer, token: Headers, clock: Any
) -> None:
    filed = file_complaint()
    ledger = client.app.state.ledger  # type: ignore[attr-defined]

    def another_writer_saves_first() -> None:
        # Runs between this request's read of the complaint and its save.
        other = ledger.load_complaint(UUID(filed["id"]))
        other.withdraw(COMPLAINANT_ACTOR, clock.now())
        ledger.save(other)

    clock.on_next_read = another_writer_saves_first
    response = client.post(f"/v1/complaints/{filed['id']}/verify", headers=token(Role.COORDINATOR))
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_update"


def test_feedback_after_the_window_is_422(
    file_complaint: Filer, token: Headers, act: Callable[..., Any], clock: Any
) -> None:
    filed = file_complaint()
    coordinator, officer = token(Role.COORDINATOR), token(Role.OFFICER, "disdukcapil")
    act(filed, "verify", coordinator)
    act(filed, "forward", coordinator, {"unit_id": "disdukcapil"})
    act(filed, "respond", officer, {"message": "Diproses."})
    act(filed, "resolve", officer, {"resolution": "Selesai.", "outcome": "fixed"})
    clock.advance(timedelta(days=12))
    response = act(
        filed, "feedback", {"X-Access-Token": filed["access_token"]}, {"satisfied": True}
    )
    assert response.status_code == 422
    assert response.json()["deadline"] == "feedback"


def test_unknown_action_is_404(client: TestClient, file_complaint: Filer, token: Headers) -> None:
    response = client.post(
        f"/v1/complaints/{file_complaint()['id']}/approve", headers=token(Role.COORDINATOR)
    )
    assert response.status_code in (404, 405)
    assert response.json()["code"] in ("not_found", "method_not_allowed")


def test_unknown_complaint_is_404(client: TestClient, units: list[str], token: Headers) -> None:
    response = client.get(
        "/v1/complaints/00000000-0000-4000-8000-000000000000", headers=token(Role.COORDINATOR)
    )
    assert response.status_code == 404


def test_unit_id_is_not_a_complaint(client: TestClient, units: list[str], token: Headers) -> None:
    unit_uuid = unit_aggregate_id("disdukcapil")
    response = client.get(f"/v1/complaints/{unit_uuid}", headers=token(Role.COORDINATOR))
    assert response.status_code == 404
