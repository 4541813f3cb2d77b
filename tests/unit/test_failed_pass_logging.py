import logging
import sqlite3
from pathlib import Path

import pytest

from services.failures import log_failed_pass

log = logging.getLogger("aduan.test")


def _busy_error(tmp_path: Path) -> sqlite3.Error:
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        sqlite3.connect(tmp_path / "busy.db", timeout=0).execute("INSERT INTO t VALUES (1)")
    except sqlite3.Error as error:
        return error
    finally:
        holder.rollback()
    raise AssertionError("the second writer was not refused")


def test_an_outage_is_one_warning_line_with_the_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="aduan.test"):
        log_failed_pass(log, _busy_error(tmp_path), "views failed; retrying in %ds", 1)
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == (
        "views failed; retrying in 1s: a store is not answering: database is locked"
    )


def test_any_other_failure_is_logged_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise KeyError("a fault")
    except KeyError as error:
        with caplog.at_level(logging.WARNING, logger="aduan.test"):
            log_failed_pass(log, error, "views failed; retrying in %ds", 1)
    [record] = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert record.getMessage() == "views failed; retrying in 1s"
