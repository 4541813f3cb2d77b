"""Resolution metrics for a cohort: the complaints filed in ``[from, to)`` (Asia/Jakarta),
optionally of one unit (the unit currently responsible).

Every figure is read from counts kept per filing period and unit (projections.periods):
a summary reads a few rows per period, however many complaints the cohort holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from projections import metrics_durations, overdue
from projections.complaints import micros
from projections.metrics_rollup import TOTALS
from projections.periods import cover, local_day, rows_of
from projections.store import ViewStore, ViewTransaction
from projections.work_queue import start_of_day

COHORT_COUNTS = ("received", "rejected", "withdrawn", "closed", "open", "resolved", "fixed")


@dataclass(frozen=True)
class Cohort:
    filed_from: date
    filed_to: date
    unit_id: str | None = None

    def rows(self) -> tuple[str, list[Any]]:
        """The cohort in the count tables: its unit's (or the all-units) rows of the
        periods that make up its filing days."""
        return rows_of(self.unit_id, cover(self.filed_from, self.filed_to))


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def summary(store: ViewStore, cohort: Cohort, now: datetime) -> dict[str, Any]:
    rows_where, params = cohort.rows()
    # One snapshot: the counts read level after level must agree with each other.
    with store.transaction(write=False) as tx:
        row = tx.query(
            f"SELECT {', '.join(f'SUM({total})' for total in TOTALS)} FROM complaint_totals"
            f" WHERE {rows_where}",
            params,
        )[0]
        overdue_now = _overdue_now(tx, cohort, now)
        durations = metrics_durations.percentiles(tx, rows_where, params)
    counts = {name: int(value or 0) for name, value in zip(TOTALS, row, strict=True)}
    return {
        **{name: counts[name] for name in COHORT_COUNTS},
        "overdue_now": overdue_now,
        "completion_rate": ratio(counts["resolved"], counts["received"]),
        "verify_on_time_rate": ratio(counts["triaged_on_time"], counts["triaged"]),
        "response_on_time_rate": ratio(counts["responded_on_time"], counts["responded"]),
        "resolution_on_time_rate": ratio(counts["resolved_on_time"], counts["resolved"]),
        "reopen_rate": ratio(counts["reopened"], counts["resolved"]),
        "satisfied_rate": ratio(counts["satisfied"], counts["feedback"]),
        "average_rating": ratio(counts["rating_sum"], counts["rating_count"]),
        "durations": durations,
    }


def _overdue_now(tx: ViewTransaction, cohort: Cohort, now: datetime) -> int:
    """Complaints due before today, from the counts, and those due earlier today, one by
    one (deadlines end at midnight: these are the few a pause moved to a time of day).
    Today's are found by their deadline alone, then sorted out here: a unit's complaints
    are many, a day's deadlines of all units few."""
    rows_where, params = cohort.rows()
    today = local_day(micros(now))
    due_today = tx.query(
        "SELECT filed_at, unit_id FROM complaints_view WHERE next_due > ? AND next_due <= ?",
        [overdue.start_of_day_micros(today), micros(now)],
    )
    start, end = (micros(start_of_day(day)) for day in (cohort.filed_from, cohort.filed_to))
    in_cohort = sum(
        1
        for filed_at, unit_id in due_today
        if start <= filed_at < end and cohort.unit_id in (None, unit_id)
    )
    return overdue.due_before(tx, rows_where, params, today) + in_cohort
