"""Where each relay got to in the log: one row per relay, in the event store's own database,
through the store's own connections (so reconnects and lock timeouts are the store's)."""

from __future__ import annotations

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from infra.schema_lock import hold_schema_lock

CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS relay_positions (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)
_SELECT = "SELECT position FROM relay_positions WHERE name = {0}"
_UPSERT = (
    "INSERT INTO relay_positions (name, position) VALUES ({0}, {0}) "
    "ON CONFLICT (name) DO UPDATE SET position = excluded.position"
)


class RelayPositions:
    def __init__(self, recorder: ApplicationRecorder) -> None:
        if isinstance(recorder, SQLiteApplicationRecorder):
            self._store: SQLiteApplicationRecorder | PostgresApplicationRecorder = recorder
            placeholder = "?"
        elif isinstance(recorder, PostgresApplicationRecorder):
            self._store = recorder
            placeholder = "%s"
        else:
            raise TypeError(
                f"The relay needs a SQLite or PostgreSQL event store, not {type(recorder)}."
            )
        self._select = _SELECT.format(placeholder)
        self._upsert = _UPSERT.format(placeholder)
        with self._store.datastore.transaction(commit=True) as cursor:
            if placeholder == "%s":
                hold_schema_lock(cursor)
            cursor.execute(CREATE_TABLE)

    def position(self, name: str) -> int:
        """The last log position published and confirmed; 0 before the first."""
        with self._store.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._select, (name,))
            row = cursor.fetchone()
        return 0 if row is None else int(row["position"])

    def record(self, name: str, position: int) -> None:
        with self._store.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._upsert, (name, position))
