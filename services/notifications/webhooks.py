"""Registered webhooks (``POST /v1/webhooks``): where to send which events, and the secret
each call is signed with. Configuration, not complaint facts: kept in the notifier's own
tables, never in the event log (the log goes to Kafka, and the secrets must not)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from uuid import uuid4

import orjson

from domain.errors import NotFoundError, RuleViolationError
from projections.store import ViewStore
from services.notifications.deliveries import now_text
from services.notifications.rules import Webhook

DDL = (
    "CREATE TABLE IF NOT EXISTS notification_webhooks ("
    " id TEXT PRIMARY KEY, url TEXT NOT NULL, event_types TEXT NOT NULL, unit_id TEXT,"
    " secret TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL)",
)
CACHE_SECONDS = 1.0  # how soon a consumer sees a webhook registered or deleted


class Webhooks:
    def __init__(self, store: ViewStore, unit_exists: Callable[[str], bool] | None = None) -> None:
        self.store = store
        self._unit_exists = unit_exists
        store.create_tables(DDL)
        self._cached: tuple[float, list[Webhook]] | None = None
        # Raised after each change: a read that began before a change is not cached, or a
        # registration made while the dispatcher was reading would go unseen until the
        # cache expires.
        self._changes = 0
        self._cache_lock = threading.Lock()

    def register(
        self, url: str, event_types: Sequence[str], unit_id: str | None, secret: str, by: str
    ) -> dict[str, Any]:
        if unit_id is not None and self._unit_exists and not self._unit_exists(unit_id):
            raise RuleViolationError(
                f"No unit {unit_id}; list units at GET /v1/units.", field="unit_id"
            )
        row = (f"wh_{uuid4().hex[:16]}", url, orjson.dumps(list(event_types)).decode(),
               unit_id, secret, now_text(), by)  # fmt: skip
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO notification_webhooks "
                "(id, url, event_types, unit_id, secret, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        self._changed()
        return self.get(row[0])

    def listing(self) -> list[dict[str, Any]]:
        """Every webhook, without its secret."""
        rows = self.store.query(
            "SELECT id, url, event_types, unit_id, created_at, created_by "
            "FROM notification_webhooks ORDER BY created_at, id"
        )
        return [_public(row) for row in rows]

    def get(self, webhook_id: str) -> dict[str, Any]:
        for webhook in self.listing():
            if webhook["id"] == webhook_id:
                return webhook
        raise NotFoundError(f"No webhook {webhook_id}.", webhook_id=webhook_id)

    def delete(self, webhook_id: str) -> None:
        self.get(webhook_id)
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM notification_webhooks WHERE id = ?", (webhook_id,))
        self._changed()

    def active(self) -> list[Webhook]:
        """Every webhook with its secret, for the dispatcher; read at most once a second."""
        cached = self._cached
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        changes_before = self._changes
        rows = self.store.query(
            "SELECT id, url, event_types, unit_id, secret FROM notification_webhooks"
        )
        hooks = [Webhook(r[0], r[1], tuple(orjson.loads(r[2])), r[3], r[4]) for r in rows]
        with self._cache_lock:
            if self._changes == changes_before:
                self._cached = (time.monotonic(), hooks)
        return hooks

    def _changed(self) -> None:
        """After a change is committed: the next read sees it."""
        with self._cache_lock:
            self._changes += 1
            self._cached = None


def _public(row: Sequence[Any]) -> dict[str, Any]:
    webhook_id, url, event_types, unit_id, created_at, created_by = row
    return {
        "id": webhook_id,
        "url": url,
        "event_types": orjson.loads(event_types),
        "unit_id": unit_id,
        "created_at": created_at,
        "created_by": created_by,
    }
