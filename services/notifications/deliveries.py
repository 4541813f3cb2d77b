"""Delivery records: one row per (event id, recipient, channel), written before anything is
sent, so that a redelivered event never sends twice.

States: ``pending`` (recorded, not tried yet) → ``sending`` (a try has begun) → ``sent``;
a try that failed leaves ``failed`` with the error, tried again until the attempts run
out, then ``dead_lettered`` once the event is on the dead-letter topic. Taking a delivery
from ``pending`` or ``failed`` to ``sending`` is one conditional UPDATE, so two consumers
(during a rebalance) never both send it. A row still ``sending`` after a restart means the
process stopped during that send: whether it arrived is unknown, and it is never tried
again, so every notification goes out at most once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from projections.store import ViewStore
from services.notifications.rules import Intent

RETRYABLE = ("pending", "failed")
DDL = (
    "CREATE TABLE IF NOT EXISTS notification_deliveries ("
    " event_id TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL,"
    " complaint_id TEXT, event_type TEXT NOT NULL, audience TEXT NOT NULL,"
    " template TEXT NOT NULL, language TEXT NOT NULL, state TEXT NOT NULL,"
    " attempts INTEGER NOT NULL, last_error TEXT, created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL, sent_at TEXT,"
    " PRIMARY KEY (event_id, recipient, channel))",
    "CREATE INDEX IF NOT EXISTS notification_deliveries_by_complaint"
    " ON notification_deliveries (complaint_id, created_at)",
)
_COLUMNS = (
    "event_id, recipient, channel, complaint_id, event_type, audience, template, language, "
    "state, attempts, last_error, created_at, updated_at, sent_at"
)
_KEY = "event_id = ? AND recipient = ? AND channel = ?"


@dataclass(frozen=True)
class DeliveryKey:
    event_id: str
    recipient: str
    channel: str

    def params(self) -> tuple[str, str, str]:
        return (self.event_id, self.recipient, self.channel)


@dataclass(frozen=True)
class DeliveryState:
    state: str
    attempts: int
    last_error: str | None


def now_text() -> str:
    return datetime.now(UTC).isoformat()


class Deliveries:
    def __init__(self, store: ViewStore) -> None:
        self.store = store
        store.create_tables(DDL)

    def record(
        self, event_id: str, event_type: str, complaint_id: str | None, intents: Sequence[Intent]
    ) -> None:
        """Insert what is not recorded yet; rows already there are left as they are."""
        at = now_text()
        rows = [
            (event_id, i.recipient, str(i.channel), complaint_id, event_type, str(i.audience),
             i.template, i.language, "pending", 0, None, at, at, None)
            for i in intents
        ]  # fmt: skip
        with self.store.transaction() as tx:
            tx.executemany(
                f"INSERT INTO notification_deliveries ({_COLUMNS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                rows,
            )

    def states(self, event_id: str) -> dict[DeliveryKey, DeliveryState]:
        rows = self.store.query(
            "SELECT recipient, channel, state, attempts, last_error "
            "FROM notification_deliveries WHERE event_id = ?",
            (event_id,),
        )
        return {
            DeliveryKey(event_id, r[0], r[1]): DeliveryState(str(r[2]), int(r[3]), r[4])
            for r in rows
        }

    def claim(self, key: DeliveryKey, max_attempts: int) -> int | None:
        """Begin a try: the attempt number, or None when it is not this caller's to send."""
        with self.store.transaction() as tx:
            rows = tx.query(
                "UPDATE notification_deliveries SET state = 'sending', "
                "attempts = attempts + 1, updated_at = ? "
                f"WHERE {_KEY} AND state IN ('pending', 'failed') AND attempts < ? "
                "RETURNING attempts",
                (now_text(), *key.params(), max_attempts),
            )
        return int(rows[0][0]) if rows else None

    def mark_sent(self, key: DeliveryKey) -> None:
        at = now_text()
        self._update(key, "state = 'sent', last_error = NULL, updated_at = ?, sent_at = ?", at, at)

    def mark_failed(self, key: DeliveryKey, error: str) -> None:
        self._update(key, "state = 'failed', last_error = ?, updated_at = ?", error, now_text())

    def mark_dead_lettered(self, event_id: str) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "UPDATE notification_deliveries SET state = 'dead_lettered', updated_at = ? "
                "WHERE event_id = ? AND state = 'failed'",
                (now_text(), event_id),
            )

    def of_complaint(self, complaint_id: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            f"SELECT {_COLUMNS} FROM notification_deliveries WHERE complaint_id = ? "
            "ORDER BY created_at, event_id, recipient, channel",
            (complaint_id,),
        )
        names = [name.strip() for name in _COLUMNS.split(",")]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _update(self, key: DeliveryKey, assignments: str, *values: Any) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                f"UPDATE notification_deliveries SET {assignments} WHERE {_KEY}",
                (*values, *key.params()),
            )
