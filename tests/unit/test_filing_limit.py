"""The 30 days a complainant has to complain (UU 25/2009 Ps 42): later filings are accepted
and marked, counted by the dates of Asia/Jakarta."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.filing_limit import FILING_LIMIT_DAYS, filed_after_limit
from domain.values import Status
from tests.unit.conftest import FileComplaint

MORNING = datetime(2026, 11, 23, 3, tzinfo=UTC)  # Monday 23 November, 10:00 in Jakarta
LATE_EVENING_UTC = datetime(2026, 11, 23, 20, tzinfo=UTC)  # already 24 November in Jakarta


def test_the_limit_is_thirty_days() -> None:
    assert FILING_LIMIT_DAYS == 30


@pytest.mark.parametrize(
    ("incident_date", "late"),
    [
        (date(2026, 11, 23), False),  # the same day
        (date(2026, 10, 24), False),  # 30 days before: the last day allowed
        (date(2026, 10, 23), True),  # 31 days before
        (date(2025, 11, 23), True),
        (None, False),  # no incident date: nothing is known to be late
    ],
)
def test_a_filing_is_late_only_past_thirty_days(incident_date: date | None, late: bool) -> None:
    assert filed_after_limit(incident_date, MORNING) is late


def test_days_are_counted_by_the_date_in_jakarta_not_in_utc() -> None:
    # 30 days by the UTC date (23 November), 31 by Jakarta's (24 November).
    assert filed_after_limit(date(2026, 10, 24), LATE_EVENING_UTC) is True
    assert filed_after_limit(date(2026, 10, 25), LATE_EVENING_UTC) is False


def test_a_late_complaint_is_accepted_and_marked(file_complaint: FileComplaint) -> None:
    late = file_complaint(at=MORNING, incident_date=date(2026, 9, 1))
    on_time = file_complaint(at=MORNING, incident_date=date(2026, 11, 1))

    assert late.status is Status.SUBMITTED
    assert late.filed_after_limit() is True
    assert on_time.filed_after_limit() is False
