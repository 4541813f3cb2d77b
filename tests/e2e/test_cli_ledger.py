"""`aduan ledger follow --once`, `public-key` and `verify-proof`: an auditor checks a
receipt and a consistency proof from the API offline, with the public key alone; the
server follows the log in-process on SQLite; the signing key is made once."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from infra.secret_key import resolve_secret_key
from infra.settings import Settings
from infra.transparency.signing_key import SigningKeyError, resolve_signer
from services.api.app import create_app
from services.cli import main
from services.composition import build_ledger
from tests.ledger_support import add_history
from tests.support import MutableClock


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def bearer(client: TestClient, role: Role) -> dict[str, str]:
    issuer = client.app.state.token_issuer  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {issuer.issue(role, 'test', [], datetime.now(UTC))}"}


@pytest.fixture
def served(cli_env: Settings, clock: MutableClock, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The API on the CLI's store, once the tree has a history; `aduan ledger follow`
    signs a checkpoint whenever the log grew."""
    monkeypatch.setenv("ADUAN_LEDGER_CHECKPOINT_SECONDS", "0")
    ledger = build_ledger(cli_env)
    add_history(ledger, 3)
    ledger.close()
    assert main(["ledger", "follow", "--once"]) == 0
    settings = cli_env.model_copy(update={"ledger_in_process": False})
    return TestClient(create_app(settings, clock.now))


def save(tmp_path: Path, name: str, document: Any) -> str:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(document))
    return str(path)


def test_follow_once_appends_the_backlog_and_says_how_far(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = build_ledger(cli_env)
    add_history(ledger, 2)
    ledger.close()
    code, out, _ = run(capsys, "ledger", "follow", "--once")
    assert (code, out) == (0, "appended 9 events; the tree has 9 leaves, up to log position 9\n")
    assert run(capsys, "ledger", "follow", "--once")[1].startswith("appended 0 events")


def test_a_receipt_from_the_api_verifies_offline_with_the_public_key(
    served: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with served as client:
        filed = client.post("/v1/complaints", json={
            "unit_id": "disdukcapil", "title": "Jalan rusak", "description": "Jalan berlubang.",
        }).json()  # fmt: skip
        assert main(["ledger", "follow", "--once"]) == 0
        receipt = client.get(f"/v1/complaints/{filed['id']}/receipt",
                             headers={"X-Access-Token": filed["access_token"]}).json()  # fmt: skip
        key = client.get("/v1/ledger/public-key").text
    capsys.readouterr()
    key_file = tmp_path / "ledger.pub"
    key_file.write_text(key)
    code, out, _ = run(capsys, "ledger", "verify-proof", save(tmp_path, "r.json", receipt),
                       "--public-key", str(key_file))  # fmt: skip
    assert code == 0
    assert "event 1 (domain.complaint:Complaint.Filed): leaf 12, included" in out
    assert out.endswith("ok\n")


def test_a_forged_receipt_fails_offline(
    served: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with served as client:
        (complaint,) = client.get("/v1/complaints", params={"page_size": 1},
                                  headers=bearer(client, Role.AUDITOR)).json()["items"]  # fmt: skip
        receipt = client.get(f"/v1/complaints/{complaint['id']}/receipt",
                             headers=bearer(client, Role.AUDITOR)).json()  # fmt: skip
        key = client.get("/v1/ledger/public-key").text.strip()
    capsys.readouterr()
    event = receipt["events"][0]
    real_state = orjson.loads(event["leaf_input"])["state_sha256"]
    forged_input = event["leaf_input"].replace(real_state, "0" * 64)
    forged_hash = hashlib.sha256(b"\x00" + forged_input.encode()).hexdigest()
    forged = {**event, "leaf_input": forged_input, "leaf_hash": forged_hash}
    document = {**receipt, "events": [forged, *receipt["events"][1:]]}
    code, _, err = run(capsys, "ledger", "verify-proof", save(tmp_path, "forged.json", document),
                       "--public-key", key)  # fmt: skip
    assert code == 1
    assert f"FAILED: event 1: the inclusion proof of leaf {event['leaf_index']} fails" in err


def test_a_consistency_proof_verifies_offline_and_fails_under_another_key(
    served: TestClient, cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = build_ledger(cli_env)
    add_history(ledger, 2)
    ledger.close()
    assert main(["ledger", "follow", "--once"]) == 0
    with served as client:
        sizes = (12, 18)
        proof = client.get("/v1/ledger/proof/consistency",
                           params={"first": sizes[0], "second": sizes[1]}).json()  # fmt: skip
        key = client.get("/v1/ledger/public-key").text.strip()
    capsys.readouterr()
    path = save(tmp_path, "c.json", proof)
    code, out, _ = run(capsys, "ledger", "verify-proof", path, "--public-key", key)
    assert code == 0
    assert "the tree of 18 extends the tree of 12" in out
    other = Settings(
        ledger_signing_key_file=tmp_path / "other.key", ledger_origin="localhost/aduan-ledger"
    )
    code, _, err = run(capsys, "ledger", "verify-proof", path, "--public-key",
                       resolve_signer(other).verifier.text)  # fmt: skip
    assert code == 1
    assert "FAILED: the first checkpoint: the note carries no signature" in err


def test_the_server_follows_the_log_in_process_on_sqlite(
    settings: Settings, clock: MutableClock
) -> None:
    assert settings.ledger_in_process is None  # the default: in-process on SQLite
    live = settings.model_copy(update={"ledger_checkpoint_seconds": 0})
    with TestClient(create_app(live, clock.now)) as client:
        client.post("/v1/units", json={"unit_id": "dinsos", "name": "Dinas Sosial"},
                    headers=bearer(client, Role.ADMIN))  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            response = client.get("/v1/ledger/checkpoint")
            if response.status_code == 200 and "\n3\n" in response.text:
                break
            time.sleep(0.05)
        assert response.status_code == 200
        assert response.text.split("\n")[1] == "3"


def test_the_signing_key_is_made_once_readable_by_its_owner_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_env: Settings
) -> None:
    assert run(capsys, "ledger", "follow", "--once")[0] == 0
    first = run(capsys, "ledger", "public-key")
    assert first == run(capsys, "ledger", "public-key")
    assert first[1].startswith("localhost/aduan-ledger+")
    mode = stat.S_IMODE(os.stat(tmp_path / "ledger.key").st_mode)
    assert mode == 0o600


def test_the_public_key_is_never_made_by_asking_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_env: Settings
) -> None:
    code, out, err = run(capsys, "ledger", "public-key")
    assert (code, out) == (2, "")
    assert f"No signing key at {tmp_path / 'ledger.key'}" in err and "aduan serve" in err
    assert not (tmp_path / "ledger.key").exists()


def test_a_signing_key_made_for_another_origin_is_refused(tmp_path: Path) -> None:
    resolve_signer(Settings(ledger_signing_key_file=tmp_path / "k", ledger_origin="a.example/log"))
    with pytest.raises(SigningKeyError, match=r"named a\.example/log but ADUAN_LEDGER_ORIGIN"):
        resolve_signer(
            Settings(ledger_signing_key_file=tmp_path / "k", ledger_origin="b.example/log")
        )


def test_keys_made_on_first_start_live_beside_the_sqlite_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    settings = Settings(database_url=f"sqlite:///{store}/aduan.db")
    monkeypatch.chdir(tmp_path)
    made = resolve_signer(settings).verifier.text
    token_key = resolve_secret_key(settings)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert resolve_signer(settings).verifier.text == made
    assert resolve_secret_key(settings) == token_key
    assert sorted(path.name for path in store.glob("*.key")) == ["ledger.key", "secret.key"]
    assert not (elsewhere / "var").exists()


def test_verify_without_the_signing_key_says_where_it_looked_and_makes_none(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cli_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ledger = build_ledger(cli_env)
    add_history(ledger, 2)
    ledger.close()
    assert run(capsys, "ledger", "follow", "--once")[0] == 0
    missing = tmp_path / "moved.key"
    monkeypatch.setenv("ADUAN_LEDGER_SIGNING_KEY_FILE", str(missing))
    code, _, err = run(capsys, "ledger", "verify")
    assert code == 2
    assert f"No signing key at {missing}" in err
    assert not missing.exists()
