"""Notifications through the HTTP API on the embedded default (SQLite, no Kafka): the server
follows its own log in-process and notifies; webhooks are registered by an admin; every
delivery of a complaint can be read by those who may read the complaint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from infra.settings import Settings
from services.ledger import ComplaintLedger
from tests.notify_support import (
    WEBHOOK_SECRET,
    HttpSink,
    SmtpSink,
    mail_text,
    notify_settings,
    wait_until,
)
from tests.support import recorded_reads

Headers = Callable[..., dict[str, str]]
Filer = Callable[..., dict[str, Any]]


@pytest.fixture
def settings(tmp_path: Path, smtp: SmtpSink, http: HttpSink) -> Settings:
    """The embedded default with every channel on the test receivers."""
    settings: Settings = notify_settings(
        f"sqlite:///{tmp_path}/aduan.db", smtp, http,
        secret_key="test-secret-key-" + "x" * 32, tick_seconds=3600,
        ledger_signing_key_file=tmp_path / "ledger.key",
    )  # fmt: skip
    return settings


def notifications(client: TestClient, complaint_id: str, headers: dict[str, str]) -> Any:
    return client.get(f"/v1/complaints/{complaint_id}/notifications", headers=headers)


def wait_for_deliveries(client: TestClient, filed: dict[str, Any], count: int) -> list[Any]:
    key = {"X-Access-Token": filed["access_token"]}
    sent: list[Any] = []

    def delivered() -> bool:
        sent[:] = [
            d for d in notifications(client, filed["id"], key).json() if d["state"] == "sent"
        ]
        return len(sent) >= count

    wait_until(delivered, f"{count} deliveries", seconds=30)
    return sent


def test_without_kafka_the_server_notifies_from_its_own_log(
    client: TestClient, file_complaint: Filer, smtp: SmtpSink, http: HttpSink
) -> None:
    filed = file_complaint()

    deliveries = wait_for_deliveries(client, filed, 2)

    (mail,) = smtp.messages
    number = filed["tracking_number"]
    assert (mail["To"], mail["Subject"]) == (
        "siti@example.id",
        f"[{number}] Pengaduan Anda telah diterima",
    )
    assert f"Nomor pelacakan: {number}\nStatus: diajukan\n" in mail_text(mail)
    (sms,) = http.accepted("/sms")
    assert sms.json == {
        "to": "081234567890",
        "message": f"Aduan {number} diterima oleh Disdukcapil. Status: diajukan.",
    }
    assert sorted((d["channel"], d["recipient"], d["template"]) for d in deliveries) == [
        ("email", "siti@example.id", "complaint_received"),
        ("sms", "081234567890", "complaint_received"),
    ]


def test_the_complainant_sees_every_delivery_but_not_the_errors_or_staff_addresses(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    url = f"/v1/complaints/{filed['id']}"
    coordinator = token(Role.COORDINATOR)
    client.post(f"{url}/verify", headers=coordinator)
    client.post(f"{url}/forward", json={"unit_id": "disdukcapil"}, headers=coordinator)

    deliveries = wait_for_deliveries(client, filed, 7)

    officer = [d for d in deliveries if d["audience"] == "officer"]
    assert [(d["recipient"], d["state"], d["last_error"]) for d in officer] == [
        ("b***@disdukcapil.go.id", "sent", None)
    ]
    staff_view = notifications(client, filed["id"], coordinator).json()
    assert "budi@disdukcapil.go.id" in {d["recipient"] for d in staff_view}


def test_an_officer_of_an_anonymous_complaint_sees_the_complainant_s_addresses_masked(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(anonymous=True)
    url = f"/v1/complaints/{filed['id']}"
    coordinator = token(Role.COORDINATOR)
    client.post(f"{url}/verify", headers=coordinator)
    client.post(f"{url}/forward", json={"unit_id": "disdukcapil"}, headers=coordinator)
    wait_for_deliveries(client, filed, 7)

    response = notifications(client, filed["id"], token(Role.OFFICER, "disdukcapil"))

    assert response.status_code == 200
    shown = {d["recipient"] for d in response.json() if d["audience"] == "complainant"}
    assert shown == {"s***@example.id", "*********890"}
    assert "siti@example.id" not in response.text and "081234567890" not in response.text
    full = notifications(client, filed["id"], coordinator).json()
    assert "siti@example.id" in {d["recipient"] for d in full}


def test_staff_shown_the_complainant_s_addresses_in_full_are_recorded(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    wait_for_deliveries(client, filed, 2)  # the complainant's own reading records nothing
    ledger: ComplaintLedger = client.app.state.ledger  # type: ignore[attr-defined]
    assert recorded_reads(ledger) == []
    headers = {**token(Role.SUPERVISOR, "disdukcapil"), "X-Purpose": "Cek pengiriman"}

    assert notifications(client, filed["id"], headers).status_code == 200

    (read,) = recorded_reads(ledger)
    assert (read.view, read.fields, read.purpose) == (
        "notifications", ["phone", "email"], "Cek pengiriman"
    )  # fmt: skip


def test_an_officer_shown_masked_addresses_only_is_not_recorded(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint(anonymous=True)
    url = f"/v1/complaints/{filed['id']}"
    ledger: ComplaintLedger = client.app.state.ledger  # type: ignore[attr-defined]
    coordinator = token(Role.COORDINATOR)
    client.post(f"{url}/verify", headers=coordinator)
    client.post(f"{url}/forward", json={"unit_id": "disdukcapil"}, headers=coordinator)
    wait_for_deliveries(client, filed, 7)
    reads_before = len(recorded_reads(ledger))  # the coordinator's two actions

    response = notifications(client, filed["id"], token(Role.OFFICER, "disdukcapil"))

    assert response.status_code == 200
    assert len(recorded_reads(ledger)) == reads_before == 2


def test_notifications_outside_the_caller_s_scope_look_absent(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    filed = file_complaint()
    outsider = notifications(client, filed["id"], token(Role.OFFICER, "rsud"))
    anonymous = notifications(client, filed["id"], {})
    assert (outsider.status_code, outsider.json()["code"]) == (404, "not_found")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "authentication_required")


def test_an_admin_registers_a_webhook_whose_secret_is_never_shown_again(
    client: TestClient, units: list[str], token: Headers
) -> None:
    body = {"url": "https://hooks.example.id/aduan", "event_types": ["aduan.complaint.*"],
            "unit_id": "disdukcapil", "secret": WEBHOOK_SECRET}  # fmt: skip

    created = client.post("/v1/webhooks", json=body, headers=token(Role.ADMIN))
    listed = client.get("/v1/webhooks", headers=token(Role.ADMIN))

    assert created.status_code == 201
    webhook = created.json()
    assert webhook["id"].startswith("wh_") and webhook["created_by"] == "admin-test"
    assert {k: webhook[k] for k in ("url", "event_types", "unit_id")} == {
        k: body[k] for k in ("url", "event_types", "unit_id")
    }
    assert (listed.status_code, listed.json()) == (200, [webhook])
    assert WEBHOOK_SECRET not in created.text + listed.text and "secret" not in listed.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "ftp://hooks.example.id/aduan"}, "body.url"),
        ({"url": "https://"}, "body.url"),
        ({"url": "http://hooks.example.id:abc/"}, "body.url"),
        ({"url": "http://hooks.example.id:99999/"}, "body.url"),
        ({"url": "http://hooks.example.id:0/"}, "body.url"),
        ({"url": "https://hooks.example.id/a b"}, "body.url"),
        ({"event_types": []}, "body.event_types"),
        ({"event_types": ["complaint.Filed"]}, "body.event_types.0"),
        ({"secret": "short"}, "body.secret"),
    ],
)
def test_bad_webhook_input_is_422_naming_the_field(
    client: TestClient, token: Headers, change: dict[str, Any], field: str
) -> None:
    body = {"url": "https://hooks.example.id/aduan", "event_types": ["*"], "secret": WEBHOOK_SECRET}
    response = client.post("/v1/webhooks", json={**body, **change}, headers=token(Role.ADMIN))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_webhook_for_an_unknown_unit_is_refused_naming_the_field(
    client: TestClient, token: Headers
) -> None:
    body = {"url": "http://127.0.0.1:9/x", "event_types": ["*"], "unit_id": "nowhere",
            "secret": WEBHOOK_SECRET}  # fmt: skip
    response = client.post("/v1/webhooks", json=body, headers=token(Role.ADMIN))
    assert (response.status_code, response.json()["field"]) == (422, "unit_id")


def test_only_an_admin_manages_webhooks(client: TestClient, token: Headers) -> None:
    body = {"url": "https://hooks.example.id/a", "event_types": ["*"], "secret": WEBHOOK_SECRET}
    coordinator = client.post("/v1/webhooks", json=body, headers=token(Role.COORDINATOR))
    nobody = client.get("/v1/webhooks")
    assert (coordinator.status_code, coordinator.json()["code"]) == (403, "forbidden")
    assert nobody.status_code == 401


def test_a_deleted_webhook_is_gone(client: TestClient, token: Headers) -> None:
    admin = token(Role.ADMIN)
    body = {"url": "https://hooks.example.id/a", "event_types": ["*"], "secret": WEBHOOK_SECRET}
    webhook_id = client.post("/v1/webhooks", json=body, headers=admin).json()["id"]

    deleted = client.delete(f"/v1/webhooks/{webhook_id}", headers=admin)

    assert (deleted.status_code, deleted.content) == (204, b"")
    assert client.get("/v1/webhooks", headers=admin).json() == []
    again = client.delete(f"/v1/webhooks/{webhook_id}", headers=admin)
    assert (again.status_code, again.json()["code"]) == (404, "not_found")


def test_a_webhook_registered_through_the_api_receives_signed_cloudevents(
    client: TestClient, units: list[str], token: Headers, http: HttpSink, filing: Callable[..., Any]
) -> None:
    body = {"url": http.url("/hook"), "event_types": ["aduan.complaint.Filed"],
            "secret": WEBHOOK_SECRET}  # fmt: skip
    assert client.post("/v1/webhooks", json=body, headers=token(Role.ADMIN)).status_code == 201

    filed = client.post("/v1/complaints", json=filing()).json()

    wait_until(lambda: len(http.accepted("/hook")) == 1, "the webhook call")
    (call,) = http.accepted("/hook")
    assert (call.json["type"], call.json["subject"]) == ("aduan.complaint.Filed", filed["id"])
    assert b"siti@example.id" not in call.body
