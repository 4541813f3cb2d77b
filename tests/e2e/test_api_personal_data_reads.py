"""Staff shown a complainant's personal data are recorded, on every route that shows it:
who, role, when, which complaint, where, which fields, why; reads that show none record
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from domain.values import Actor, Role
from services.commands import Forward, Verify
from services.ledger import ComplaintLedger
from services.principals import Staff
from tests.support import START, domain_event, recorded_reads

Headers = Callable[..., dict[str, str]]
Filer = Callable[..., dict[str, Any]]
ALL_FIELDS = ["name", "nik", "phone", "email"]  # what the sample filing gives
COORDINATOR = Staff("rina", Role.COORDINATOR)
PERSONAL_VALUES = (b"Siti Aminah", b"3205123456780001", b"081234567890", b"siti@example.id")


def ledger_of(client: TestClient) -> ComplaintLedger:
    ledger: ComplaintLedger = client.app.state.ledger  # type: ignore[attr-defined]
    return ledger


def route_to_unit(client: TestClient, filed: dict[str, Any]) -> None:
    """Verify and forward to Disdukcapil straight on the ledger (no response is shown)."""
    ledger = ledger_of(client)
    ledger.perform(UUID(filed["id"]), COORDINATOR, Verify())
    ledger.perform(UUID(filed["id"]), COORDINATOR, Forward(unit_id="disdukcapil"))


def test_a_coordinator_reading_a_complaint_is_recorded_with_the_route_s_purpose(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()

    response = client.get(
        f"/v1/complaints/{filed['id']}", headers=token(Role.COORDINATOR, subject="rina")
    )

    assert response.status_code == 200
    assert response.json()["complainant"]["name"] == "Siti Aminah"
    (read,) = recorded_reads(ledger_of(client))
    assert (read.actor, read.at) == (Actor("rina", Role.COORDINATOR), START)
    assert (read.complaint_id, read.unit_id) == (UUID(filed["id"]), "disdukcapil")
    assert (read.view, read.fields, read.purpose) == ("complaint", ALL_FIELDS, "read the complaint")


def test_the_purpose_staff_state_in_x_purpose_is_recorded(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    headers = {**token(Role.COORDINATOR), "X-Purpose": "Klarifikasi alamat lewat telepon"}

    assert client.get(f"/v1/complaints/{filed['id']}", headers=headers).status_code == 200

    (read,) = recorded_reads(ledger_of(client))
    assert read.purpose == "Klarifikasi alamat lewat telepon"


def test_the_history_shows_the_complainant_and_is_recorded(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    route_to_unit(client, filed)
    officer = token(Role.OFFICER, "disdukcapil", subject="budi")

    response = client.get(f"/v1/complaints/{filed['id']}/history", headers=officer)

    assert response.json()[0]["data"]["complainant"]["phone"] == "081234567890"
    (read,) = recorded_reads(ledger_of(client))
    assert (read.actor, read.view, read.fields) == (
        Actor("budi", Role.OFFICER), "history", ALL_FIELDS
    )  # fmt: skip


def test_an_action_s_response_is_recorded_in_the_same_transaction_as_the_action(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    headers = {**token(Role.COORDINATOR, subject="rina"), "X-Purpose": "Verifikasi berkas"}

    response = client.post(f"/v1/complaints/{filed['id']}/verify", headers=headers)

    assert response.json()["complainant"]["email"] == "siti@example.id"
    ledger = ledger_of(client)
    (read,) = recorded_reads(ledger)
    assert (read.view, read.purpose, read.fields) == ("verify", "Verifikasi berkas", ALL_FIELDS)
    # one save: the verification, then its read, next to each other at the log's end
    verified, recorded = ledger.recorder.select_notifications(0, 100)[-2:]
    assert verified.topic.endswith("Complaint.Verified")
    assert recorded.topic.endswith("PersonalDataRead.Recorded")
    assert recorded.id == verified.id + 1
    assert read.at == domain_event(ledger, verified).at


def test_an_action_with_no_purpose_records_the_action_as_its_purpose(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()

    client.post(
        f"/v1/complaints/{filed['id']}/request-info",
        json={"questions": "Mohon foto KK."},
        headers=token(Role.COORDINATOR),
    )

    (read,) = recorded_reads(ledger_of(client))
    assert (read.view, read.purpose) == ("request-info", "act on the complaint (request-info)")


def test_an_officer_reading_an_anonymous_complaint_sees_and_records_nothing(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(anonymous=True)
    route_to_unit(client, filed)
    officer = token(Role.OFFICER, "disdukcapil")
    url = f"/v1/complaints/{filed['id']}"

    complaint = client.get(url, headers=officer)
    history = client.get(f"{url}/history", headers=officer)
    responded = client.post(f"{url}/respond", json={"message": "Diproses."}, headers=officer)

    assert [r.status_code for r in (complaint, history, responded)] == [200, 200, 200]
    assert complaint.json()["complainant"] is None
    assert recorded_reads(ledger_of(client)) == []


def test_a_coordinator_reading_an_anonymous_complaint_is_recorded(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(anonymous=True)

    client.get(f"/v1/complaints/{filed['id']}", headers=token(Role.COORDINATOR))

    (read,) = recorded_reads(ledger_of(client))
    assert read.fields == ALL_FIELDS


def test_only_the_fields_given_at_filing_are_named(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(complainant={"name": "Budi", "email": "budi@example.id"})

    client.get(f"/v1/complaints/{filed['id']}", headers=token(Role.SUPERVISOR, "disdukcapil"))

    (read,) = recorded_reads(ledger_of(client))
    assert (read.actor.role, read.fields) == (Role.SUPERVISOR, ["name", "email"])


def test_a_complaint_filed_without_a_complainant_records_no_read(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(complainant=None)

    client.get(f"/v1/complaints/{filed['id']}", headers=token(Role.AUDITOR))

    assert recorded_reads(ledger_of(client)) == []


def test_the_complainant_reading_their_own_complaint_is_not_recorded(
    client: TestClient, file_complaint: Filer
) -> None:
    filed = file_complaint()

    response = client.get(
        f"/v1/complaints/{filed['id']}", headers={"X-Access-Token": filed["access_token"]}
    )

    assert response.json()["complainant"]["name"] == "Siti Aminah"
    assert recorded_reads(ledger_of(client)) == []


def test_a_refused_read_records_nothing(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()

    response = client.get(f"/v1/complaints/{filed['id']}", headers=token(Role.OFFICER, "rsud"))

    assert response.status_code == 404
    assert recorded_reads(ledger_of(client)) == []


def test_the_recorded_read_holds_no_personal_data(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    client.get(f"/v1/complaints/{filed['id']}", headers=token(Role.ADMIN))

    ledger = ledger_of(client)
    (stored,) = [
        n
        for n in ledger.recorder.select_notifications(0, 100)
        if n.topic.endswith("PersonalDataRead.Recorded")
    ]
    assert not [value for value in PERSONAL_VALUES if value in stored.state]


def test_a_purpose_too_long_or_too_short_is_422_naming_the_header(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    url = f"/v1/complaints/{filed['id']}"

    for purpose in ("x" * 201, "ab"):
        response = client.get(url, headers={**token(Role.COORDINATOR), "X-Purpose": purpose})
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert response.json()["errors"][0]["field"] == "header.X-Purpose"
    assert recorded_reads(ledger_of(client)) == []


def test_a_read_shows_in_the_audit_trail_with_its_purpose(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    reader = {**token(Role.SUPERVISOR, "disdukcapil", subject="sari"), "X-Purpose": "Evaluasi"}
    client.get(f"/v1/complaints/{filed['id']}", headers=reader)
    client.app.state.projections.catch_up()  # type: ignore[attr-defined]

    page = client.get("/v1/audit/events?actor=sari", headers=token(Role.AUDITOR)).json()

    (row,) = page["items"]
    assert row["event_type"] == "aduan.personal_data_read.Recorded"
    assert (row["actor_id"], row["actor_role"]) == ("sari", "supervisor")
    assert (row["complaint_id"], row["unit_id"], row["reason"]) == (
        filed["id"], "disdukcapil", "Evaluasi"
    )  # fmt: skip
