"""Filing periods: a cohort's days are covered exactly by whole months and single days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import JAKARTA
from projections.metrics_durations import centihours
from projections.periods import cover, day_period, local_day, month_period

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def days_of(period: int) -> list[date]:
    if period > 0:
        return [date.fromordinal(period)]
    year, month = divmod(-period, 12)
    first = date(year, month + 1, 1)
    return [
        first + timedelta(days=n)
        for n in range(40)
        if (first + timedelta(days=n)).month == first.month
    ]


@given(first=DAYS, length=st.integers(0, 800))
def test_the_periods_cover_each_day_of_the_range_once(first: date, length: int) -> None:
    end = first + timedelta(days=length)
    covered = [day for period in cover(first, end) for day in days_of(period)]
    assert covered == [first + timedelta(days=n) for n in range(length)]


@given(first=DAYS, length=st.integers(0, 800))
def test_a_month_inside_the_range_is_one_period_not_its_days(first: date, length: int) -> None:
    end = first + timedelta(days=length)
    periods = cover(first, end)
    for period in periods:
        if period > 0:
            month = days_of(month_period(date.fromordinal(period)))
            assert not (first <= month[0] and month[-1] < end)
    assert len(periods) <= 62 + length // 28


def test_a_year_from_mid_month_is_its_whole_months_and_the_days_at_each_end() -> None:
    periods = cover(date(2025, 11, 23), date(2026, 11, 23))
    days = [period for period in periods if period > 0]
    months = [period for period in periods if period < 0]
    assert len(days) == 8 + 22 and len(months) == 11
    assert days[0] == day_period(date(2025, 11, 23)) and days[-1] == day_period(date(2026, 11, 22))
    assert months == [
        month_period(date(2025, 12, 1)),
        *(month_period(date(2026, m, 1)) for m in range(1, 11)),
    ]


@given(
    moment=st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_local_day_is_the_date_in_jakarta(moment: datetime) -> None:
    micros = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert local_day(micros) == moment.astimezone(JAKARTA).date().toordinal()


def test_hundredths_of_an_hour_are_rounded_to_the_nearest_halves_up() -> None:
    second = 1_000_000
    assert [
        centihours(micros)
        for micros in (0, 18 * second - 1, 18 * second, 54 * second - 1, 54 * second)
    ] == [0, 0, 1, 1, 2]
    assert centihours(30 * 3600 * second) == 3000
