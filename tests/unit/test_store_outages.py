import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import OperationalError, ProgrammingError

from infra.store_outages import is_store_outage

NOTHING_LISTENS = "postgresql://aduan@127.0.0.1:1/aduan"  # port 1: connection refused


def _raised(action: Callable[[], object]) -> Exception:
    with pytest.raises(Exception) as caught:
        action()
    return caught.value


def _locked_database_error(tmp_path: Path) -> sqlite3.Error:
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(tmp_path / "busy.db", timeout=0)
    error = _raised(lambda: other.execute("INSERT INTO t VALUES (1)"))
    holder.rollback()
    assert isinstance(error, sqlite3.Error)
    return error


def test_a_locked_sqlite_file_is_an_outage(tmp_path: Path) -> None:
    assert is_store_outage(_locked_database_error(tmp_path))


def test_a_wrapped_sqlite_lock_is_an_outage_through_its_cause(tmp_path: Path) -> None:
    wrapped = OperationalError("database is locked")
    wrapped.__cause__ = _locked_database_error(tmp_path)
    assert is_store_outage(wrapped)


def test_a_bad_statement_is_a_fault_not_an_outage() -> None:
    connection = sqlite3.connect(":memory:")
    error = _raised(lambda: connection.execute("SELEC 1"))
    assert not is_store_outage(error)
    wrapped = ProgrammingError("syntax error")
    wrapped.__cause__ = error
    assert not is_store_outage(wrapped)


def test_a_refused_postgres_connection_is_an_outage() -> None:
    error = _raised(lambda: psycopg.connect(NOTHING_LISTENS, connect_timeout=2))
    assert isinstance(error, psycopg.OperationalError)
    assert is_store_outage(error)


def test_an_error_from_outside_the_stores_is_not_an_outage() -> None:
    assert not is_store_outage(ValueError("not a database's"))
