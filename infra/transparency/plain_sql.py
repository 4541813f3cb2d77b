"""Plain SQL on the event store's own database, for the tree's bulk reads: rows come back
as plain tuples (not the recorder's ``sqlite3.Row``, which costs as much again to build),
and on PostgreSQL in binary (no hex to decode for a hash or a state)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.rows import tuple_row

Store = SQLiteApplicationRecorder | PostgresApplicationRecorder


def supported(recorder: ApplicationRecorder) -> Store:
    if isinstance(recorder, SQLiteApplicationRecorder | PostgresApplicationRecorder):
        return recorder
    raise TypeError(f"The ledger needs a SQLite or PostgreSQL event store, not {recorder}")


def fetch(store: Store, statement: str, parameters: Sequence[Any] = ()) -> list[Any]:
    """The rows of one statement ("?" placeholders on SQLite, "%s" on PostgreSQL)."""
    if isinstance(store, PostgresApplicationRecorder):
        # One statement needs no transaction: autocommit saves two round trips.
        with store.datastore.get_connection() as connection:
            rows = connection.cursor(row_factory=tuple_row, binary=True)
            rows.execute(statement, parameters)
            return rows.fetchall()
    with store.datastore.transaction(commit=False) as cursor:
        plain = cursor.sqlite_cursor
        plain.row_factory = None
        plain.execute(statement, parameters)
        found: list[Any] = plain.fetchall()
        return found
