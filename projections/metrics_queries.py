"""Resolution metrics for a cohort: the complaints filed in ``[from, to)`` (Asia/Jakarta),
optionally of one unit (the unit currently responsible)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from projections.complaints import micros
from projections.metrics_rollup import TOTALS
from projections.store import ViewStore
from projections.work_queue import start_of_day

COHORT_COUNTS = ("received", "rejected", "withdrawn", "closed", "open", "resolved", "fixed")
DURATIONS = {"triage": "triage", "first_response": "response", "resolution": "resolution"}


@dataclass(frozen=True)
class Cohort:
    filed_from: date
    filed_to: date
    unit_id: str | None = None

    def days_where(self) -> tuple[str, list[Any]]:
        """The cohort in the daily totals: its filing days, as Jakarta dates."""
        sql = "filed_date >= ? AND filed_date < ?"
        params: list[Any] = [self.filed_from.isoformat(), self.filed_to.isoformat()]
        if self.unit_id is not None:
            sql += " AND unit_id = ?"
            params.append(self.unit_id)
        return sql, params

    def where(self) -> tuple[str, list[Any]]:
        sql = "filed_at >= ? AND filed_at < ?"
        params: list[Any] = [
            micros(start_of_day(self.filed_from)),
            micros(start_of_day(self.filed_to)),
        ]
        if self.unit_id is not None:
            sql += " AND unit_id = ?"
            params.append(self.unit_id)
        return sql, params


def nearest_rank(sorted_values: Sequence[float], percent: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(math.ceil(percent / 100 * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def summary(store: ViewStore, cohort: Cohort, now: datetime) -> dict[str, Any]:
    days_where, days_params = cohort.days_where()
    row = store.query(
        f"SELECT {', '.join(f'SUM({total})' for total in TOTALS)} FROM complaint_daily "
        f"WHERE {days_where}",
        days_params,
    )[0]
    counts = {name: int(value or 0) for name, value in zip(TOTALS, row, strict=True)}
    where, params = cohort.where()
    overdue = store.query(
        f"SELECT COUNT(*) FROM complaints_view WHERE {where} AND next_due <= ?",
        [*params, micros(now)],
    )[0][0]
    return {
        **{name: counts[name] for name in COHORT_COUNTS},
        "overdue_now": int(overdue),
        "completion_rate": ratio(counts["resolved"], counts["received"]),
        "verify_on_time_rate": ratio(counts["triaged_on_time"], counts["triaged"]),
        "response_on_time_rate": ratio(counts["responded_on_time"], counts["responded"]),
        "resolution_on_time_rate": ratio(counts["resolved_on_time"], counts["resolved"]),
        "reopen_rate": ratio(counts["reopened"], counts["resolved"]),
        "satisfied_rate": ratio(counts["satisfied"], counts["feedback"]),
        "average_rating": ratio(counts["rating_sum"], counts["rating_count"]),
        "durations": {
            name: _percentiles(store, cohort, column) for name, column in DURATIONS.items()
        },
    }


def _percentiles(store: ViewStore, cohort: Cohort, column: str) -> dict[str, Any]:
    where, params = cohort.where()
    rows = store.query(
        f"SELECT {column}_hours, {column}_days FROM complaint_facts "
        f"WHERE {where} AND {column}_hours IS NOT NULL",
        params,
    )
    hours = sorted(float(hours) for hours, _ in rows)
    days = sorted(int(days) for _, days in rows)
    return {
        "count": len(rows),
        "p50_hours": nearest_rank(hours, 50),
        "p90_hours": nearest_rank(hours, 90),
        "p50_working_days": nearest_rank(days, 50),
        "p90_working_days": nearest_rank(days, 90),
    }
