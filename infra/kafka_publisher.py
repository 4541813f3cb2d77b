"""Sends batches of messages to one Kafka topic and confirms every one was written."""

from __future__ import annotations

from collections.abc import Sequence

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError
from kafka.partitioner.default import murmur2

from infra.cloudevents import KafkaMessage

KNOWN_KEYS_LIMIT = 100_000


class PublishError(Exception):
    """A batch was not confirmed by the broker; none of it counts as sent."""


class KafkaPublisher:
    """An idempotent producer with ``acks=all``: the broker writes each message once per
    send even when the client retries, and only once every in-sync replica has it."""

    def __init__(
        self, bootstrap: str, topic: str, timeout_seconds: float = 30.0, client_id: str = "aduan"
    ) -> None:
        self.bootstrap, self.topic = bootstrap, topic
        self._timeout = timeout_seconds
        timeout_ms = int(timeout_seconds * 1000)
        try:
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap.split(","),
                client_id=client_id,
                enable_idempotence=True,  # explicit: a conflicting setting then fails loudly
                acks="all",
                linger_ms=5,
                batch_size=256 * 1024,
                bootstrap_timeout_ms=timeout_ms,
                max_block_ms=timeout_ms,
                request_timeout_ms=timeout_ms,
                delivery_timeout_ms=timeout_ms + 5000,
            )
        except KafkaError as error:
            raise PublishError(
                f"No Kafka broker answers at {bootstrap} ({error}); start one with "
                "`make kafka` or set ADUAN_KAFKA_BOOTSTRAP"
            ) from error
        try:
            self._partitions = sorted(self._producer.partitions_for(topic))
        except KafkaError as error:
            self.close()
            raise PublishError(
                f"Kafka at {bootstrap} has no topic {topic} ({error}); create it with "
                "`aduan kafka init`"
            ) from error
        self._partition_of_key: dict[bytes, int] = {}

    def publish(self, messages: Sequence[KafkaMessage]) -> None:
        """Send, flush, then check each message's outcome: ``flush`` alone only waits, it
        does not say whether a message failed."""
        try:
            futures = [
                self._producer.send(
                    self.topic,
                    value=message.value,
                    key=message.key,
                    headers=message.headers,
                    partition=self.partition(message.key),
                )
                for message in messages
            ]
            self._producer.flush(timeout=self._timeout)
            for future in futures:
                future.get(timeout=0)
        except KafkaError as error:
            raise PublishError(
                f"Kafka at {self.bootstrap} did not confirm a batch for {self.topic}: {error}"
            ) from error

    def partition(self, key: bytes) -> int:
        """The client's default partition for ``key`` (murmur2, as the Java client hashes
        it), remembered: an aggregate's events share a key, and hashing in Python is
        a large part of a send."""
        partition = self._partition_of_key.get(key)
        if partition is None:
            if len(self._partition_of_key) >= KNOWN_KEYS_LIMIT:
                self._partition_of_key.clear()
            index = (murmur2(key) & 0x7FFFFFFF) % len(self._partitions)
            partition = self._partition_of_key[key] = self._partitions[index]
        return partition

    def close(self) -> None:
        """Stop at once; whatever was not confirmed is sent again by the next publisher."""
        try:
            self._producer.close(timeout=0)
        except KafkaTimeoutError:
            # kafka-python 3.0 flushes first, and when the broker has not taken everything
            # the flush fails and the producer stays open: its I/O thread would go on
            # sending the old batch behind the next publisher's copies, out of order.
            # Abort what it holds, let the thread end, then close.
            sender = self._producer._sender
            sender.force_close()
            sender.join(self._timeout)
            self._producer.close(timeout=0)
