"""Which database errors mean a store is not answering (an outage to wait out), as opposed to
a fault in the code that asked it something.

PostgreSQL: the connection cannot be made or was lost, the pool has no connection to give,
the server is shutting down, a statement was cancelled, or a transaction lost a conflict
(psycopg's ``OperationalError`` and ``InterfaceError`` families). SQLite: the file is busy,
locked, unreadable, full or cannot be opened. The event store's library wraps both
drivers' errors in its own classes, keeping the driver's as the cause.
"""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import ConnectionUnavailableError, PersistenceError

STORE_ERRORS: tuple[type[Exception], ...] = (PersistenceError, psycopg.Error, sqlite3.Error)

_POSTGRES_OUTAGES = (ConnectionUnavailableError, psycopg.OperationalError, psycopg.InterfaceError)
_SQLITE_OUTAGES = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
}
_PRIMARY_CODE = 0xFF  # SQLite's extended result codes keep the primary code in the low byte


def is_store_outage(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, _POSTGRES_OUTAGES):
            return True
        if isinstance(seen, sqlite3.Error):
            return (seen.sqlite_errorcode & _PRIMARY_CODE) in _SQLITE_OUTAGES
        seen = seen.__cause__
    return False
