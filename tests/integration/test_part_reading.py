"""Both event stores read the log by parts: the events of the aggregates whose id's last
byte modulo the parts is one of the parts asked, in log order, of the topics asked, within
the range."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from uuid import UUID

import pytest
from eventsourcing.persistence import Notification, StoredEvent

from infra.settings import Settings
from projections.log_reading import PartReading, part_reader
from services.composition import build_ledger
from services.ledger import ComplaintLedger
from tests.support import originator_uuid

TOPICS = ("tests:Kept", "tests:Other")


@pytest.fixture
def ledger(store_url: str) -> Iterator[ComplaintLedger]:
    ledger = build_ledger(Settings(database_url=store_url))
    yield ledger
    ledger.close()


def test_the_parts_of_a_range_are_its_events_shared_out_by_their_aggregates_last_byte(
    ledger: ComplaintLedger,
) -> None:
    recorder = part_reader(ledger.recorder)
    ids = [UUID(int=(n << 96) + n) for n in range(40)]  # ids ending in bytes 0 to 39
    stored = [
        StoredEvent(aggregate_id, version, TOPICS[(n + version) % 2], b"{}")
        for n, aggregate_id in enumerate(ids)
        for version in (1, 2, 3)
    ]
    ledger.recorder.insert_events(stored)
    everything = ledger.recorder.select_notifications(0, 1_000)
    start, stop = everything[10].id, everything[-20].id
    in_range = [n for n in everything if start < n.id <= stop and n.topic == "tests:Kept"]

    for parts in (1, 2, 3):
        read = [_read(recorder, start, stop, [part], parts) for part in range(parts)]

        for part, notifications in enumerate(read):
            assert notifications
            assert all(originator_uuid(n).bytes[-1] % parts == part for n in notifications)
            assert [n.id for n in notifications] == sorted(n.id for n in notifications)
        assert sorted(n.id for part in read for n in part) == [n.id for n in in_range]
    assert {n.state for part in read for n in part} == {b"{}"}
    two_of_three = _read(recorder, start, stop, [1, 2], 3)
    assert [n.id for n in two_of_three] == [
        n.id for n in in_range if originator_uuid(n).bytes[-1] % 3 in (1, 2)
    ]


def _read(
    recorder: PartReading, start: int, stop: int, numbers: Sequence[int], parts: int
) -> list[Notification]:
    return list(recorder.select_part(start, stop, ["tests:Kept"], numbers, parts))
