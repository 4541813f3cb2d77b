"""Erasing personal data over HTTP, and no personal data in what the service logs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role

Token = Callable[..., dict[str, str]]
REASON = {"reason": "Permintaan pemohon tertanggal 2 Desember 2026"}


def ref_of(client: TestClient, token: Token, complaint_id: str) -> str:
    response = client.get(f"/v1/complaints/{complaint_id}", headers=token(Role.COORDINATOR))
    ref: str = response.json()["complainant_ref"]
    return ref


def test_an_admin_erases_the_complainant_and_every_reader_sees_it_erased(
    client: TestClient, token: Token, file_complaint: Callable[..., dict[str, Any]]
) -> None:
    filed = file_complaint()
    ref = ref_of(client, token, filed["id"])

    response = client.post(f"/v1/complainants/{ref}/erase", json=REASON, headers=token(Role.ADMIN))

    assert response.status_code == 200, response.text
    assert response.json()["complaint_id"] == filed["id"]
    assert response.json()["reason"] == REASON["reason"]
    for headers in (token(Role.COORDINATOR), {"X-Access-Token": filed["access_token"]}):
        complaint = client.get(f"/v1/complaints/{filed['id']}", headers=headers).json()
        assert complaint["complainant"] is None and complaint["complainant_erased"] is True
        history = client.get(f"/v1/complaints/{filed['id']}/history", headers=headers).json()
        assert history[0]["data"]["complainant"] == "erased"


@pytest.mark.parametrize(
    "role, unit_ids", [(Role.COORDINATOR, ()), (Role.SUPERVISOR, ("disdukcapil",)),
                    (Role.OFFICER, ("disdukcapil",)), (Role.AUDITOR, ())],
)  # fmt: skip
def test_only_an_admin_may_erase(
    client: TestClient, token: Token, file_complaint: Callable[..., dict[str, Any]], role: Role,
    unit_ids: tuple[str, ...],
) -> None:  # fmt: skip
    filed = file_complaint()
    ref = ref_of(client, token, filed["id"])

    response = client.post(
        f"/v1/complainants/{ref}/erase", json=REASON, headers=token(role, *unit_ids)
    )
    complaint = client.get(f"/v1/complaints/{filed['id']}", headers=token(Role.COORDINATOR))

    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert complaint.json()["complainant"]["name"] == "Siti Aminah"


def test_erasure_answers_401_404_409_and_422_naming_the_field(
    client: TestClient, token: Token, file_complaint: Callable[..., dict[str, Any]]
) -> None:
    ref = ref_of(client, token, file_complaint()["id"])
    admin = token(Role.ADMIN)
    url = f"/v1/complainants/{ref}/erase"

    no_token = client.post(url, json=REASON)
    unknown = client.post(f"/v1/complainants/{'0' * 32}/erase", json=REASON, headers=admin)
    bad_ref = client.post("/v1/complainants/not-a-ref/erase", json=REASON, headers=admin)
    no_reason = client.post(url, json={}, headers=admin)
    first, second = (client.post(url, json=REASON, headers=admin) for _ in range(2))

    assert no_token.status_code == 401
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert bad_ref.status_code == 422 and "ref" in bad_ref.text
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    assert (first.status_code, second.status_code) == (200, 409)


def test_no_personal_data_reaches_the_logs(
    client: TestClient, token: Token, file_complaint: Callable[..., dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # whatever an earlier command set it to
    filed = file_complaint()
    coordinator = token(Role.COORDINATOR)
    client.post(f"/v1/complaints/{filed['id']}/verify", headers=coordinator)
    client.get(f"/v1/complaints/{filed['id']}", headers=coordinator)
    client.post("/v1/complaints", json={"unit_id": "disdukcapil", "complainant": {"name": "Siti"}})
    ref = ref_of(client, token, filed["id"])
    client.post(f"/v1/complainants/{ref}/erase", json=REASON, headers=token(Role.ADMIN))

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records  # the service did log while this ran
    for value in ("Siti Aminah", "3205123456780001", "081234567890", "siti@example.id"):
        assert value not in logged
