"""The stored events as the tree reads them: plain rows in log order, straight from the
event store's table (building the recorder's notification objects would cost more than
hashing them), and each row's leaf input.

A row is ``(notification_id, originator_id, originator_version, topic, state)``: the
originator id in its canonical text form (a UUID with dashes, as PostgreSQL prints it), the
state as stored (compressed or encrypted when the store is).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from infra.transparency.merkle import LEAF_PREFIX
from infra.transparency.plain_sql import fetch, supported

EventRow = tuple[int, str, int, str, bytes]


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


def dashed(hex_id: str) -> str:
    """A UUID as SQLite keeps it (32 hex digits) in its canonical form."""
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"


def leaf_hashes(rows: Sequence[EventRow], hex_ids: bool = False) -> list[bytes]:
    """``leaf_hash(leaf_input(row))`` of every row: the same bytes, without a function
    call a row (the keys are written in sorted order); with ``hex_ids``, of the rows with
    their originator ids dashed."""
    sha256, dumps = hashlib.sha256, orjson.dumps
    return [
        sha256(
            LEAF_PREFIX
            + dumps({
                "notification_id": notification_id,
                "originator_id": dashed(originator_id) if hex_ids else originator_id,
                "originator_version": originator_version,
                "state_sha256": sha256(state).hexdigest(),
                "topic": topic,
            })
        ).digest()
        for notification_id, originator_id, originator_version, topic, state in rows
    ]  # fmt: skip


class EventRows:
    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._store = supported(recorder)
        # SQLite keeps a UUID as 32 hex digits, dashed here (half the cost of doing it in SQL).
        self._hex_ids = isinstance(self._store, SQLiteApplicationRecorder)
        if isinstance(self._store, SQLiteApplicationRecorder):
            columns = "rowid, originator_id, originator_version, topic, CAST(state AS BLOB)"
            table, position, mark = self._store.events_table_name, "rowid", "?"
        else:
            columns = "notification_id, originator_id::text, originator_version, topic, state"
            table = f'"{self._store.datastore.schema}"."{self._store.events_table_name}"'
            position, mark = "notification_id", "%s"
        select = f"SELECT {columns} FROM {table} WHERE "
        self._after = f"{select}{position} > {mark} ORDER BY {position} LIMIT {mark}"
        self._of = f"{select}originator_id = {mark} ORDER BY originator_version"
        self._at = f"{select}{position} = {mark}"
        self._last = f"SELECT MAX({position}) FROM {table}"
        self._count_after = f"SELECT COUNT(*) FROM {table} WHERE {position} > {mark}"

    def after(self, notification_id: int, limit: int) -> list[EventRow]:
        """Up to ``limit`` rows after ``notification_id``, in log order."""
        return self._events(self._after, (notification_id, limit))

    def leaves_after(self, notification_id: int, limit: int) -> tuple[list[int], list[bytes]]:
        """The log positions and leaf hashes of up to ``limit`` events after
        ``notification_id``: all that appending and verifying need of the rows."""
        rows = fetch(self._store, self._after, (notification_id, limit))
        return [row[0] for row in rows], leaf_hashes(rows, self._hex_ids)

    def of(self, originator_id: UUID) -> list[EventRow]:
        """An aggregate's rows, oldest first."""
        return self._events(self._of, (originator_id.hex if self._hex_ids else originator_id,))

    def at(self, notification_id: int) -> EventRow | None:
        rows = self._events(self._at, (notification_id,))
        return rows[0] if rows else None

    def last_notification_id(self) -> int:
        return int(fetch(self._store, self._last)[0][0] or 0)

    def count_after(self, notification_id: int) -> int:
        return int(fetch(self._store, self._count_after, (notification_id,))[0][0])

    def _events(self, statement: str, parameters: tuple[Any, ...]) -> list[EventRow]:
        rows: list[EventRow] = fetch(self._store, statement, parameters)
        if not self._hex_ids:
            return rows
        return [
            (position, dashed(originator_id), version, topic, state)
            for position, originator_id, version, topic, state in rows
        ]
