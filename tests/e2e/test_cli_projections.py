"""`aduan projections status` and `aduan projections rebuild NAME`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.sla import SlaPolicy
from domain.values import Actor, Role
from infra.settings import Settings
from projections import store as store_module
from services.cli import main
from services.commands import Forward, Verify
from services.composition import build_ledger, build_projection_host
from services.filing import ComplainantIn, Filing
from services.ledger import ComplaintLedger
from services.principals import Staff
from tests.view_support import dump_views

ADMIN = Actor("admin-test", Role.ADMIN)
COORDINATOR = Staff("co", Role.COORDINATOR)


@pytest.fixture
def ledger(cli_env: Settings) -> Iterator[ComplaintLedger]:
    """Three complaints (six complaint events) on the CLI's store."""
    ledger = build_ledger(cli_env)
    ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    for _ in range(3):
        filed = ledger.file(
            Filing(
                unit_id="disdukcapil",
                title="Akta kelahiran",
                description="Akta kelahiran anak saya belum terbit.",
                complainant=ComplainantIn(name="Siti Aminah"),
            ),
            None,
        )
        ledger.perform(filed["id"], COORDINATOR, Verify())
    ledger.perform(filed["id"], COORDINATOR, Forward(unit_id="disdukcapil"))
    yield ledger
    ledger.close()


def status_table(output: str) -> dict[str, tuple[int, int, int]]:
    header, *lines = output.splitlines()
    assert header.split() == ["projection", "position", "log", "lag"]
    table = {}
    for line in lines:
        name, position, log, lag = line.split()
        table[name] = (int(position), int(log), int(lag))
    return table


def test_status_prints_each_projection_with_position_log_end_and_lag(
    cli_env: Settings, ledger: ComplaintLedger, capsys: pytest.CaptureFixture[str]
) -> None:
    log_end = ledger.recorder.max_notification_id()
    host = build_projection_host(cli_env, ledger)
    host.runner("complaints").catch_up()
    host.stop()

    assert main(["projections", "status"]) == 0

    assert status_table(capsys.readouterr().out) == {
        "complaints": (log_end, log_end, 0),
        "metrics": (0, log_end, log_end),
        "skm": (0, log_end, log_end),
        "promises": (0, log_end, log_end),
        "audit": (0, log_end, log_end),
    }


def test_rebuild_reports_progress_and_gives_the_view_it_replaces(
    cli_env: Settings, ledger: ComplaintLedger, capsys: pytest.CaptureFixture[str]
) -> None:
    host = build_projection_host(cli_env, ledger)
    host.catch_up()
    before = dump_views(host)
    host.stop()

    assert main(["projections", "rebuild", "complaints"]) == 0

    captured = capsys.readouterr()
    log_end = ledger.recorder.max_notification_id()
    # 3 filed, 3 verified, 1 forwarded; the units' events are not the view's
    assert captured.out.strip() == f"rebuilt complaints from 7 events, up to log position {log_end}"
    assert "rebuilding complaints [" in captured.err
    assert f"] {log_end}/{log_end} " in captured.err  # progress is counted along the log
    after = build_projection_host(cli_env, ledger)
    assert dump_views(after) == before
    assert after.runner("complaints").status().lag == 0
    after.stop()


def test_rebuild_while_another_process_rebuilds_the_view_exits_2_saying_what_to_do(
    cli_env: Settings,
    ledger: ComplaintLedger,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(store_module, "REBUILD_LOCK_WAIT_SECONDS", 0.2)
    elsewhere = build_projection_host(cli_env, ledger)
    with elsewhere.store.rebuild_lock("complaints"):
        assert main(["projections", "rebuild", "complaints"]) == 2
    elsewhere.stop()

    error = capsys.readouterr().err
    assert "Another process is rebuilding the view complaints" in error
    assert "then try again" in error
    assert "Traceback" not in error


def test_rebuild_of_an_unknown_projection_exits_2_naming_the_known_ones(
    cli_env: Settings, ledger: ComplaintLedger, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["projections", "rebuild", "nope"]) == 2

    error = capsys.readouterr().err
    assert "nope" in error
    assert "complaints" in error
    assert "metrics" in error


def test_rebuild_without_a_name_is_a_usage_error(cli_env: Settings) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["projections", "rebuild"])
    assert exit_info.value.code == 2


def test_status_on_an_empty_store_shows_nothing_behind(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["projections", "status"]) == 0

    assert status_table(capsys.readouterr().out) == {
        "complaints": (0, 0, 0),
        "metrics": (0, 0, 0),
        "skm": (0, 0, 0),
        "promises": (0, 0, 0),
        "audit": (0, 0, 0),
    }
