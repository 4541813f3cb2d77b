"""The event store's SQLite recorder, writing a transaction's events in one statement.

The library's recorder inserts events one ``execute`` at a time. Each call lets go of
Python's lock while SQLite works and has to win it back afterwards, and when the server's
other threads are busy that wait, not SQLite, is most of a group commit's time: a commit of
a dozen filings made some thirty such waits. One multi-row ``INSERT`` makes one; run
in autocommit mode it is a transaction by itself, without the two waits of a ``BEGIN``
and a ``COMMIT``.

It also reads one part of the log (``select_part``), as infra.postgres_recorder does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    IntegrityError,
    Notification,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

# Four parameters a row: 800 a statement stays under the oldest SQLite limit (999).
ROWS_PER_STATEMENT = 200
# The last byte of an id stored as hex text (as ``UUID.hex`` or ``str(UUID)`` writes it).
_LAST_BYTE = (
    "((instr('0123456789abcdef', substr(originator_id, -2, 1)) - 1) * 16"
    " + instr('0123456789abcdef', substr(originator_id, -1)) - 1)"
)


class MultiRowSQLiteRecorder(SQLiteApplicationRecorder):
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Events that fit one statement are written without a BEGIN and COMMIT of their
        own: in autocommit mode one statement is a transaction, all or nothing."""
        if len(stored_events) > ROWS_PER_STATEMENT:
            return super().insert_events(stored_events, **kwargs)
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            try:
                return self._insert_events(cursor, stored_events)
            except sqlite3.IntegrityError as error:
                raise IntegrityError(error) from error
            except sqlite3.OperationalError as error:
                raise OperationalError(error) from error
            except sqlite3.Error as error:
                raise PersistenceError(error) from error
            finally:
                cursor.sqlite_cursor.close()

    def select_part(
        self, start: int, stop: int, topics: Sequence[str], numbers: Sequence[int], parts: int
    ) -> list[Notification]:
        """The notifications of ``topics`` after ``start`` up to ``stop``, in order, of
        the aggregates in the parts ``numbers`` of ``parts``: those whose id's last byte
        modulo ``parts`` is one of ``numbers`` (as infra.postgres_recorder reads them)."""
        topic_marks = ", ".join("?" for _ in topics)
        number_marks = ", ".join("?" for _ in numbers)
        statement = (
            "SELECT rowid, originator_id, originator_version, topic, state"
            f" FROM {self.events_table_name} WHERE rowid > ? AND rowid <= ?"
            f" AND topic IN ({topic_marks}) AND {_LAST_BYTE} % ? IN ({number_marks})"
            " ORDER BY rowid"
        )
        convert = self.convert_originator_id
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, [start, stop, *topics, parts, *numbers])
            return [
                Notification(
                    id=row[0],
                    originator_id=convert(row[1]),
                    originator_version=row[2],
                    topic=row[3],
                    state=row[4],
                )
                for row in cursor.fetchall()
            ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any
    ) -> Sequence[int] | None:
        """Insert the events; returns their notification ids. Rows inserted by one
        statement get consecutive rowids, each one more than the largest before it, so the
        ids are counted back from the last one."""
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
