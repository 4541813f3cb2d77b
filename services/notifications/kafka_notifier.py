"""``aduan notify`` on Kafka: a member of the consumer group (``aduan-notifier``) that hands
what each poll returns to the dispatcher as one batch, and commits a partition's offset
only after its messages were handled. A message whose deliveries failed every try, or that
cannot be read, goes to the dead-letter topic with the error in its headers; then the
offset moves past it. A crash, a rebalance or a restart repeats at most the uncommitted
messages, and the delivery records make the repeats send nothing."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from kafka import KafkaConsumer, TopicPartition

from infra.cloudevents import KafkaMessage
from infra.kafka_consumer import caught_up, commit
from services.notifications.batch import Outcome
from services.notifications.dispatcher import Dispatcher
from services.notifications.log_follower import Report

log = logging.getLogger("aduan.notify")
RETRY_SECONDS, MAX_RETRY_SECONDS = 1.0, 30.0
POLL_TIMEOUT_MS = 500  # how long a poll waits for messages when there are none
ERROR_HEADER_LIMIT = 2000


class DeadLetterPublisher(Protocol):
    def publish(self, messages: list[KafkaMessage]) -> None: ...

    def close(self) -> None: ...


def dead_letter(record: Any, outcome: Outcome, group: str) -> KafkaMessage:
    """The original message, with why it failed and where it came from in the headers."""
    reason = "poison" if outcome.poison else "delivery_failed"
    error = str(outcome.dead_letter)[:ERROR_HEADER_LIMIT]
    headers = [
        *[(name, value) for name, value in record.headers if not name.startswith("aduan_dlq_")],
        ("aduan_dlq_reason", reason.encode()),
        ("aduan_dlq_error", error.encode()),
        ("aduan_dlq_attempts", str(outcome.attempts).encode()),
        ("aduan_dlq_topic", record.topic.encode()),
        ("aduan_dlq_partition", str(record.partition).encode()),
        ("aduan_dlq_offset", str(record.offset).encode()),
        ("aduan_dlq_group", group.encode()),
        ("aduan_dlq_at", datetime.now(UTC).isoformat().encode()),
    ]
    return KafkaMessage(key=record.key or b"", value=record.value or b"", headers=headers)


class KafkaNotifier:
    def __init__(
        self,
        dispatcher: Dispatcher,
        connect: Callable[[], KafkaConsumer],
        dead_letters: DeadLetterPublisher,
        group: str,
    ) -> None:
        self.dispatcher, self.group = dispatcher, group
        self._connect, self._dead_letters = connect, dead_letters
        self.report = Report()  # what ``follow`` handled so far

    def close(self) -> None:
        self.dispatcher.close()
        self._dead_letters.close()

    def drain(self, stop: threading.Event, timeout_seconds: float) -> Report:
        """Handle what the topic holds now, then return (``aduan notify --once``)."""
        consumer, report = self._connect(), Report()
        deadline = time.monotonic() + timeout_seconds
        try:
            while not stop.is_set():
                handled = self._poll(consumer, stop, report)
                if not handled and caught_up(consumer):
                    break
                if not consumer.assignment() and time.monotonic() > deadline:
                    raise TimeoutError(f"no partitions assigned within {timeout_seconds:.0f}s")
        finally:
            consumer.close(autocommit=False)
        return report

    def follow(self, stop: threading.Event) -> None:
        """Consume until ``stop``; a failure (broker, store) is logged, and the member
        joins again from the committed offsets after a pause."""
        retry = RETRY_SECONDS
        while not stop.is_set():
            consumer = None
            try:
                consumer = self._connect()
                while not stop.is_set():
                    self._poll(consumer, stop, self.report)
                    retry = RETRY_SECONDS
            except Exception as error:  # logged and retried: the group member never dies
                log.error("notifier (group %s) failed: %s; retrying in %.0fs",
                          self.group, error, retry)  # fmt: skip
                stop.wait(retry)
                retry = min(retry * 2, MAX_RETRY_SECONDS)
            finally:
                if consumer is not None:
                    consumer.close(autocommit=False)

    def _poll(self, consumer: KafkaConsumer, stop: threading.Event, report: Report) -> int:
        """Handle one poll's messages as one batch, then commit each partition's offset
        past those handled in order; returns how many were handled."""
        polled = consumer.poll(timeout_ms=POLL_TIMEOUT_MS)
        records = [(tp, record) for tp, batch in polled.items() for record in batch]
        if not records or stop.is_set():
            return 0
        outcomes = self.dispatcher.handle_batch([r.value or b"" for _, r in records], stop)
        handled: dict[TopicPartition, list[tuple[Any, Outcome]]] = {}
        stopped = set()  # partitions with a message left open: nothing after it counts
        for (tp, record), outcome in zip(records, outcomes, strict=True):
            if outcome is None:
                stopped.add(tp)
            elif tp not in stopped:
                handled.setdefault(tp, []).append((record, outcome))
        self._settle(handled, report)
        commit(consumer, {tp: done[-1][0].offset + 1 for tp, done in handled.items()})
        return sum(len(done) for done in handled.values())

    def _settle(
        self, handled: dict[TopicPartition, list[tuple[Any, Outcome]]], report: Report
    ) -> None:
        """Count what was handled, and put what failed on the dead-letter topic."""
        dead = [(record, outcome) for done in handled.values() for record, outcome in done
                if outcome.dead_letter is not None]  # fmt: skip
        for record, outcome in dead:
            log.error("%s/%d@%d to the dead-letter topic: %s", record.topic, record.partition,
                      record.offset, outcome.dead_letter)  # fmt: skip
        if dead:
            self._dead_letters.publish([dead_letter(r, o, self.group) for r, o in dead])
            self.dispatcher.dead_lettered([record.value or b"" for record, _ in dead])
        for done in handled.values():
            report.messages += len(done)
            report.sent += sum(outcome.sent for _, outcome in done)
        report.dead_lettered += len(dead)
