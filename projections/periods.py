"""Filing periods: how the metrics count tables are keyed, so that a cohort's figures are
a sum over a few rows whatever the number of complaints.

Every complaint is counted twice, under its filing day and under its filing month (Asia/
Jakarta dates), and twice again, under its unit and under all units (``ALL_UNITS``). A
cohort ``[from, to)`` is then the whole months inside it plus the days left at its two
ends: a year is at most 12 months and 60 days, whatever the volume.

A period is one integer: a day is its ordinal (``date.toordinal()``, positive), a month
is minus its month number (``year * 12 + month - 1``), so days and months never meet and
a range of day ordinals never takes in a month.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

ALL_UNITS = "*"  # never a unit id (they start with a letter or digit)
DAY_MICROS = 86_400_000_000
# Asia/Jakarta has kept UTC+7, without daylight saving, since 1964.
JAKARTA_OFFSET_MICROS = 7 * 3600 * 1_000_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def day_period(day: date) -> int:
    return day.toordinal()


def month_period(day: date) -> int:
    return -(day.year * 12 + day.month - 1)


def periods_of(day: date) -> tuple[int, int]:
    """The two periods a complaint filed on ``day`` is counted under."""
    return day_period(day), month_period(day)


def local_day(moment_micros: int) -> int:
    """The Asia/Jakarta date (its ordinal) of a moment in microseconds since the epoch."""
    return (moment_micros + JAKARTA_OFFSET_MICROS) // DAY_MICROS + _EPOCH_ORDINAL


def cover(first: date, end: date) -> list[int]:
    """The fewest periods that together are exactly the days ``[first, end)``."""
    periods: list[int] = []
    day = first
    while day < end:
        last_of_month = day.replace(day=monthrange(day.year, day.month)[1])
        if day.day == 1 and last_of_month < end:
            periods.append(month_period(day))
            day = last_of_month + timedelta(days=1)
        else:
            periods.append(day_period(day))
            day += timedelta(days=1)
    return periods


def unit_keys(unit_id: str) -> tuple[str, str]:
    """The unit rows a complaint of ``unit_id`` is counted under."""
    return unit_id, ALL_UNITS


def rows_of(unit_id: str | None, periods: Sequence[int]) -> tuple[str, list[Any]]:
    """SQL conditions (and their parameters) choosing one unit's rows, or the all-units
    rows, of the given periods."""
    in_periods, params = periods_in(periods)
    return f"unit_id = ? AND {in_periods}", [unit_id or ALL_UNITS, *params]


def periods_in(periods: Sequence[int]) -> tuple[str, list[Any]]:
    return "period = ANY(?)", [list(periods)]
