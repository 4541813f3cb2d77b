"""The event store's SQLite recorder, writing a transaction's events in one statement.

The library's recorder inserts events one ``execute`` at a time. Each call lets go of
Python's lock while SQLite works and has to win it back afterwards, and when the server's
other threads are busy that wait, not SQLite, is most of a group commit's time: a commit of
a dozen filings made some thirty such waits. One multi-row ``INSERT`` makes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

# Four parameters a row: 800 a statement stays under the oldest SQLite limit (999).
ROWS_PER_STATEMENT = 200


class MultiRowSQLiteRecorder(SQLiteApplicationRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any
    ) -> Sequence[int] | None:
        """Insert the events (inside the caller's transaction); returns their notification
        ids. Rows inserted by one statement get consecutive rowids, each one more than the
        largest before it, so the ids are counted back from the last one."""
        notification_ids: list[int] = []
        for start in range(0, len(stored_events), ROWS_PER_STATEMENT):
            chunk = stored_events[start : start + ROWS_PER_STATEMENT]
            c.execute(self._insert_rows_statement(len(chunk)), _row_values(chunk))
            last = c.lastrowid
            notification_ids.extend(range(last - len(chunk) + 1, last + 1))
        return notification_ids

    def _insert_rows_statement(self, rows: int) -> str:
        values = ", ".join(["(?, ?, ?, ?)"] * rows)
        return (
            f"INSERT INTO {self.events_table_name}"
            f" (originator_id, originator_version, topic, state) VALUES {values}"
        )


def _row_values(stored_events: Sequence[StoredEvent]) -> list[Any]:
    values: list[Any] = []
    for event in stored_events:
        originator_id = event.originator_id
        values += (
            originator_id.hex if isinstance(originator_id, UUID) else originator_id,
            event.originator_version,
            event.topic,
            event.state,
        )
    return values
