"""Sends batches of messages to one Kafka topic and confirms every one was written."""

from __future__ import annotations

from collections.abc import Sequence

from kafka import KafkaProducer
from kafka.errors import KafkaError

from infra.cloudevents import KafkaMessage


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
            self._producer.partitions_for(topic)
        except KafkaError as error:
            self.close()
            raise PublishError(
                f"Kafka at {bootstrap} has no topic {topic} ({error}); create it with "
                "`aduan kafka init`"
            ) from error

    def publish(self, messages: Sequence[KafkaMessage]) -> None:
        """Send, flush, then check each message's outcome: ``flush`` alone only waits, it
        does not say whether a message failed."""
        try:
            futures = [
                self._producer.send(
                    self.topic, value=message.value, key=message.key, headers=message.headers
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

    def close(self) -> None:
        """Stop at once; whatever was not confirmed is sent again by the next publisher."""
        self._producer.close(timeout=0)
