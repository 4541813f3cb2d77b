"""Test helpers imported by the suites."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.utils import get_topic

from domain.personal_data import PersonalDataRead
from services.filing import ComplainantIn, Filing
from services.ledger import ComplaintLedger

START = datetime(2026, 11, 23, 3, tzinfo=UTC)  # Monday 10:00 in Jakarta


class MutableClock:
    """The time the ledger reads; tests move it forward, or run something at the next read
    (to play another writer between a command's read and its save)."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self.on_next_read: Callable[[], None] | None = None

    def now(self) -> datetime:
        hook, self.on_next_read = self.on_next_read, None
        if hook is not None:
            hook()
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def file_complaint(ledger: ComplaintLedger, **overrides: Any) -> dict[str, Any]:
    """File a sample complaint (to Disdukcapil, with a named complainant) straight on a ledger."""
    details: dict[str, Any] = {
        "unit_id": "disdukcapil",
        "title": "KTP-el belum jadi",
        "description": "Sudah tiga bulan KTP-el saya belum dicetak.",
        "complainant": ComplainantIn(name="Siti Aminah", phone="081234567890"),
        **overrides,
    }
    return ledger.file(Filing(**details), None)


def recorded_reads(ledger: ComplaintLedger) -> list[Any]:
    """Every ``PersonalDataRead.Recorded`` event in the ledger's log, in log order."""
    topic = get_topic(PersonalDataRead.Recorded)
    notifications = ledger.recorder.select_notifications(0, 1_000_000, topics=[topic])
    return [ledger.mapper.to_domain_event(notification) for notification in notifications]
