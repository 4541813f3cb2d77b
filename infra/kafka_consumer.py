"""A consumer-group member that commits only what it was told to: auto-commit is off, and
the caller commits each partition's next offset after processing."""

from __future__ import annotations

from collections.abc import Mapping

from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaError

SESSION_TIMEOUT_MS = 10_000  # a killed member's partitions move on after this long
MAX_POLL_RECORDS = 50  # one batch of the notifier: its deliveries are claimed together
MAX_POLL_INTERVAL_MS = 600_000  # room for retries with backoff inside one poll's records


class ConsumeError(Exception):
    """The broker could not be reached or the group could not be joined."""


def group_consumer(
    bootstrap: str, topic: str, group: str, timeout_seconds: float = 30.0
) -> KafkaConsumer:
    """Starts from the earliest offset when the group has committed none."""
    timeout_ms = int(timeout_seconds * 1000)
    try:
        consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap.split(","),
            group_id=group,
            client_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=MAX_POLL_RECORDS,
            max_poll_interval_ms=MAX_POLL_INTERVAL_MS,
            session_timeout_ms=SESSION_TIMEOUT_MS,
            heartbeat_interval_ms=SESSION_TIMEOUT_MS // 4,
            request_timeout_ms=max(timeout_ms, SESSION_TIMEOUT_MS + 5000),
            bootstrap_timeout_ms=timeout_ms,
        )
    except KafkaError as error:
        raise ConsumeError(
            f"No Kafka broker answers at {bootstrap} ({error}); start one with `make kafka` "
            "or set ADUAN_KAFKA_BOOTSTRAP"
        ) from error
    if not consumer.partitions_for_topic(topic):
        consumer.close(autocommit=False)
        raise ConsumeError(f"Kafka at {bootstrap} has no topic {topic}; create it with "
                           "`aduan kafka init`")  # fmt: skip
    return consumer


def commit(consumer: KafkaConsumer, next_offsets: Mapping[TopicPartition, int]) -> None:
    """Every partition's next offset, in one request."""
    if next_offsets:
        consumer.commit(
            {tp: OffsetAndMetadata(offset, "", -1) for tp, offset in next_offsets.items()}
        )


def caught_up(consumer: KafkaConsumer) -> bool:
    """Whether the member has partitions and has read each to its current end."""
    assigned = consumer.assignment()
    if not assigned:
        return False
    ends = consumer.end_offsets(list(assigned))
    return all(consumer.position(tp) >= ends[tp] for tp in assigned)
