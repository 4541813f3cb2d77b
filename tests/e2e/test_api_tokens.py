"""Staff tokens: expired, wrongly signed, unsigned (alg none), signed with another secret or
another algorithm, or not a token at all: each is 401 with a JSON error, on staff routes
and on public routes alike (a bad token is never taken for no token)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from services.auth import ALGORITHM, ISSUER, TokenIssuer

Headers = Callable[..., dict[str, str]]
SECRET = "test-secret-key-" + "x" * 32  # the e2e settings' key
ANOTHER_SECRET = "another-ledger-" + "z" * 32
STAFF_ROUTE = "/v1/complaints"
PUBLIC_ROUTE = "/v1/promises"


def claims(**changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    base = {"iss": ISSUER, "sub": "rina", "role": "coordinator", "units": [], "iat": now,
            "exp": now + timedelta(hours=1)}  # fmt: skip
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_401(response: Any, message_part: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["code"] == "invalid_token"
    assert message_part in body["message"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_valid_token_is_accepted(client: TestClient) -> None:
    token = jwt.encode(claims(), SECRET, algorithm=ALGORITHM)

    assert client.get(STAFF_ROUTE, headers=bearer(token)).status_code == 200


def test_an_expired_token_is_401_saying_it_expired(client: TestClient) -> None:
    issued = datetime.now(UTC) - timedelta(hours=9)
    token = TokenIssuer(SECRET, timedelta(hours=8)).issue(Role.COORDINATOR, "rina", [], issued)

    assert_401(client.get(STAFF_ROUTE, headers=bearer(token)), "expired")


def test_a_token_with_a_wrong_signature_is_401(client: TestClient, token: Headers) -> None:
    header, payload, _signature = token(Role.ADMIN)["Authorization"].split()[1].split(".")
    forged = jwt.encode(claims(role="admin"), SECRET, algorithm=ALGORITHM).split(".")[2]

    response = client.get(STAFF_ROUTE, headers=bearer(f"{header}.{payload}.{forged}"))

    assert_401(response, "Signature verification failed")


def test_an_unsigned_token_alg_none_is_401(client: TestClient) -> None:
    # alg "none" takes the key None, which the annotation of PyJWT's encode leaves out
    unsigned = jwt.encode(claims(role="admin"), None, algorithm="none")  # type: ignore[arg-type]
    assert unsigned.endswith(".")  # header.payload. with an empty signature

    assert_401(client.get(STAFF_ROUTE, headers=bearer(unsigned)), "not valid")


def test_a_token_signed_with_another_secret_is_401(client: TestClient) -> None:
    other = TokenIssuer(ANOTHER_SECRET, timedelta(hours=1))
    token = other.issue(Role.ADMIN, "admin", [], datetime.now(UTC))

    assert_401(client.get(STAFF_ROUTE, headers=bearer(token)), "Signature verification failed")


def test_a_token_signed_with_another_algorithm_is_401(client: TestClient) -> None:
    token = jwt.encode(claims(), SECRET, algorithm="HS384")

    assert_401(client.get(STAFF_ROUTE, headers=bearer(token)), "not valid")


@pytest.mark.parametrize(
    "changes",
    [{"exp": None}, {"sub": None}, {"iss": "another-issuer"}, {"role": "complainant"},
     {"role": "superuser"}, {"units": "disdukcapil"}],
)  # fmt: skip
def test_a_token_missing_or_misstating_a_claim_is_401(
    client: TestClient, changes: dict[str, Any]
) -> None:
    token = jwt.encode(claims(**changes), SECRET, algorithm=ALGORITHM)

    response = client.get(STAFF_ROUTE, headers=bearer(token))

    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


@pytest.mark.parametrize(
    "malformed", ["abc", "a.b", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30", "...", "ä.ö.ü"]
)
def test_a_malformed_token_is_401(client: TestClient, malformed: str) -> None:
    header = b"Bearer " + malformed.encode("latin-1")  # HTTP headers are bytes, not ASCII

    assert_401(client.get(STAFF_ROUTE, headers={"Authorization": header}), "not valid")


def test_a_bad_token_on_a_public_route_is_401_not_taken_as_no_token(client: TestClient) -> None:
    # alg "none" takes the key None, which the annotation of PyJWT's encode leaves out
    unsigned = jwt.encode(claims(role="admin"), None, algorithm="none")  # type: ignore[arg-type]

    assert client.get(PUBLIC_ROUTE).status_code == 200
    assert_401(client.get(PUBLIC_ROUTE, headers=bearer(unsigned)), "not valid")
    filing = client.post("/v1/complaints", json={}, headers=bearer("abc"))
    assert_401(filing, "not valid")
