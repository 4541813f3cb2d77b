"""The stored events as the tree reads them: plain rows in log order, straight from the
event store's table (building the recorder's notification objects would cost more than
hashing them), and each row's leaf input.

A row is ``(notification_id, originator_id, originator_version, topic, state)``: the
originator id in its canonical text form (a UUID with dashes, as PostgreSQL prints it), the
state as stored (compressed or encrypted when the store is).
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.rows import tuple_row

EventRow = tuple[int, str, int, str, bytes]

# SQLite keeps a UUID as 32 hex digits: dashed here, in SQL, where it costs least.
_SQLITE_ID = (
    "substr(originator_id, 1, 8) || '-' || substr(originator_id, 9, 4) || '-' || "
    "substr(originator_id, 13, 4) || '-' || substr(originator_id, 17, 4) || '-' || "
    "substr(originator_id, 21)"
)


def leaf_input(row: EventRow) -> bytes:
    """Compact JSON with sorted keys: the bytes the leaf hash is taken of."""
    notification_id, originator_id, originator_version, topic, state = row
    return orjson.dumps(
        {
            "notification_id": notification_id,
            "originator_id": originator_id,
            "originator_version": originator_version,
            "state_sha256": hashlib.sha256(state).hexdigest(),
            "topic": topic,
        },
        option=orjson.OPT_SORT_KEYS,
    )


class EventRows:
    def __init__(self, recorder: ApplicationRecorder) -> None:
        if isinstance(recorder, SQLiteApplicationRecorder):
            self._sqlite: SQLiteApplicationRecorder | None = recorder
            self._postgres: PostgresApplicationRecorder | None = None
            columns = f"rowid, {_SQLITE_ID}, originator_version, topic, CAST(state AS BLOB)"
            table, position, mark = recorder.events_table_name, "rowid", "?"
        elif isinstance(recorder, PostgresApplicationRecorder):
            self._sqlite, self._postgres = None, recorder
            columns = "notification_id, originator_id::text, originator_version, topic, state"
            table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
            position, mark = "notification_id", "%s"
        else:
            raise TypeError(f"The ledger needs a SQLite or PostgreSQL event store, not {recorder}")
        select = f"SELECT {columns} FROM {table} WHERE "
        self._after = f"{select}{position} > {mark} ORDER BY {position} LIMIT {mark}"
        self._of = f"{select}originator_id = {mark} ORDER BY originator_version"
        self._at = f"{select}{position} = {mark}"
        self._last = f"SELECT MAX({position}) FROM {table}"
        self._count_after = f"SELECT COUNT(*) FROM {table} WHERE {position} > {mark}"

    def after(self, notification_id: int, limit: int) -> list[EventRow]:
        """Up to ``limit`` rows after ``notification_id``, in log order."""
        return self._query(self._after, (notification_id, limit))

    def of(self, originator_id: UUID) -> list[EventRow]:
        """An aggregate's rows, oldest first."""
        key = originator_id.hex if self._sqlite is not None else originator_id
        return self._query(self._of, (key,))

    def at(self, notification_id: int) -> EventRow | None:
        rows = self._query(self._at, (notification_id,))
        return rows[0] if rows else None

    def last_notification_id(self) -> int:
        rows: list[Any] = self._query(self._last, ())
        return int(rows[0][0] or 0)

    def count_after(self, notification_id: int) -> int:
        rows: list[Any] = self._query(self._count_after, (notification_id,))
        return int(rows[0][0])

    def _query(self, statement: str, parameters: tuple[Any, ...]) -> list[Any]:
        if self._sqlite is not None:
            with self._sqlite.datastore.transaction(commit=False) as cursor:
                cursor.execute(statement, parameters)
                return [tuple(row) for row in cursor.fetchall()]
        assert self._postgres is not None
        with self._postgres.datastore.get_connection() as connection:
            rows = connection.cursor(row_factory=tuple_row)
            rows.execute(statement, parameters)
            return list(rows.fetchall())
