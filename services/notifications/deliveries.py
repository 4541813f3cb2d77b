"""Delivery records: one row per (event id, recipient, channel), written before anything is
sent, so that a redelivered event never sends twice.

States: ``pending`` (recorded, not tried yet) → ``sending`` (a try has begun) → ``sent``;
a try that failed leaves ``failed`` with the error, tried again until the attempts run
out, then ``dead_lettered`` once the event is on the dead-letter topic. Taking a delivery
from ``pending`` or ``failed`` to ``sending`` is one conditional UPDATE, so two consumers
(during a rebalance) never both send it. A row still ``sending`` after a restart means the
process stopped between that try's claim and the record of its outcome: whether it went
out is unknown, and it is never tried again, so every notification goes out at most once.

The dispatcher works a batch of messages at a time: it records and claims all their
deliveries in one transaction and records all the outcomes in another, so a batch costs
two commits however many notifications it holds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from projections.store import ViewStore, ViewTransaction, values_rows
from services.notifications.rules import Intent

RETRYABLE = ("pending", "failed")
CHUNK = 300  # keys per statement: well inside SQLite's and PostgreSQL's parameter limits
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
T = TypeVar("T")


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


@dataclass(frozen=True)
class EventDeliveries:
    """What one event asks for: its deliveries, to be recorded."""

    event_id: str
    event_type: str
    complaint_id: str | None
    intents: Sequence[Intent]


def now_text() -> str:
    return datetime.now(UTC).isoformat()


class Deliveries:
    def __init__(self, store: ViewStore) -> None:
        self.store = store
        store.create_tables(DDL)

    def record_and_claim(
        self, events: Sequence[EventDeliveries], keys: Sequence[DeliveryKey], max_attempts: int
    ) -> set[DeliveryKey]:
        """In one transaction, insert what is not recorded yet (rows already there are left
        as they are) and claim ``keys`` as ``claim`` does."""
        at = now_text()
        rows = [
            (e.event_id, i.recipient, str(i.channel), e.complaint_id, e.event_type,
             str(i.audience), i.template, i.language, "pending", 0, None, at, at, None)
            for e in events for i in e.intents
        ]  # fmt: skip
        with self.store.transaction() as tx:
            tx.executemany(
                f"INSERT INTO notification_deliveries ({_COLUMNS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                rows,
            )
            return _claim(tx, keys, max_attempts, at)

    def claim(self, keys: Sequence[DeliveryKey], max_attempts: int) -> set[DeliveryKey]:
        """Begin a try of each delivery still to send (``pending``, or ``failed`` with
        attempts left): the ones this caller may now send. The others are sent, being
        sent, dead-lettered or out of attempts."""
        with self.store.transaction() as tx:
            return _claim(tx, keys, max_attempts, now_text())

    def mark(self, failed: Mapping[DeliveryKey, str], sent: Collection[DeliveryKey]) -> None:
        """The outcomes of a batch's tries, in one transaction."""
        if not failed and not sent:
            return
        at = now_text()
        with self.store.transaction() as tx:
            if sent:
                tx.executemany(
                    "UPDATE notification_deliveries SET state = 'sent', last_error = NULL, "
                    f"updated_at = ?, sent_at = ? WHERE {_KEY}",
                    [(at, at, *key.params()) for key in sent],
                )
            if failed:
                tx.executemany(
                    "UPDATE notification_deliveries SET state = 'failed', last_error = ?, "
                    f"updated_at = ? WHERE {_KEY}",
                    [(error, at, *key.params()) for key, error in failed.items()],
                )

    def states(self, event_ids: Collection[str]) -> dict[DeliveryKey, DeliveryState]:
        found: dict[DeliveryKey, DeliveryState] = {}
        for chunk in _chunks(sorted(set(event_ids))):
            rows = self.store.query(
                "SELECT event_id, recipient, channel, state, attempts, last_error "
                f"FROM notification_deliveries WHERE event_id IN ({_marks(len(chunk))})",
                chunk,
            )
            found.update(
                {DeliveryKey(r[0], r[1], r[2]): DeliveryState(str(r[3]), int(r[4]), r[5])
                 for r in rows}
            )  # fmt: skip
        return found

    def mark_dead_lettered(self, event_ids: Collection[str]) -> None:
        with self.store.transaction() as tx:
            tx.executemany(
                "UPDATE notification_deliveries SET state = 'dead_lettered', updated_at = ? "
                "WHERE event_id = ? AND state = 'failed'",
                [(now_text(), event_id) for event_id in event_ids],
            )

    def of_complaint(self, complaint_id: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            f"SELECT {_COLUMNS} FROM notification_deliveries WHERE complaint_id = ? "
            "ORDER BY created_at, event_id, recipient, channel",
            (complaint_id,),
        )
        names = [name.strip() for name in _COLUMNS.split(",")]
        return [dict(zip(names, row, strict=True)) for row in rows]


def _claim(
    tx: ViewTransaction, keys: Sequence[DeliveryKey], max_attempts: int, at: str
) -> set[DeliveryKey]:
    claimed: set[DeliveryKey] = set()
    for chunk in _chunks(sorted(set(keys), key=DeliveryKey.params)):
        # The event-id list lets both stores use the primary key; SQLite scans the whole
        # table for the row-value list alone.
        rows = tx.query(
            "UPDATE notification_deliveries SET state = 'sending', "
            "attempts = attempts + 1, updated_at = ? "
            f"WHERE event_id IN ({_marks(len(chunk))}) "
            "AND (event_id, recipient, channel) IN "
            f"(VALUES {values_rows(3, len(chunk))}) "
            "AND state IN ('pending', 'failed') AND attempts < ? "
            "RETURNING event_id, recipient, channel",
            (at, *[k.event_id for k in chunk], *[p for k in chunk for p in k.params()],
             max_attempts),
        )  # fmt: skip
        claimed.update(DeliveryKey(r[0], r[1], r[2]) for r in rows)
    return claimed


def _chunks(items: Sequence[T]) -> list[Sequence[T]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _marks(count: int) -> str:
    return ", ".join(["?"] * count)
