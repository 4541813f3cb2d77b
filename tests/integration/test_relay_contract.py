"""What the relay puts on the topic, read back from the real broker: a kabupaten's history
plus confidential complaints, every message checked against the schemas in the repo and for
personal data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from jsonschema import Draft202012Validator
from kafka.admin import KafkaAdminClient

from infra.cloudevents import event_id
from infra.settings import Settings
from services.ledger import ComplaintLedger
from tests.kafka_support import Received, create_topic, read_topic
from tests.relay_support import (
    Sensitive,
    add_sensitive_complaints,
    complainants_data,
    relay_once,
    simulated_ledger,
)
from tests.support import originator_uuid

if TYPE_CHECKING:
    from tests.conftest import MakeLedger

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
# Keys of what stays in the ledger: a message carrying one would have leaked it.
PERSONAL_KEYS = (b'"complainant":', b'"access_token_hash":', b'"profile":', b'"nik":', b'"sex":')


@dataclass
class Published:
    ledger: ComplaintLedger
    sensitive: Sensitive
    messages: list[Received]


@pytest.fixture
def topic(admin: KafkaAdminClient) -> Iterator[str]:
    name = f"test.relay.{uuid4().hex[:10]}"
    create_topic(admin, name)
    yield name
    admin.delete_topics([name])


@pytest.fixture
def published(
    store_url: str, make_ledger: MakeLedger, kafka_bootstrap: str, topic: str
) -> Published:
    ledger, _clock = simulated_ledger(store_url, make_ledger)
    sensitive = Sensitive()
    add_sensitive_complaints(ledger, sensitive)
    settings = Settings(database_url=store_url, kafka_bootstrap=kafka_bootstrap, kafka_topic=topic)
    relay_once(settings, ledger)
    return Published(ledger, sensitive, read_topic(kafka_bootstrap, topic))


def schema(path: Path) -> Draft202012Validator:
    return Draft202012Validator(
        json.loads(path.read_text()), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_every_event_of_the_log_is_on_the_topic_once(published: Published) -> None:
    notifications = published.ledger.recorder.select_notifications(0, 1_000_000)
    expected = [str(event_id(originator_uuid(n), n.originator_version)) for n in notifications]
    ids = [message.envelope["id"] for message in published.messages]
    assert sorted(ids) == sorted(expected)
    assert len(set(ids)) == len(ids)


def test_each_aggregate_s_events_are_in_one_partition_in_log_order(published: Published) -> None:
    by_subject: dict[str, list[Received]] = {}
    for message in published.messages:  # in offset order per partition
        by_subject.setdefault(message.envelope["subject"], []).append(message)
    for subject, messages in by_subject.items():
        assert {message.key for message in messages} == {subject.encode()}
        assert len({message.partition for message in messages}) == 1
        sequences = [message.envelope["sequence"] for message in messages]
        assert sequences == sorted(sequences)
    assert len({message.partition for message in published.messages}) > 1


def test_every_message_follows_the_envelope_and_its_type_s_schema(published: Published) -> None:
    envelope = schema(SCHEMAS / "cloudevent.json")
    by_type = {path.stem: schema(path) for path in (SCHEMAS / "events").glob("*.json")}
    for message in published.messages:
        cloud_event = message.envelope
        envelope.validate(cloud_event)
        by_type[cloud_event["type"]].validate(cloud_event["data"])
        assert message.headers["ce_id"].decode() == cloud_event["id"]
        assert message.headers["ce_type"].decode() == cloud_event["type"]
    assert {message.envelope["type"] for message in published.messages} == set(by_type)


def test_no_personal_data_or_confidential_text_is_in_any_message(published: Published) -> None:
    secrets = [value.encode() for value in published.sensitive.strings]
    secrets += [value.encode() for value in complainants_data(published.ledger)]
    assert len(secrets) > 100
    for message in published.messages:
        raw = message.raw
        assert not [secret for secret in secrets if secret in raw], message.envelope
        assert not [key for key in PERSONAL_KEYS if key in raw]


def test_confidential_complaints_events_say_what_was_withheld(published: Published) -> None:
    confidential = {
        message.envelope["subject"]
        for message in published.messages
        if message.envelope["data"].get("confidential") is True
    }
    assert len(confidential) > 3
    for message in published.messages:
        data: dict[str, Any] = message.envelope["data"]
        if message.envelope["subject"] in confidential and data.get("withheld"):
            assert not set(data["withheld"]) & set(data)
        elif message.envelope["subject"] in confidential:
            assert message.envelope["type"] in {
                "aduan.complaint.Verified", "aduan.complaint.DeadlineMissed"
            }  # fmt: skip
