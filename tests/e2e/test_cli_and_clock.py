"""The aduan command, and the server's own clock applying deadlines."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from domain.sla import SlaPolicy
from domain.values import Actor, Role
from infra.settings import Settings
from services.api.app import create_app
from services.cli import main
from services.commands import RequestInfo
from services.composition import build_ledger
from services.filing import Filing
from services.principals import Staff
from tests.e2e.conftest import CLI_SECRET as SECRET

ADMIN = Actor("admin-test", Role.ADMIN)
COORDINATOR = Staff("co", Role.COORDINATOR)


def test_token_prints_a_signed_officer_token(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["token", "--role", "officer", "--unit", "rsud", "--unit", "dinkes", "--subject", "ani"]
    assert main(args) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), SECRET, algorithms=["HS256"])
    assert claims["role"] == "officer"
    assert claims["units"] == ["dinkes", "rsud"]
    assert claims["sub"] == "ani"
    assert claims["exp"] > claims["iat"]


def test_officer_token_without_a_unit_is_refused_with_a_message(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--role", "officer"]) == 2
    assert "needs at least one unit" in capsys.readouterr().err


def test_unknown_role_is_refused(cli_env: Settings) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["token", "--role", "mayor"])
    assert exit_info.value.code == 2


def test_units_add_and_list(cli_env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "add", "dpmptsp", "DPMPTSP Garut"]) == 0
    assert main(["units", "add", "dpmptsp-loket", "Loket DPMPTSP", "--parent", "dpmptsp"]) == 0
    assert main(["units", "add", "dpmptsp", "Again"]) == 2
    capsys.readouterr()
    assert main(["units", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "dpmptsp\tDPMPTSP Garut",
        "dpmptsp-loket\tLoket DPMPTSP  (in dpmptsp)",
    ]


def test_units_add_with_a_bad_id_and_name_says_what_to_write(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["units", "add", "Dinas PU", "x"]) == 2
    error = capsys.readouterr().err
    assert "unit_id: String should match pattern" in error
    assert "lowercase letters, digits and hyphens" in error
    assert "name: String should have at least 2 characters" in error
    assert main(["units", "list"]) == 0
    assert capsys.readouterr().out == ""


def test_bad_database_url_says_what_to_write(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADUAN_DATABASE_URL", "mysql://nope")
    assert main(["units", "list"]) == 2
    assert "sqlite:///var/aduan.db" in capsys.readouterr().err


def test_unknown_skm_element_set_stops_start_up_naming_the_allowed_ones(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADUAN_SKM_ELEMENT_SET", "skm-2017")
    assert main(["units", "list"]) == 2
    assert "permenpanrb-14-2017, kep-25-m-pan-2-2004" in capsys.readouterr().err


def test_unreadable_skm_weights_stop_start_up_naming_the_setting(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADUAN_SKM_WEIGHTS", '{"*": [0.5, 0.5')
    assert main(["units", "list"]) == 2
    assert "bad setting: ADUAN_SKM_WEIGHTS is not valid JSON" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ADUAN_PORT", "99999"),
        ("ADUAN_PORT", "0"),
        ("ADUAN_TOKEN_TTL_MINUTES", "-5"),
        ("ADUAN_TOKEN_TTL_MINUTES", "99999999999"),
        ("ADUAN_TICK_SECONDS", "0"),
        ("ADUAN_MAX_BODY_BYTES", "10"),
    ],
)
def test_a_setting_out_of_range_stops_start_up_naming_its_variable_and_value(
    cli_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["token", "--role", "admin"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"aduan: bad setting: {variable}={value!r}: ")
    assert "unset it to take the default" in captured.err


def test_a_bad_item_of_a_list_setting_is_named_by_its_place(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADUAN_EXTRA_HOLIDAYS", "2026-12-24,2026-13-01")
    assert main(["units", "list"]) == 2
    assert "ADUAN_EXTRA_HOLIDAYS (item 2)='2026-13-01': " in capsys.readouterr().err


def test_a_token_key_too_short_to_sign_is_refused_without_showing_it(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADUAN_SECRET_KEY", "hunter2")
    assert main(["token", "--role", "admin"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "ADUAN_SECRET_KEY: String should have at least 32 characters" in captured.err
    assert "hunter2" not in captured.err


def test_a_key_file_too_short_to_sign_is_refused_saying_what_to_do(
    cli_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    key_file = tmp_path / "secret.key"
    key_file.write_text("hunter2\n")
    monkeypatch.delenv("ADUAN_SECRET_KEY")
    monkeypatch.setenv("ADUAN_SECRET_KEY_FILE", str(key_file))
    assert main(["token", "--role", "admin"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"the token key in {key_file} has 7 characters; it needs at least 32" in captured.err
    assert "Delete the file to have a new key made" in captured.err


def test_tick_records_missed_deadlines_and_withdraws_lapsed_info_requests(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    long_ago = datetime(2026, 1, 5, 2, tzinfo=UTC)
    ledger = build_ledger(cli_env, clock=lambda: long_ago)
    ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    waiting = ledger.file(_filing(), None)
    asked = ledger.file(_filing(), None)
    ledger.perform(asked["id"], COORDINATOR, RequestInfo(questions="Foto?"))
    ledger.close()

    assert main(["tick"]) == 0
    assert "2 complaints due, 2 changed" in capsys.readouterr().out
    after = build_ledger(cli_env)
    waiting_events = [e["type"] for e in after.history(waiting["id"], COORDINATOR)]
    assert waiting_events.count("DeadlineMissed") == 3  # verify, answer, resolution
    assert after.get_complaint(asked["id"], COORDINATOR)["status"] == "withdrawn"
    assert main(["tick"]) == 0
    assert "0 complaints due" in capsys.readouterr().out


def test_server_clock_records_a_missed_deadline_by_itself(
    tmp_path: Path, file_complaint_factory: Callable[[TestClient], dict[str, Any]]
) -> None:
    now = [datetime(2026, 11, 23, 2, tzinfo=UTC)]
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/clock.db",
        secret_key=SECRET,
        tick_seconds=0.05,
        ledger_signing_key_file=tmp_path / "ledger.key",
    )
    with TestClient(create_app(settings, lambda: now[0])) as client:
        filed = file_complaint_factory(client)
        now[0] += timedelta(days=5)
        headers = {"X-Access-Token": filed["access_token"]}
        deadline = time.monotonic() + 10
        types: list[str] = []
        while time.monotonic() < deadline and "DeadlineMissed" not in types:
            time.sleep(0.05)
            history = client.get(f"/v1/complaints/{filed['id']}/history", headers=headers)
            types = [event["type"] for event in history.json()]
    assert types == ["Filed", "DeadlineMissed"]


@pytest.fixture
def file_complaint_factory() -> Callable[[TestClient], dict[str, Any]]:
    def file(client: TestClient) -> dict[str, Any]:
        ledger = client.app.state.ledger  # type: ignore[attr-defined]
        ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
        response = client.post("/v1/complaints", json=_filing().model_dump(mode="json"))
        assert response.status_code == 201
        filed: dict[str, Any] = response.json()
        return filed

    return file


def _filing() -> Filing:
    return Filing(
        unit_id="disdukcapil",
        title="Akta kelahiran",
        description="Akta kelahiran anak saya belum terbit.",
    )
