"""Indonesian public holidays from the maintained ``holidays`` package, plus extra days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

from domain.calendar import WorkingCalendar


class IndonesianHolidays:
    """A holiday predicate: national holidays and cuti bersama, and configured extra days."""

    def __init__(self, extra_days: Iterable[date] = ()) -> None:
        # "government" holds cuti bersama (collective leave), "public" the national days.
        self._national = holidays.country_holidays("ID", categories=("public", "government"))
        self._extra = frozenset(extra_days)

    def __call__(self, day: date) -> bool:
        return day in self._extra or day in self._national


def indonesian_calendar(extra_days: Iterable[date] = ()) -> WorkingCalendar:
    return WorkingCalendar(IndonesianHolidays(extra_days))
