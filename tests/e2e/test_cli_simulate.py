"""`aduan simulate`: a reproducible story, into an empty store only, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.settings import Settings
from services.cli import main

SMALL = ["--complaints", "60", "--days", "20", "--until", "2026-11-20"]


def simulate_into(
    path: Path, seed: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    url = f"sqlite:///{path}"
    monkeypatch.setenv("ADUAN_DATABASE_URL", url)
    assert main(["simulate", "--seed", str(seed), *SMALL]) == 0
    summary = capsys.readouterr().out.strip()
    return summary.replace(url, "STORE")


def test_the_same_seed_tells_the_same_story_and_another_seed_another(
    cli_env: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = simulate_into(tmp_path / "a.db", 5, monkeypatch, capsys)
    again = simulate_into(tmp_path / "b.db", 5, monkeypatch, capsys)
    other = simulate_into(tmp_path / "c.db", 6, monkeypatch, capsys)

    assert first.startswith("60 complaints (")
    assert "survey responses" in first and "events in STORE" in first
    assert again == first
    assert other != first


def test_a_store_that_holds_a_ledger_is_refused(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["units", "add", "dinkes", "Dinas Kesehatan"]) == 0
    capsys.readouterr()

    assert main(["simulate", *SMALL]) == 1

    error = capsys.readouterr().err
    assert "already holds a ledger" in error
    assert "ADUAN_DATABASE_URL=sqlite:///var/demo.db aduan simulate" in error


@pytest.mark.parametrize("option", ["--complaints", "--days"])
def test_fewer_than_one_complaint_or_day_is_refused_with_the_option_named(
    cli_env: Settings, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", option, "0"]) == 2
    assert f"{option} must be at least 1" in capsys.readouterr().err


def test_a_date_that_is_not_a_date_is_refused(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", "--until", "20-11-2026"])
    assert exit_info.value.code == 2
    assert "--until" in capsys.readouterr().err
