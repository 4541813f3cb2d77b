"""The relay: the ledger's event log is the outbox, and the relay empties it into Kafka.

It reads the log in order, publishes a batch, waits until the broker confirmed all of it,
and only then records its position (table ``relay_positions``, in the event store's
database). A crash between publishing and recording sends that batch again when it starts
next, with the same event ids: delivery is at-least-once and nothing is skipped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from uuid import UUID

from infra.cloudevents import KafkaMessage
from infra.kafka_publisher import PublishError
from infra.relay_positions import RelayPositions
from infra.stored_cloudevents import StoredEvent, stored_message
from services.ledger import ComplaintLedger

log = logging.getLogger("aduan.relay")
Progress = Callable[[int, int], None]
RETRY_SECONDS, MAX_RETRY_SECONDS = 1.0, 30.0
REPORT_SECONDS = 30.0
# An idle relay looks at the log again after this long: on average half of it is added to
# an event's way to the consumers, and each look is two small queries.
POLL_SECONDS = 0.05
BIG_BACKLOG = 10_000  # a pass this long is reported when it ends
KNOWN_COMPLAINTS_LIMIT = 200_000


class Publisher(Protocol):
    def publish(self, messages: Sequence[KafkaMessage]) -> None: ...

    def close(self) -> None: ...


class Confidentiality:
    """Whether a complaint is confidential: learnt from Filed events as they pass, otherwise
    read from the complaint's first event."""

    def __init__(self, ledger: ComplaintLedger) -> None:
        self._ledger = ledger
        self._known: dict[UUID, bool] = {}

    def of(self, event: StoredEvent) -> bool:
        if not event.is_complaint_event:
            return False
        complaint_id = event.originator_id
        known = self._known.get(complaint_id)
        if known is None:
            if len(self._known) >= KNOWN_COMPLAINTS_LIMIT:
                self._known.clear()
            if event.originator_version == 1:  # the Filed event itself
                known = event.state.get("confidential") is True
            else:
                known = self._read(complaint_id)
            self._known[complaint_id] = known
        return known

    def _read(self, complaint_id: UUID) -> bool:
        (filed,) = self._ledger.recorder.select_events(complaint_id, lte=1)
        return bool(self._ledger.event_fields(filed, "confidential")["confidential"])


class Relay:
    def __init__(
        self,
        ledger: ComplaintLedger,
        positions: RelayPositions,
        topic: str,
        source: str,
        batch_size: int = 1000,
    ) -> None:
        self.ledger, self.topic, self.source = ledger, topic, source
        self.name = f"relay:{topic}"  # one position per topic: a new topic gets everything
        self._positions = positions
        self._batch_size = batch_size
        self._confidentiality = Confidentiality(ledger)
        self.last_position = 0  # as last read or recorded

    def position(self) -> int:
        self.last_position = self._positions.position(self.name)
        return self.last_position

    def backlog(self) -> int:
        return max((self.ledger.recorder.max_notification_id() or 0) - self.position(), 0)

    def publish_backlog(
        self,
        publisher: Publisher,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Publish every event up to the log's current end (or until ``stop``, between
        batches); returns how many were sent."""
        recorder = self.ledger.recorder
        end = recorder.max_notification_id() or 0
        start = position = self.position()
        sent = 0
        while position < end and not (stop is not None and stop.is_set()):
            batch = recorder.select_notifications(
                position, self._batch_size, stop=end, inclusive_of_start=False
            )
            if not batch:
                break
            publisher.publish([self._message(notification) for notification in batch])
            position = batch[-1].id
            self._positions.record(self.name, position)
            self.last_position = position
            sent += len(batch)
            if progress is not None:
                progress(position - start, end - start)
        return sent

    def follow(
        self,
        connect: Callable[[], Publisher],
        stop: threading.Event,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        """Keep publishing what the log gains until ``stop``; an unavailable broker (or
        store) is retried, with a log line each time, from the last recorded position."""
        publisher: Publisher | None = None
        retry = RETRY_SECONDS
        report = _Report(self.topic)
        while not stop.is_set():
            try:
                publisher = publisher or connect()
                sent = self.publish_backlog(publisher, report, stop)
            except Exception as error:  # logged and retried: the relay never dies of it
                log.error(
                    "relay to %s is at log position %d: %s; retrying in %.0fs",
                    self.topic, self.last_position, error, retry,
                    exc_info=not isinstance(error, PublishError),  # unexpected: the trace
                )  # fmt: skip
                if publisher is not None:
                    publisher.close()
                    publisher = None
                stop.wait(retry)
                retry = min(retry * 2, MAX_RETRY_SECONDS)
                continue
            retry = RETRY_SECONDS
            if not sent:
                stop.wait(poll_seconds)
        if publisher is not None:
            publisher.close()

    def _message(self, notification: Any) -> KafkaMessage:
        event = StoredEvent(notification, self.ledger.mapper)
        return stored_message(event, notification.id, self.source, self._confidentiality.of(event))


class _Report:
    """Progress as a log line at most every ``REPORT_SECONDS``: a long backlog shows how far
    it got, a steady stream does not fill the log."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= REPORT_SECONDS or (done == total and total >= BIG_BACKLOG):
            log.info("relay to %s: %d of %d events published", self.topic, done, total)
            self._last = now
