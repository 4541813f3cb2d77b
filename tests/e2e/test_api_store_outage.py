"""PostgreSQL going away under a running API, and coming back: requests are answered 503
with the time to wait, /health names the stores that do not answer, and nothing needs a
restart afterwards."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from infra.settings import Settings
from services.api.app import create_app
from tests.support import MutableClock, empty_every_table
from tests.tcp_proxy import TcpProxy, tcp_proxy

pytestmark = pytest.mark.postgres

FILING = {
    "unit_id": "disdukcapil",
    "title": "KTP-el belum jadi",
    "description": "Sudah tiga bulan KTP-el saya belum dicetak.",
    "channel": "web",
}
RECOVERY_SECONDS = 60


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{proxy.port}"))


@pytest.fixture
def proxy(postgres_session_url: str) -> Iterator[TcpProxy]:
    parts = urlsplit(postgres_session_url)
    with tcp_proxy(parts.hostname or "127.0.0.1", parts.port or 5432) as running:
        yield running
    empty_every_table(postgres_session_url)


@pytest.fixture
def client(proxy: TcpProxy, postgres_session_url: str, clock: MutableClock) -> Iterator[TestClient]:
    settings = Settings(
        database_url=_through(proxy, postgres_session_url),
        secret_key="test-secret-key-" + "x" * 32,
        tick_seconds=3600,
    )
    with TestClient(create_app(settings, clock.now)) as test_client:
        issuer = test_client.app.state.token_issuer  # type: ignore[attr-defined]
        admin = {"Authorization": f"Bearer {issuer.issue(Role.ADMIN, 'a', [], datetime.now(UTC))}"}
        unit = {"unit_id": "disdukcapil", "name": "Disdukcapil"}
        registered = test_client.post("/v1/units", json=unit, headers=admin)
        assert registered.status_code == 201, registered.text
        yield test_client


def _healthy_again(client: TestClient) -> bool:
    deadline = time.monotonic() + RECOVERY_SECONDS
    while time.monotonic() < deadline:
        if client.get("/health").status_code == 200:
            return True
        time.sleep(0.5)
    return False


def test_a_database_outage_is_503_and_the_api_recovers_without_a_restart(
    client: TestClient, proxy: TcpProxy
) -> None:
    healthy = client.get("/health")
    assert healthy.status_code == 200, healthy.text
    assert healthy.json() == {"status": "ok", "checks": {"event_store": "ok", "views": "ok"}}

    proxy.cut()
    health = client.get("/health")
    assert health.status_code == 503, health.text
    assert health.json() == {
        "status": "unavailable",
        "checks": {"event_store": "unavailable", "views": "unavailable"},
    }
    refused = client.post("/v1/complaints", json=FILING)
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "store_unavailable"
    assert refused.headers["Retry-After"] == "5"

    proxy.restore()
    assert _healthy_again(client)
    filed = client.post("/v1/complaints", json=FILING)
    assert filed.status_code == 201, filed.text
    tracked = client.get(f"/v1/track/{filed.json()['tracking_number']}")
    assert tracked.status_code == 200, tracked.text
