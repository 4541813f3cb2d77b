"""Working-day arithmetic in Asia/Jakarta, with injected and with real Indonesian holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import JAKARTA, WorkingCalendar
from infra.holidays_id import indonesian_calendar

PLAIN = WorkingCalendar()
INDONESIA = indonesian_calendar()


def jakarta(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment given in Jakarta wall-clock time, as the UTC datetime the domain uses."""
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA).astimezone(UTC)


def end_of(year: int, month: int, day: int) -> datetime:
    """Midnight closing the given Jakarta day, in UTC (17:00 UTC the same date)."""
    return datetime(year, month, day, 17, tzinfo=UTC)


# Local dates and the end of a day ---------------------------------------------------------


def test_local_date_is_the_date_in_jakarta_not_in_utc() -> None:
    assert PLAIN.local_date(datetime(2026, 11, 23, 16, 59, tzinfo=UTC)) == date(2026, 11, 23)
    assert PLAIN.local_date(datetime(2026, 11, 23, 17, 0, tzinfo=UTC)) == date(2026, 11, 24)


def test_end_of_day_is_local_midnight_expressed_in_utc() -> None:
    end = PLAIN.end_of_day(date(2026, 11, 23))

    assert end == datetime(2026, 11, 23, 17, tzinfo=UTC)
    assert end.tzinfo is UTC
    assert end.astimezone(JAKARTA).replace(tzinfo=None) == datetime(2026, 11, 24, 0, 0)


# Working days without holidays --------------------------------------------------------------


def test_working_days_skip_the_weekend() -> None:
    friday = jakarta(2026, 11, 20)

    assert PLAIN.add_working_days(friday, 1) == end_of(2026, 11, 23)  # Monday
    assert PLAIN.add_working_days(friday, 3) == end_of(2026, 11, 25)  # Wednesday


def test_deadline_closes_the_nth_working_day_not_counting_the_start_day() -> None:
    monday_morning = jakarta(2026, 11, 23, 8)
    monday_late = jakarta(2026, 11, 23, 23, 59)

    assert PLAIN.add_working_days(monday_morning, 3) == end_of(2026, 11, 26)
    assert PLAIN.add_working_days(monday_late, 3) == end_of(2026, 11, 26)


def test_five_working_days_from_a_wednesday_span_a_weekend() -> None:
    assert PLAIN.add_working_days(jakarta(2026, 11, 25), 5) == end_of(2026, 12, 2)


def test_start_on_a_weekend_counts_from_the_next_monday() -> None:
    saturday = jakarta(2026, 11, 21)

    assert PLAIN.add_working_days(saturday, 1) == end_of(2026, 11, 23)


def test_zero_working_days_ends_with_the_starting_day() -> None:
    assert PLAIN.add_working_days(jakarta(2026, 11, 23), 0) == end_of(2026, 11, 23)


def test_start_just_after_local_midnight_counts_from_the_jakarta_date() -> None:
    thursday_late_utc = datetime(2026, 11, 19, 17, 30, tzinfo=UTC)  # Friday 00:30 in Jakarta
    thursday_evening_utc = datetime(2026, 11, 19, 16, 30, tzinfo=UTC)  # Thursday 23:30

    assert PLAIN.add_working_days(thursday_late_utc, 1) == end_of(2026, 11, 23)
    assert PLAIN.add_working_days(thursday_evening_utc, 1) == end_of(2026, 11, 20)


def test_calendar_days_ignore_weekends_and_holidays() -> None:
    christmas_eve_eve = jakarta(2026, 12, 23)

    assert INDONESIA.add_days(christmas_eve_eve, 2) == end_of(2026, 12, 25)
    assert PLAIN.add_days(jakarta(2026, 11, 23), 14) == end_of(2026, 12, 7)


def test_calendar_days_count_from_the_jakarta_date() -> None:
    sunday_late_utc = datetime(2026, 11, 22, 18, tzinfo=UTC)  # Monday 01:00 in Jakarta

    assert PLAIN.add_days(sunday_late_utc, 1) == end_of(2026, 11, 24)


# Injected holidays -----------------------------------------------------------------------


def test_injected_holiday_is_not_a_working_day() -> None:
    calendar = WorkingCalendar(lambda day: day == date(2026, 11, 24))

    assert not calendar.is_working_day(date(2026, 11, 24))
    assert calendar.is_working_day(date(2026, 11, 25))
    assert calendar.add_working_days(jakarta(2026, 11, 23), 1) == end_of(2026, 11, 25)


def test_injected_holiday_on_a_weekend_costs_no_extra_day() -> None:
    calendar = WorkingCalendar(lambda day: day == date(2026, 11, 21))

    assert calendar.add_working_days(jakarta(2026, 11, 20), 1) == end_of(2026, 11, 23)


def test_weekend_is_never_a_working_day() -> None:
    assert not PLAIN.is_working_day(date(2026, 11, 21))
    assert not PLAIN.is_working_day(date(2026, 11, 22))
    assert PLAIN.is_working_day(date(2026, 11, 23))


def test_working_days_between_counts_days_after_the_start_up_to_the_end() -> None:
    holiday_tuesday = WorkingCalendar(lambda day: day == date(2026, 11, 24))
    monday, next_monday = jakarta(2026, 11, 23), jakarta(2026, 11, 30)

    assert PLAIN.working_days_between(monday, next_monday) == 5
    assert holiday_tuesday.working_days_between(monday, next_monday) == 4
    assert PLAIN.working_days_between(monday, monday + timedelta(hours=5)) == 0


# The real Indonesian calendar ------------------------------------------------------------


@pytest.mark.parametrize(
    "holiday",
    [
        date(2025, 3, 31),  # Idul Fitri
        date(2025, 4, 2),  # cuti bersama Idul Fitri
        date(2025, 4, 7),  # cuti bersama Idul Fitri, a Monday
        date(2026, 8, 17),  # Hari Kemerdekaan, a Monday
        date(2026, 12, 24),  # cuti bersama Natal
        date(2026, 12, 25),  # Natal
    ],
)
def test_indonesian_holidays_and_cuti_bersama_are_not_working_days(holiday: date) -> None:
    assert holiday.weekday() < 5
    assert not INDONESIA.is_working_day(holiday)


def test_ordinary_weekday_is_a_working_day_in_indonesia() -> None:
    assert INDONESIA.is_working_day(date(2026, 11, 23))


def test_eid_al_fitr_2025_and_its_joint_holidays_are_skipped() -> None:
    # Fri 28 Mar (Nyepi leave), Mon 31 Mar - Fri 4 Apr and Mon 7 Apr are all days off.
    thursday_before = jakarta(2025, 3, 27)

    assert INDONESIA.add_working_days(thursday_before, 1) == end_of(2025, 4, 8)
    assert INDONESIA.add_working_days(thursday_before, 3) == end_of(2025, 4, 10)


def test_christmas_2026_and_its_joint_holiday_are_skipped() -> None:
    wednesday_before = jakarta(2026, 12, 23)

    assert INDONESIA.add_working_days(wednesday_before, 1) == end_of(2026, 12, 28)


def test_independence_day_2026_is_skipped() -> None:
    friday_before = jakarta(2026, 8, 14)

    assert INDONESIA.add_working_days(friday_before, 1) == end_of(2026, 8, 18)


def test_configured_extra_days_off_are_skipped() -> None:
    calendar = indonesian_calendar(extra_days=[date(2026, 11, 24), date(2026, 11, 25)])

    assert not calendar.is_working_day(date(2026, 11, 24))
    assert calendar.add_working_days(jakarta(2026, 11, 23), 1) == end_of(2026, 11, 26)
    assert INDONESIA.add_working_days(jakarta(2026, 11, 23), 1) == end_of(2026, 11, 24)


def test_working_days_between_skips_the_2025_eid_holidays() -> None:
    assert INDONESIA.working_days_between(jakarta(2025, 3, 27), jakarta(2025, 4, 10)) == 3


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(datetime(2023, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC)),
    span=st.timedeltas(timedelta(days=-3), timedelta(days=800)),
)
def test_working_days_between_equals_counting_day_by_day(start: datetime, span: timedelta) -> None:
    """Across years, Indonesian holidays included, and for ends before the start."""
    end = start + span
    first, last = INDONESIA.local_date(start), INDONESIA.local_date(end)
    counted = sum(
        1
        for offset in range(1, (last - first).days + 1)
        if INDONESIA.is_working_day(first + timedelta(days=offset))
    )

    assert INDONESIA.working_days_between(start, end) == counted
