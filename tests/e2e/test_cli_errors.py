"""The aduan command refuses what it cannot use with a message that says what to do, and
exit code 2, never a traceback or a long silence."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError

from infra.settings import Settings
from services import cli
from services.cli import main

UNREACHABLE_POSTGRES = "postgresql://aduan@127.0.0.1:1/aduan"  # nothing listens on port 1


def errors_of(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_an_unreachable_postgres_is_named_with_what_to_do(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADUAN_DATABASE_URL", UNREACHABLE_POSTGRES)

    code, err = errors_of(capsys, "units", "list")

    assert code == 2
    assert err.startswith("aduan: cannot connect to PostgreSQL at 127.0.0.1:1: ")
    assert "make postgres" in err and "ADUAN_DATABASE_URL" in err


def test_a_store_failing_during_a_command_is_reported_without_a_traceback(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def store_gone(*_args: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(cli, "build_ledger", store_gone)

    code, err = errors_of(capsys, "units", "list")

    assert code == 2
    assert "stopped answering or failed (server closed the connection unexpectedly)" in err
    assert "run the command again" in err


def test_a_locked_sqlite_file_is_reported_as_busy_not_as_a_file_that_is_no_database(
    cli_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    holder = sqlite3.connect(tmp_path / "held.db", isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")

    def views_locked(*_args: Any) -> None:
        sqlite3.connect(tmp_path / "held.db", timeout=0).execute("INSERT INTO t VALUES (1)")

    monkeypatch.setattr(cli, "build_ledger", views_locked)

    code, err = errors_of(capsys, "units", "list")
    holder.rollback()

    assert code == 2
    assert "stopped answering or failed (database is locked)" in err
    assert "cannot be opened as an SQLite database" not in err


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://x@127.0.0.1:99999/x", "Port out of range"),
        ("postgresql://x@127.0.0.1:abc/x", "Port could not be cast to integer"),
        ("postgresql://x@[::1/x", "Invalid IPv6 URL"),
    ],
)
def test_an_unreadable_postgres_url_says_what_to_write(
    url: str,
    problem: str,
    cli_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ADUAN_DATABASE_URL", url)

    code, err = errors_of(capsys, "units", "list")

    assert code == 2
    assert f"is not a usable URL ({problem}" in err
    assert "write postgresql://user:password@127.0.0.1:5432/aduan" in err


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://aduan@127.0.0.1:0/aduan", ["names port 0; write the server's port"]),
        (
            "sqlite:///{tmp}",
            ["names the directory {tmp}; name a file in it: sqlite:///{tmp}/aduan.db"],
        ),
        ("sqlite:///{tmp}/file/x.db", ["under {tmp}/file, which is a file, not a directory"]),
        (
            "sqlite:////proc/aduan.db",
            ["cannot create /proc/aduan.db", "name a file in a directory you can write to"],
        ),
    ],
    ids=["postgres port 0", "sqlite directory", "sqlite under a file", "sqlite unwritable"],
)
def test_an_unusable_database_url_says_what_to_write(
    url: str,
    says: list[str],
    cli_env: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("ADUAN_DATABASE_URL", url.format(tmp=tmp_path))

    code, err = errors_of(capsys, "units", "list")

    assert code == 2
    for fragment in says:
        assert fragment.format(tmp=tmp_path) in err


def test_a_sqlite_url_naming_a_file_that_is_no_database_says_so_and_keeps_the_file(
    cli_env: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, but someone's notes\n")
    monkeypatch.setenv("ADUAN_DATABASE_URL", f"sqlite:///{notes}")

    code, err = errors_of(capsys, "units", "list")

    assert code == 2
    assert err.startswith(f"aduan: sqlite:///{notes} cannot be opened as an SQLite database")
    assert notes.read_text() == "not a database, but someone's notes\n"


def test_a_simulation_starting_before_1970_is_refused(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["simulate", "--complaints", "5", "--days", "1", "--until", "1900-01-01"]

    code, err = errors_of(capsys, *args)

    assert code == 2
    assert "start the history before 1970-01-01" in err
    assert "choose a later --until or fewer --days" in err


def test_a_simulation_until_a_far_future_day_ends_now(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["simulate", "--complaints", "5", "--days", "1", "--until", "9999-12-31"]

    assert main(args) == 0
    assert capsys.readouterr().out.startswith("5 complaints (")


@pytest.mark.parametrize("command", [["relay", "--once"], ["notify", "--once"], ["kafka", "init"]])
def test_a_malformed_kafka_bootstrap_is_refused_with_its_form(
    command: list[str],
    cli_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ADUAN_KAFKA_BOOTSTRAP", "garbage::")

    code, err = errors_of(capsys, *command)

    assert code == 2
    assert "ADUAN_KAFKA_BOOTSTRAP must be host:port,... (e.g. 127.0.0.1:9092)" in err


def test_a_verifier_key_file_that_is_not_text_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "pk"
    key_file.write_bytes(b"\xff")

    code, err = errors_of(capsys, "ledger", "verify-proof", "e.json", "--public-key", str(key_file))

    assert code == 1
    assert f"{key_file} is not a text file, so it holds no verifier key" in err


def test_a_missing_verifier_key_file_is_named_as_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nonexistent"

    code, err = errors_of(capsys, "ledger", "verify-proof", "e.json", "--public-key", str(missing))

    assert code == 1
    assert f"there is no file {missing}" in err
    assert "aduan ledger public-key" in err


@pytest.mark.parametrize("name", ["", "A", "   "])
def test_a_unit_name_the_api_refuses_is_refused_and_nothing_is_registered(
    name: str, cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = errors_of(capsys, "units", "add", "u6", name)

    assert code == 2
    assert err.startswith("aduan: cannot register 'u6': name: ")
    assert main(["units", "list"]) == 0
    assert capsys.readouterr().out == ""
