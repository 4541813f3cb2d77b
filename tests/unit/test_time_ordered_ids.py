from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.time_ordered_ids import time_ordered_id

FILED_AT = datetime(2026, 12, 3, 7, 30, 15, 123456, tzinfo=UTC)


def test_id_is_a_version_7_uuid_beginning_with_the_filing_millisecond() -> None:
    complaint_id = time_ordered_id(FILED_AT)

    assert (complaint_id.version, complaint_id.variant) == (7, "specified in RFC 4122")
    assert complaint_id.int >> 80 == int(FILED_AT.timestamp() * 1000)


def test_ids_of_later_filings_sort_after_earlier_ones() -> None:
    times = [FILED_AT + timedelta(milliseconds=step) for step in range(50)]

    ids = [time_ordered_id(at) for at in times]

    assert ids == sorted(ids)
    assert [str(id_) for id_ in ids] == sorted(str(id_) for id_ in ids)


def test_ids_of_one_millisecond_differ() -> None:
    assert len({time_ordered_id(FILED_AT) for _ in range(1000)}) == 1000
