"""The clock: finds complaints whose deadlines have come and applies time to them.

It follows the event log, so it knows each open complaint's next due moment without
reading every complaint on every tick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.complaint import Complaint
from domain.errors import ConcurrentUpdateError
from infra.cloudevents import is_complaint_event_class, published_event_classes
from services.ledger import ComplaintLedger

# Only complaints' events matter here: a filing's tracking-number event is left in the log.
COMPLAINT_TOPICS = sorted(
    get_topic(event_class)
    for event_class in published_event_classes()
    if is_complaint_event_class(event_class)
)
FILED_TOPIC = get_topic(Complaint.Filed)  # type: ignore[attr-defined]
READ_BATCH = 1000


@dataclass
class TickReport:
    complaints_checked: int = 0
    complaints_changed: int = 0
    events_recorded: int = 0
    conflicts: int = 0


class DeadlineWatch:
    def __init__(self, ledger: ComplaintLedger) -> None:
        self._ledger = ledger
        self._position = 0
        self._next_due: dict[UUID, datetime] = {}
        self._stale: set[UUID] = set()

    def tick(self, now: datetime, progress: Callable[[int, int], None] | None = None) -> TickReport:
        self._refresh()
        due_ids = [cid for cid, due in self._next_due.items() if due <= now]
        report = TickReport(complaints_checked=len(due_ids))
        for done, complaint_id in enumerate(due_ids, start=1):
            try:
                recorded = self._ledger.apply_time(complaint_id, now)
            except ConcurrentUpdateError:
                report.conflicts += 1  # changed meanwhile: the next tick sees it afresh
                continue
            finally:
                self._stale.add(complaint_id)
            report.events_recorded += recorded
            report.complaints_changed += bool(recorded)
            if progress is not None:
                progress(done, len(due_ids))
        self._refresh()
        return report

    def refresh(self) -> None:
        """Catch up with the log (between ticks too, so that no tick has a long way to read)."""
        self._refresh()

    def _refresh(self) -> None:
        self._follow_log()
        for complaint_id in self._stale:
            due = self._ledger.load_complaint(complaint_id).next_time_due()
            if due is None:
                self._next_due.pop(complaint_id, None)
            else:
                self._next_due[complaint_id] = due
        self._stale.clear()

    def _follow_log(self) -> None:
        recorder = self._ledger.recorder
        while True:
            batch = recorder.select_notifications(
                self._position, READ_BATCH, topics=COMPLAINT_TOPICS, inclusive_of_start=False
            )
            for notification in batch:
                if notification.topic == FILED_TOPIC:
                    self._learn_filing(notification)
                else:
                    self._stale.add(UUID(str(notification.originator_id)))
            if len(batch) < READ_BATCH:
                if batch:
                    self._position = batch[-1].id
                return
            self._position = batch[-1].id

    def _learn_filing(self, notification: Notification) -> None:
        """A new complaint runs all its filing clocks and has missed none: its next due
        moment is the earliest of them, read from the event without loading the complaint."""
        deadlines = self._ledger.event_fields(notification, "deadlines")["deadlines"]
        complaint_id = UUID(str(notification.originator_id))
        self._next_due[complaint_id] = min(deadlines.values())
