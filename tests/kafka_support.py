"""Reading a topic back for the Kafka tests: every message, from the beginning."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from infra.kafka_topics import TopicSpec, ensure_topics


@dataclass(frozen=True)
class Received:
    partition: int
    offset: int
    key: bytes
    value: bytes
    headers: dict[str, bytes]

    @property
    def envelope(self) -> dict[str, Any]:
        decoded: dict[str, Any] = orjson.loads(self.value)
        return decoded

    @property
    def raw(self) -> bytes:
        """Everything the message carries, for checks of what must never be there."""
        return b"\n".join([self.key, self.value, *self.headers.values()])


def create_topic(admin: KafkaAdminClient, name: str, partitions: int = 3) -> None:
    ensure_topics(admin, [TopicSpec(name, partitions, 1, -1)])


def read_topic(bootstrap: str, topic: str, timeout_seconds: float = 30.0) -> list[Received]:
    """Every message on the topic now, in offset order per partition."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        received: list[Received] = []
        deadline = time.monotonic() + timeout_seconds
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"{topic} not read to its end in time"
            for records in consumer.poll(timeout_ms=500).values():
                received.extend(
                    Received(r.partition, r.offset, r.key, r.value, dict(r.headers))
                    for r in records
                )
        return sorted(received, key=lambda r: (r.partition, r.offset))
    finally:
        consumer.close()
