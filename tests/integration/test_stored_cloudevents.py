"""The relay's message of a stored event, made from the stored JSON, is the message of the
decoded domain event, byte for byte: every event type of a kabupaten's history, confidential
complaints included, on both stores."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from infra.cloudevents import event_id, event_type_of_class
from infra.stored_cloudevents import StoredEvent, event_id_text, stored_message
from services.relay import Confidentiality
from tests.cloudevent_reference import to_message
from tests.relay_support import Sensitive, add_sensitive_complaints, simulated_ledger

if TYPE_CHECKING:
    from tests.conftest import MakeLedger

SOURCE = "urn:aduan:test"


def test_stored_event_message_equals_the_decoded_event_message(
    store_url: str, make_ledger: MakeLedger
) -> None:
    ledger, _clock = simulated_ledger(store_url, make_ledger)
    add_sensitive_complaints(ledger, Sensitive())
    confidentiality = Confidentiality(ledger)
    notifications = ledger.recorder.select_notifications(0, 1_000_000, inclusive_of_start=False)
    types, withheld = set(), 0
    for notification in notifications:
        event = ledger.mapper.to_domain_event(notification)
        stored = StoredEvent(notification, ledger.mapper)
        confidential = confidentiality.of(stored)
        expected = to_message(event, notification.id, SOURCE, confidential)
        assert stored_message(stored, notification.id, SOURCE, confidential) == expected
        types.add(event_type_of_class(type(event)))
        withheld += b'"withheld"' in expected.value
    assert len(types) == 27  # every event type the relay publishes
    assert withheld >= 8  # the confidential complaint's steps with free text


@pytest.mark.parametrize("version", [1, 2, 17, 10**9])
def test_event_ids_are_rfc_4122_version_5_of_the_aggregate_and_version(version: int) -> None:
    originator_id = uuid4()
    assert event_id_text(originator_id, version) == str(event_id(originator_id, version))
