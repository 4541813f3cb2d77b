"""Nothing a client sends produces a 500: random and near-valid input on every route."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.values import Action, Role
from infra.settings import Settings
from services.api.app import create_app
from tests.support import undocumented_statuses

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FILING_FIELDS = [
    "unit_id", "title", "description", "channel", "kind", "category", "incident_date",
    "location", "anonymous", "confidential", "complainant",
]  # fmt: skip
ACTION_FIELDS = [
    "category", "maladministration", "reason", "note", "duplicate_of", "questions",
    "information", "unit_id", "message", "resolution", "outcome", "satisfied", "rating",
    "comment",
]  # fmt: skip
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    path: Path = tmp_path_factory.mktemp("fuzz")
    settings_ = Settings(
        database_url=f"sqlite:///{path}/fuzz.db",
        secret_key="f" * 40,
        ledger_signing_key_file=path / "ledger.key",
    )
    with TestClient(create_app(settings_), raise_server_exceptions=False) as client:
        issuer = client.app.state.token_issuer  # type: ignore[attr-defined]

        def bearer(role: Role, *units: str) -> dict[str, str]:
            token = issuer.issue(role, f"{role}-fuzz", units, datetime.now(UTC))
            return {"Authorization": f"Bearer {token}"}

        admin = bearer(Role.ADMIN)
        client.post("/v1/units", json={"unit_id": "dinsos", "name": "Dinas Sosial"}, headers=admin)
        filed = client.post(
            "/v1/complaints",
            json={"unit_id": "dinsos", "title": "Bansos", "description": "Bansos tidak cair."},
        ).json()
        yield {
            "client": client,
            "complaint": filed,
            "headers": [
                {},
                admin,
                bearer(Role.COORDINATOR),
                bearer(Role.OFFICER, "dinsos"),
                {"X-Access-Token": filed["access_token"]},
            ],
        }


def assert_handled(response: Any, world: dict[str, Any] | None = None, operation: str = "") -> None:
    """Not a 500; an error is the API's JSON error body; and, for a request to
    ``operation`` ("POST /v1/complaints"), a status its OpenAPI entry lists."""
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert isinstance(response.json()["code"], str)
    if world is not None:
        method, path = operation.split(" ")
        app = world["client"].app
        assert not undocumented_statuses(app, method, path, [response.status_code]), operation


@FUZZ
@given(
    body=st.dictionaries(st.sampled_from(FILING_FIELDS), json_values, max_size=8),
    who=st.integers(0, 4),
)
def test_random_filings_never_500(world: dict[str, Any], body: dict[str, Any], who: int) -> None:
    response = world["client"].post("/v1/complaints", json=body, headers=world["headers"][who])
    assert_handled(response, world, "POST /v1/complaints")


@FUZZ
@given(
    action=st.sampled_from([a.value for a in Action]),
    body=st.one_of(
        json_values, st.dictionaries(st.sampled_from(ACTION_FIELDS), json_values, max_size=5)
    ),
    who=st.integers(0, 4),
    if_match=st.one_of(st.none(), st.text(alphabet='0123456789"W/* ab', max_size=12)),
)
def test_random_actions_never_500(
    world: dict[str, Any], action: str, body: Any, who: int, if_match: str | None
) -> None:
    headers = dict(world["headers"][who])
    if if_match is not None:
        headers["If-Match"] = if_match
    complaint_id = world["complaint"]["id"]
    response = world["client"].post(
        f"/v1/complaints/{complaint_id}/{action}", json=body, headers=headers
    )
    assert_handled(response, world, f"POST /v1/complaints/{{complaint_id}}/{action}")


@FUZZ
@given(
    path=st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="/?#%"),
        min_size=1,
        max_size=40,
    ),
    who=st.integers(0, 4),
)
def test_random_paths_never_500(world: dict[str, Any], path: str, who: int) -> None:
    client, headers = world["client"], world["headers"][who]
    for url in (f"/v1/complaints/{path}", f"/v1/track/{path}", f"/v1/units/{path}"):
        assert_handled(client.get(url, headers=headers))


@FUZZ
@given(
    raw=st.binary(max_size=200),
    authorization=st.binary(max_size=60).filter(lambda value: not set(value) & {0, 10, 13}),
)
def test_raw_bytes_and_odd_authorization_never_500(
    world: dict[str, Any], raw: bytes, authorization: bytes
) -> None:
    response = world["client"].post(
        "/v1/complaints",
        content=raw,
        headers={b"content-type": b"application/json", b"Authorization": authorization},
    )
    assert_handled(response, world, "POST /v1/complaints")


PROMISE_FIELDS = [
    "unit_id", "title", "commitment", "due_date", "answers_categories",
    "answers_skm_elements", "signed_by", "note", "evidence", "kept",
]  # fmt: skip


@FUZZ
@given(
    body=st.dictionaries(st.sampled_from(PROMISE_FIELDS), json_values, max_size=7),
    action=st.sampled_from(["", "/sign", "/publish", "/progress", "/fulfil", "/verify"]),
    who=st.integers(0, 4),
)
def test_random_promise_requests_never_500(
    world: dict[str, Any], body: dict[str, Any], action: str, who: int
) -> None:
    url = "/v1/promises" + ("/00000000-0000-4000-8000-000000000000" + action if action else "")
    route = "/v1/promises" + ("/{promise_id}" + action if action else "")
    response = world["client"].post(url, json=body, headers=world["headers"][who])
    assert_handled(response, world, f"POST {route}")


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["from", "to", "actor", "unit_id", "page_size", "cursor"]),
        st.text(max_size=30),
        max_size=6,
    ),
    who=st.integers(0, 4),
)
def test_random_audit_queries_never_500(
    world: dict[str, Any], params: dict[str, str], who: int
) -> None:
    response = world["client"].get("/v1/audit/events", params=params, headers=world["headers"][who])
    assert_handled(response, world, "GET /v1/audit/events")


@FUZZ
@given(
    purpose=st.binary(min_size=1, max_size=240).filter(lambda value: not set(value) & {0, 10, 13}),
    route=st.sampled_from(["", "/history", "/notifications"]),
)
def test_odd_purposes_never_500(world: dict[str, Any], purpose: bytes, route: str) -> None:
    complaint_id = world["complaint"]["id"]
    coordinator = world["headers"][2]["Authorization"].encode()
    headers = {b"Authorization": coordinator, b"X-Purpose": purpose}  # bytes as sent
    response = world["client"].get(f"/v1/complaints/{complaint_id}{route}", headers=headers)
    assert_handled(response)
