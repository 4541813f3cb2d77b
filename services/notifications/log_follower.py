"""The notifier without Kafka: follows the ledger's own log in-process (the embedded
default), builds each event's CloudEvent from the stored JSON exactly as the relay does,
and hands it to the same dispatcher. Its log position is kept with the delivery records;
it moves after each batch (up to ``BATCH`` events, handed to the dispatcher at once), so a
crash repeats at most one batch, and the records drop the repeats."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from infra.cloudevents import UnpublishableEventError
from infra.stored_cloudevents import StoredEvent, stored_message
from projections.store import ViewStore
from services.failures import log_failed_pass
from services.ledger import ComplaintLedger
from services.notifications.dispatcher import Dispatcher
from services.relay import Confidentiality

log = logging.getLogger("aduan.notify")
POSITION_NAME = "notifier:log"
# At most the events of one batch are claimed together, as a Kafka poll's at most: a
# crash between their claim and their outcomes leaves them unsent (never sent twice).
BATCH = 50
RETRY_SECONDS = 1.0
POLL_SECONDS = 0.05  # as the relay: how long an idle follower waits to look again


@dataclass
class Report:
    messages: int = 0
    sent: int = 0
    dead_lettered: int = 0

    def add(self, other: Report) -> None:
        self.messages += other.messages
        self.sent += other.sent
        self.dead_lettered += other.dead_lettered


class LogFollower:
    def __init__(
        self, ledger: ComplaintLedger, dispatcher: Dispatcher, store: ViewStore, source: str
    ) -> None:
        self.ledger, self.dispatcher, self.source = ledger, dispatcher, source
        self._store = store
        self._confidentiality = Confidentiality(ledger)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def position(self) -> int:
        return self._store.position(POSITION_NAME)

    def catch_up(self, stop: threading.Event) -> Report:
        """Handle every event up to the log's current end, or until ``stop``."""
        recorder, report = self.ledger.recorder, Report()
        end = recorder.max_notification_id() or 0
        position = self.position()
        while position < end and not stop.is_set():
            if self.dispatcher.idle():  # nothing could be sent: skip ahead, reading nothing
                self._move_to(end)
                break
            batch = recorder.select_notifications(
                position, BATCH, stop=end, inclusive_of_start=False
            )
            if not batch:
                break
            done = self._handle_batch(batch, position, stop, report)
            if done > position:
                self._move_to(done)
            if done < batch[-1].id:
                break  # stopped
            position = done
        return report

    def _move_to(self, position: int) -> None:
        with self._store.transaction() as tx:
            tx.set_position(POSITION_NAME, position, 1)

    def _handle_batch(
        self, batch: Sequence[Any], position: int, stop: threading.Event, report: Report
    ) -> int:
        """The log position up to which every event was handled (``position`` when none
        was)."""
        values = [self._message(notification) for notification in batch]
        outcomes = iter(self.dispatcher.handle_batch([v for v in values if v is not None], stop))
        dead_letters = []
        for notification, value in zip(batch, values, strict=True):
            if value is not None:  # else not a public event: nothing to notify
                outcome = next(outcomes)
                if outcome is None:
                    break  # stopped while waiting to retry
                report.messages += 1
                report.sent += outcome.sent
                if outcome.dead_letter is not None:
                    # No Kafka here: the error stays with the deliveries (and in the log).
                    log.error("notifications of log position %d failed: %s", notification.id,
                              outcome.dead_letter)  # fmt: skip
                    dead_letters.append(value)
                    report.dead_lettered += 1
            position = notification.id
        if dead_letters:
            self.dispatcher.dead_lettered(dead_letters)
        return position

    def _message(self, notification: Any) -> bytes | None:
        event = StoredEvent(notification, self.ledger.mapper)
        try:
            message = stored_message(
                event, notification.id, self.source, self._confidentiality.of(event)
            )
        except UnpublishableEventError:
            return None
        return message.value

    def follow(self, stop: threading.Event, poll_seconds: float = POLL_SECONDS) -> None:
        while not stop.is_set():
            try:
                self.catch_up(stop)
            except Exception as error:  # logged and retried: the notifier never dies of it
                log_failed_pass(
                    log, error, "notifier failed at log position %d; retrying", self.position()
                )
                stop.wait(RETRY_SECONDS)
                continue
            stop.wait(poll_seconds)

    def start(self) -> None:
        """Follow in a background thread until ``stop()`` (the server's in-process mode)."""
        self._thread = threading.Thread(target=self.follow, args=(self._stop,), name="notifier")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.dispatcher.close()
