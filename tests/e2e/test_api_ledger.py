"""The verifiable log over HTTP: public checkpoints, key, leaves and proofs; the receipt
under the complaint read rules; bad input 422 naming the field, never a 500."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from domain.values import Role
from infra.settings import Settings
from infra.transparency.note import NoteVerifier, open_checkpoint
from infra.transparency.proofs import verify_consistency, verify_inclusion
from services.api.app import create_app
from services.composition import build_tree_follower
from tests.support import MutableClock

Token = Callable[..., dict[str, str]]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The follower outside the server, so each test says when the tree catches up, with a
    checkpoint whenever the log grew."""
    return Settings(
        database_url=f"sqlite:///{tmp_path}/aduan.db",
        secret_key="test-secret-key-" + "x" * 32,
        tick_seconds=3600,
        ledger_signing_key_file=tmp_path / "ledger.key",
        ledger_in_process=False,
        ledger_checkpoint_seconds=0,
    )


@pytest.fixture
def client(settings: Settings, clock: MutableClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock.now)) as test_client:
        yield test_client


def catch_up(client: TestClient) -> None:
    app_state = client.app.state  # type: ignore[attr-defined]
    build_tree_follower(app_state.settings, app_state.ledger).catch_up()


@pytest.fixture
def filed(file_complaint: Callable[..., dict[str, Any]], client: TestClient) -> dict[str, Any]:
    complaint = file_complaint()
    for _ in range(3):
        file_complaint()
    catch_up(client)
    return complaint


def verifier_of(client: TestClient) -> NoteVerifier:
    response = client.get("/v1/ledger/public-key")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return NoteVerifier.from_text(response.text)


def test_the_latest_checkpoint_is_a_signed_note_of_the_whole_tree(
    client: TestClient, filed: dict[str, Any]
) -> None:
    response = client.get("/v1/ledger/checkpoint")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    checkpoint = open_checkpoint(response.text, verifier_of(client))
    assert checkpoint.origin == "localhost/aduan-ledger"
    assert checkpoint.tree_size == 13  # two units (five events), four filings (two each)


def test_an_earlier_checkpoint_is_given_by_its_tree_size_and_an_unknown_one_is_404(
    client: TestClient, filed: dict[str, Any], file_complaint: Callable[..., dict[str, Any]]
) -> None:
    file_complaint()
    catch_up(client)
    earlier = client.get("/v1/ledger/checkpoint", params={"tree_size": 13})
    assert earlier.status_code == 200
    assert open_checkpoint(earlier.text, verifier_of(client)).tree_size == 13
    missing = client.get("/v1/ledger/checkpoint", params={"tree_size": 14})
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "No checkpoint of tree size 14. The latest is of tree size 15.",
        "tree_size": 14,
    }


def test_before_any_event_there_is_no_checkpoint(client: TestClient) -> None:
    response = client.get("/v1/ledger/checkpoint")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_leaf_gives_its_input_and_hash(client: TestClient, filed: dict[str, Any]) -> None:
    response = client.get("/v1/ledger/leaves/3")
    assert response.status_code == 200
    body = response.json()
    leaf_input = body["leaf_input"].encode()
    assert body["index"] == 3
    assert body["leaf_hash"] == hashlib.sha256(b"\x00" + leaf_input).hexdigest()
    assert body["leaf_input"].startswith('{"notification_id":4,"originator_id":')


def test_a_leaf_beyond_the_tree_is_404(client: TestClient, filed: dict[str, Any]) -> None:
    response = client.get("/v1/ledger/leaves/13")
    assert response.status_code == 404
    assert response.json()["message"] == "No leaf 13: the tree has 13 leaves."


def test_an_inclusion_proof_verifies_against_the_signed_checkpoint(
    client: TestClient, filed: dict[str, Any]
) -> None:
    response = client.get("/v1/ledger/proof/inclusion", params={"index": 5, "tree_size": 13})
    assert response.status_code == 200
    proof = response.json()
    checkpoint = open_checkpoint(proof["checkpoint"], verifier_of(client))
    leaf = bytes.fromhex(client.get("/v1/ledger/leaves/5").json()["leaf_hash"])
    path = [bytes.fromhex(node) for node in proof["inclusion_path"]]
    assert proof["root_hash"] == checkpoint.root_hash.hex()
    assert verify_inclusion(leaf, 5, 13, path, checkpoint.root_hash)


def test_a_consistency_proof_verifies_between_two_signed_checkpoints(
    client: TestClient, filed: dict[str, Any], file_complaint: Callable[..., dict[str, Any]]
) -> None:
    file_complaint()
    catch_up(client)
    response = client.get("/v1/ledger/proof/consistency", params={"first": 13, "second": 15})
    assert response.status_code == 200
    body = response.json()
    verifier = verifier_of(client)
    first = open_checkpoint(body["first_checkpoint"], verifier)
    second = open_checkpoint(body["second_checkpoint"], verifier)
    proof = [bytes.fromhex(node) for node in body["proof"]]
    assert (body["first_root"], body["second_root"]) == (first.root_hash.hex(),
                                                         second.root_hash.hex())  # fmt: skip
    assert verify_consistency(13, 15, first.root_hash, second.root_hash, proof)


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/v1/ledger/proof/inclusion", {"index": -1}, "query.index"),
        ("/v1/ledger/proof/inclusion", {"index": "x"}, "query.index"),
        ("/v1/ledger/proof/inclusion", {}, "query.index"),
        ("/v1/ledger/proof/inclusion", {"index": 0, "tree_size": 0}, "query.tree_size"),
        ("/v1/ledger/proof/consistency", {"first": 0, "second": 3}, "query.first"),
        ("/v1/ledger/proof/consistency", {"first": 1}, "query.second"),
        ("/v1/ledger/checkpoint", {"tree_size": 2**63}, "query.tree_size"),
        ("/v1/ledger/leaves/-1", {}, "path.index"),
    ],
)
def test_bad_proof_parameters_are_422_naming_the_field(
    client: TestClient, filed: dict[str, Any], url: str, params: dict[str, Any], field: str
) -> None:
    response = client.get(url, params=params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert field in [problem["field"] for problem in response.json()["errors"]]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"index": 13, "tree_size": 13}, "index", "index must be below tree_size (13)."),
        ({"index": 0, "tree_size": 14}, "tree_size",
         "tree_size 14 is beyond the tree, which has 13 leaves."),
    ],
)  # fmt: skip
def test_an_inclusion_proof_outside_the_tree_is_422_naming_the_field(
    client: TestClient, filed: dict[str, Any], params: dict[str, int], field: str, message: str
) -> None:
    response = client.get("/v1/ledger/proof/inclusion", params=params)
    assert response.status_code == 422
    assert (response.json()["field"], response.json()["message"]) == (field, message)


def test_a_consistency_proof_backwards_or_beyond_the_tree_is_422(
    client: TestClient, filed: dict[str, Any]
) -> None:
    backwards = client.get("/v1/ledger/proof/consistency", params={"first": 5, "second": 4})
    beyond = client.get("/v1/ledger/proof/consistency", params={"first": 5, "second": 40})
    assert (backwards.status_code, backwards.json()["field"]) == (422, "first")
    assert (beyond.status_code, beyond.json()["field"]) == (422, "second")


def test_the_complainant_receipt_proves_every_event_against_the_latest_checkpoint(
    client: TestClient, filed: dict[str, Any]
) -> None:
    response = client.get(
        f"/v1/complaints/{filed['id']}/receipt",
        headers={"X-Access-Token": filed["access_token"]},
    )
    assert response.status_code == 200
    receipt = response.json()
    checkpoint = open_checkpoint(
        receipt["checkpoint"], NoteVerifier.from_text(receipt["public_key"])
    )
    assert receipt["originator_id"] == filed["id"]
    assert [event["topic"] for event in receipt["events"]] == ["domain.complaint:Complaint.Filed"]
    for event in receipt["events"]:
        leaf = hashlib.sha256(b"\x00" + event["leaf_input"].encode()).digest()
        assert event["leaf_hash"] == leaf.hex()
        path = [bytes.fromhex(node) for node in event["inclusion_path"]]
        assert verify_inclusion(leaf, event["leaf_index"], checkpoint.tree_size, path,
                                checkpoint.root_hash)  # fmt: skip


def test_events_after_the_latest_checkpoint_are_in_the_receipt_without_a_proof(
    client: TestClient, filed: dict[str, Any], token: Token
) -> None:
    verified = client.post(f"/v1/complaints/{filed['id']}/verify", headers=token(Role.COORDINATOR))
    assert verified.status_code == 200
    receipt = client.get(f"/v1/complaints/{filed['id']}/receipt",
                         headers=token(Role.AUDITOR)).json()  # fmt: skip
    later = receipt["events"][-1]
    assert later["topic"] == "domain.complaint:Complaint.Verified"
    assert (later["leaf_index"], later["inclusion_path"]) == (None, None)


def test_the_receipt_follows_the_complaint_read_rules(
    client: TestClient, filed: dict[str, Any], token: Token
) -> None:
    url = f"/v1/complaints/{filed['id']}/receipt"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"X-Access-Token": "not-the-token"}).status_code == 404
    assert client.get(url, headers=token(Role.OFFICER, "disdukcapil")).status_code == 404
    assert client.get(url, headers=token(Role.SUPERVISOR, "rsud")).status_code == 404
    assert client.get(url, headers=token(Role.SUPERVISOR, "disdukcapil")).status_code == 200


def test_the_public_key_is_the_checkpoint_signers(
    client: TestClient, filed: dict[str, Any]
) -> None:
    name, key_hash, material = client.get("/v1/ledger/public-key").text.strip().split("+", 2)
    public_key = base64.b64decode(material)[1:]
    assert name == "localhost/aduan-ledger"
    assert key_hash == hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4].hex()


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parameter=st.sampled_from(["index", "tree_size", "first", "second"]),
    value=st.one_of(st.text(max_size=25), st.integers().map(str)),
    route=st.sampled_from(["checkpoint", "proof/inclusion", "proof/consistency", "leaves/1"]),
)
def test_random_ledger_queries_never_500(
    client: TestClient, filed: dict[str, Any], parameter: str, value: str, route: str
) -> None:
    response = client.get(f"/v1/ledger/{route}", params={parameter: value, "index": 1})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert isinstance(response.json()["code"], str)
