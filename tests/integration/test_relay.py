"""The relay against the real broker: each event once in a normal run, a restart resumes where
it recorded, a crash loses nothing, a missing broker is retried, a publisher left with a batch
the broker never took closes at once, and kcat reads the same."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest
from kafka.admin import KafkaAdminClient

from domain.sla import SlaPolicy
from infra.cloudevents import KafkaMessage
from infra.kafka_publisher import KafkaPublisher, PublishError
from infra.settings import Settings
from services.composition import build_relay, connect_publisher
from services.ledger import ComplaintLedger
from services.relay import Publisher
from services.simulation.people import ADMIN
from tests.kafka_support import create_topic, read_topic
from tests.relay_support import relay_once
from tests.support import file_complaint

if TYPE_CHECKING:
    from tests.conftest import MakeLedger


class CrashAfterPublishing:
    """Publishes for real, then dies on batch ``crash_on`` before the relay can record it."""

    def __init__(self, publisher: Publisher, crash_on: int) -> None:
        self.publisher, self.crash_on, self.batches = publisher, crash_on, 0

    def publish(self, messages: Sequence[KafkaMessage]) -> None:
        self.publisher.publish(messages)
        self.batches += 1
        if self.batches == self.crash_on:
            raise SystemExit("crashed after the flush, before recording the position")

    def close(self) -> None:
        self.publisher.close()


@pytest.fixture
def settings(store_url: str, kafka_bootstrap: str, admin: KafkaAdminClient) -> Iterator[Settings]:
    topic = f"test.relay.{uuid4().hex[:10]}"
    create_topic(admin, topic)
    yield Settings(
        database_url=store_url,
        kafka_bootstrap=kafka_bootstrap,
        kafka_topic=topic,
        kafka_relay_batch_size=4,
        kafka_timeout_seconds=5,
    )
    admin.delete_topics([topic])


def file_complaints(ledger: ComplaintLedger, count: int) -> None:
    if not ledger.list_units():
        ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    for _ in range(count):
        file_complaint(ledger)


def published_ids(settings: Settings) -> Counter[str]:
    assert settings.kafka_bootstrap is not None
    messages = read_topic(settings.kafka_bootstrap, settings.kafka_topic)
    return Counter(message.headers["ce_id"].decode() for message in messages)


def log_size(ledger: ComplaintLedger) -> int:
    return ledger.recorder.max_notification_id() or 0


def test_a_restart_publishes_only_what_came_after_the_recorded_position(
    ledger: ComplaintLedger, settings: Settings
) -> None:
    file_complaints(ledger, 5)
    first = relay_once(settings, ledger)
    file_complaints(ledger, 3)

    second = relay_once(settings, ledger)

    assert (first, second) == (log_size(ledger) - 6, 6)  # each filing: 2 events
    ids = published_ids(settings)
    assert len(ids) == log_size(ledger) and set(ids.values()) == {1}


def test_a_crash_between_flush_and_record_resends_that_batch_and_loses_nothing(
    make_ledger: MakeLedger, settings: Settings
) -> None:
    ledger = make_ledger()
    file_complaints(ledger, 10)  # 22 events: batches of 4
    assert settings.kafka_bootstrap is not None
    crashing = CrashAfterPublishing(connect_publisher(settings, settings.kafka_bootstrap), 3)
    with pytest.raises(SystemExit):
        build_relay(settings, ledger).publish_backlog(crashing)
    crashing.close()

    assert build_relay(settings, make_ledger()).position() == 8
    relay_once(settings, make_ledger())

    ids = published_ids(settings)
    assert len(ids) == log_size(ledger)
    assert sorted(ids.values()) == [1] * (log_size(ledger) - 4) + [2] * 4


def test_an_unavailable_broker_is_retried_with_a_log_line_and_nothing_skipped(
    ledger: ComplaintLedger, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    file_complaints(ledger, 3)
    relay = build_relay(settings, ledger)
    stop, attempts = threading.Event(), []
    assert settings.kafka_bootstrap is not None
    bootstrap = settings.kafka_bootstrap

    def connect() -> Publisher:
        attempts.append(1)
        if len(attempts) == 1:  # the broker is down at first
            return KafkaPublisher("127.0.0.1:1", settings.kafka_topic, timeout_seconds=0.5)
        return KafkaPublisher(bootstrap, settings.kafka_topic, timeout_seconds=5)

    def stop_when_caught_up() -> None:
        deadline = time.monotonic() + 30
        while relay.last_position < log_size(ledger) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()

    threading.Thread(target=stop_when_caught_up).start()
    with caplog.at_level(logging.ERROR, logger="aduan.relay"):
        relay.follow(connect, stop, poll_seconds=0.05)

    (failure,) = [r for r in caplog.records if r.name == "aduan.relay"]
    assert "127.0.0.1:1" in failure.getMessage() and "retrying" in failure.getMessage()
    assert "log position 0" in failure.getMessage()
    assert relay.position() == log_size(ledger)
    assert len(published_ids(settings)) == log_size(ledger)


def test_kcat_reads_the_same_messages_as_the_python_client(
    ledger: ComplaintLedger, settings: Settings
) -> None:
    file_complaints(ledger, 4)
    relay_once(settings, ledger)
    kcat = shutil.which("kcat")
    assert kcat is not None, "kcat is missing: `make kafka` installs it"
    assert settings.kafka_bootstrap is not None

    output = subprocess.run(
        [kcat, "-b", settings.kafka_bootstrap, "-C", "-t", settings.kafka_topic, "-e", "-q",
         "-J"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip

    read = [json.loads(line) for line in output.splitlines()]
    by_kcat = {(m["key"], m["payload"], tuple(m["headers"][:4])) for m in read}
    python = read_topic(settings.kafka_bootstrap, settings.kafka_topic)
    by_python = {
        (m.key.decode(), m.value.decode(),
         ("ce_id", m.headers["ce_id"].decode(), "ce_type", m.headers["ce_type"].decode()))
        for m in python
    }  # fmt: skip
    assert by_kcat == by_python and len(read) == log_size(ledger)


def test_the_relay_partitions_keys_as_the_client_s_default_partitioner_does(
    settings: Settings,
) -> None:
    assert settings.kafka_bootstrap is not None
    publisher = KafkaPublisher(settings.kafka_bootstrap, settings.kafka_topic)
    try:
        producer = publisher._producer
        keys = [str(uuid4()).encode() for _ in range(300)]
        chosen = [publisher.partition(key) for key in [*keys, *keys]]  # remembered the 2nd time
        default = [
            producer.config["partitioner"].partition(
                settings.kafka_topic, key, key, None, None, producer._metadata
            )
            for key in keys
        ]
    finally:
        publisher.close()
    assert chosen == default + default
    assert set(default) == {0, 1, 2}


def test_a_publisher_with_a_batch_the_broker_did_not_take_closes_at_once(
    kafka_bootstrap: str, admin: KafkaAdminClient
) -> None:
    topic = f"test.relay.{uuid4().hex[:10]}"
    create_topic(admin, topic, partitions=1)
    publisher = KafkaPublisher(kafka_bootstrap, topic, timeout_seconds=1)
    # The topic goes once the publisher knows its partitions: the broker refuses each batch
    # and the client keeps it to try again, as it does while a broker is away.
    admin.delete_topics([topic])
    with pytest.raises(PublishError):
        publisher.publish([KafkaMessage(key=b"key", value=b"{}", headers=[])])

    publisher.close()

    assert not publisher._producer._sender.is_alive()  # nothing left to send it later
