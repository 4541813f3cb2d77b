"""The HTTP API on a fresh SQLite store, with a clock the tests move."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from infra.settings import Settings
from services.api.app import create_app
from tests.support import MutableClock

CLI_SECRET = "cli-test-secret-" + "y" * 32


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The environment the aduan command reads: a fresh SQLite file and a known key."""
    database_url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("ADUAN_DATABASE_URL", database_url)
    monkeypatch.setenv("ADUAN_SECRET_KEY", CLI_SECRET)
    monkeypatch.setenv("ADUAN_LEDGER_SIGNING_KEY_FILE", str(tmp_path / "ledger.key"))
    return Settings(
        database_url=database_url,
        secret_key=CLI_SECRET,
        ledger_signing_key_file=tmp_path / "ledger.key",
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path}/aduan.db",
        secret_key="test-secret-key-" + "x" * 32,
        tick_seconds=3600,
        ledger_signing_key_file=tmp_path / "ledger.key",
    )


@pytest.fixture
def client(settings: Settings, clock: MutableClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock.now)) as test_client:
        yield test_client


@pytest.fixture
def token(client: TestClient) -> Callable[..., dict[str, str]]:
    """Authorization headers for a staff member: token(Role.OFFICER, "disdukcapil")."""

    def headers(role: Role, *unit_ids: str, subject: str | None = None) -> dict[str, str]:
        issuer = client.app.state.token_issuer  # type: ignore[attr-defined]
        issued = issuer.issue(role, subject or f"{role}-test", unit_ids, datetime.now(UTC))
        return {"Authorization": f"Bearer {issued}"}

    return headers


@pytest.fixture
def units(client: TestClient, token: Callable[..., dict[str, str]]) -> list[str]:
    admin = token(Role.ADMIN)
    for unit_id, name in (("disdukcapil", "Disdukcapil"), ("rsud", "RSUD dr. Slamet")):
        response = client.post("/v1/units", json={"unit_id": unit_id, "name": name}, headers=admin)
        assert response.status_code == 201, response.text
    return ["disdukcapil", "rsud"]


def _filing(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "unit_id": "disdukcapil",
        "title": "KTP-el belum jadi",
        "description": "Sudah tiga bulan KTP-el saya belum dicetak.",
        "channel": "web",
        "kind": "pengaduan",
        "category": "adminduk",
        "complainant": {
            "name": "Siti Aminah",
            "nik": "3205123456780001",
            "phone": "081234567890",
            "email": "siti@example.id",
        },
    }
    body.update(overrides)
    return body


@pytest.fixture
def filing() -> Callable[..., dict[str, Any]]:
    """A valid filing body, with any field replaced."""
    return _filing


@pytest.fixture
def file_complaint(client: TestClient, units: list[str]) -> Callable[..., dict[str, Any]]:
    def file(**overrides: Any) -> dict[str, Any]:
        response = client.post("/v1/complaints", json=_filing(**overrides))
        assert response.status_code == 201, response.text
        filed: dict[str, Any] = response.json()
        return filed

    return file
