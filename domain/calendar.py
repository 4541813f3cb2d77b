"""Working days in Asia/Jakarta: Monday to Friday minus public holidays and extra days off.

The holiday source is injected (a predicate over dates), so the domain stays pure and the
calendar data can come from a maintained package plus configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")

HolidayPredicate = Callable[[date], bool]


def no_holidays(_day: date) -> bool:
    return False


class WorkingCalendar:
    """Counts days in the Asia/Jakarta time zone.

    A deadline of N days (working or calendar) ends at midnight closing the Nth day after
    the local date of the starting moment; the starting day itself is not counted.
    """

    def __init__(self, is_holiday: HolidayPredicate = no_holidays) -> None:
        self._is_holiday = is_holiday
        # Filings of one day share their deadlines: each answer is worked out once.
        self._working_day_after: dict[tuple[date, int], date] = {}
        self._end_of_day: dict[date, datetime] = {}
        self._working_days_in_year: dict[int, list[int]] = {}

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self._is_holiday(day)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(JAKARTA).date()

    def end_of_day(self, day: date) -> datetime:
        end = self._end_of_day.get(day)
        if end is None:
            midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=JAKARTA)
            end = self._end_of_day[day] = midnight.astimezone(UTC)
        return end

    def add_working_days(self, start: datetime, days: int) -> datetime:
        first = self.local_date(start)
        day = self._working_day_after.get((first, days))
        if day is None:
            day = self._working_day_after[first, days] = self._count_working_days(first, days)
        return self.end_of_day(day)

    def _count_working_days(self, day: date, days: int) -> date:
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def add_days(self, start: datetime, days: int) -> datetime:
        return self.end_of_day(self.local_date(start) + timedelta(days=days))

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Whole working days after the local date of ``start`` up to that of ``end``."""
        first, last = self.local_date(start), self.local_date(end)
        if last <= first:
            return 0
        whole_years = sum(self._year(year)[-1] for year in range(first.year, last.year))
        return whole_years + self._through(last) - self._through(first)

    def _through(self, day: date) -> int:
        """Working days from 1 January of ``day``'s year up to ``day``, inclusive."""
        return self._year(day.year)[day.timetuple().tm_yday - 1]

    def _year(self, year: int) -> list[int]:
        """For each day of ``year``, the working days from 1 January up to it."""
        running = self._working_days_in_year.get(year)
        if running is None:
            running, counted = [], 0
            day = date(year, 1, 1)
            while day.year == year:
                counted += self.is_working_day(day)
                running.append(counted)
                day += timedelta(days=1)
            self._working_days_in_year[year] = running
        return running
