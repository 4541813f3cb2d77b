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
from projections.periods import cover, rows_of
from projections.store import ViewStore
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
    filed = (micros(start_of_day(cohort.filed_from)), micros(start_of_day(cohort.filed_to)))
    overdue_now, overdue_params = overdue.count_at(
        rows_where, params, filed, cohort.unit_id, micros(now)
    )
    # One snapshot: the counts read level after level must agree with each other.
    with store.transaction(write=False, plans_by_text=True) as tx:
        *totals, overdue_count = tx.query(
            f"SELECT {', '.join(f'SUM({total})' for total in TOTALS)}, {overdue_now}"
            f" FROM complaint_totals WHERE {rows_where}",
            [*overdue_params, *params],
        )[0]
        durations = metrics_durations.percentiles(tx, rows_where, params)
    counts = {name: int(value or 0) for name, value in zip(TOTALS, totals, strict=True)}
    return {
        **{name: counts[name] for name in COHORT_COUNTS},
        "overdue_now": int(overdue_count),
        "completion_rate": ratio(counts["resolved"], counts["received"]),
        "verify_on_time_rate": ratio(counts["triaged_on_time"], counts["triaged"]),
        "response_on_time_rate": ratio(counts["responded_on_time"], counts["responded"]),
        "resolution_on_time_rate": ratio(counts["resolved_on_time"], counts["resolved"]),
        "reopen_rate": ratio(counts["reopened"], counts["resolved"]),
        "satisfied_rate": ratio(counts["satisfied"], counts["feedback"]),
        "average_rating": ratio(counts["rating_sum"], counts["rating_count"]),
        "durations": durations,
    }
