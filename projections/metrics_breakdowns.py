"""Metrics broken down: per unit (ranked) and over time.

Both read the counts per period and unit (projections.metrics_rollup)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any, Literal

from projections.metrics_queries import Cohort, ratio
from projections.periods import ALL_UNITS, cover, day_period, periods_in
from projections.store import ViewStore

Interval = Literal["day", "week", "month"]


def units(store: ViewStore, cohort: Cohort, min_sample: int) -> list[dict[str, Any]]:
    """One row per unit; units with at least ``min_sample`` complaints are ranked by
    completion rate, then resolution on time, then volume."""
    in_periods, params = periods_in(cover(cohort.filed_from, cohort.filed_to))
    rows = store.query(
        "SELECT unit_id, SUM(received), SUM(resolved), SUM(resolved_on_time),"
        " SUM(triaged), SUM(triaged_on_time), SUM(responded), SUM(responded_on_time)"
        f" FROM complaint_totals WHERE {in_periods} AND unit_id <> ?"
        " GROUP BY unit_id HAVING SUM(received) > 0",
        [*params, ALL_UNITS],
    )
    table = [
        {
            "unit_id": unit_id,
            "received": received,
            "resolved": resolved,
            "completion_rate": ratio(resolved, received),
            "resolution_on_time_rate": ratio(resolved_on_time or 0, resolved),
            "verify_on_time_rate": ratio(triaged_on_time or 0, triaged),
            "response_on_time_rate": ratio(responded_on_time or 0, responded),
            "rank": None,
        }
        for (unit_id, received, resolved, resolved_on_time, triaged, triaged_on_time,
             responded, responded_on_time) in rows
    ]  # fmt: skip
    ranked = sorted(
        (row for row in table if row["received"] >= min_sample),
        key=lambda row: (
            -(row["completion_rate"] or 0),
            -(row["resolution_on_time_rate"] or 0),
            -row["received"],
            row["unit_id"],
        ),
    )
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    unranked = sorted((row for row in table if row["rank"] is None), key=lambda r: r["unit_id"])
    return [*ranked, *unranked]


def bucket_start(day: date, interval: Interval) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def timeseries(store: ViewStore, cohort: Cohort, interval: Interval) -> list[dict[str, Any]]:
    """Complaints received and first resolved in each bucket of ``[from, to)``."""
    unit_id = cohort.unit_id or ALL_UNITS
    days = [day_period(cohort.filed_from), day_period(cohort.filed_to)]
    with store.transaction(write=False) as tx:
        received = tx.query(
            "SELECT period, received FROM complaint_totals"
            " WHERE unit_id = ? AND period >= ? AND period < ?",
            [unit_id, *days],
        )
        resolved = tx.query(
            "SELECT resolved_day, resolved FROM complaint_resolutions"
            " WHERE unit_id = ? AND resolved_day >= ? AND resolved_day < ?",
            [unit_id, *days],
        )
    counts: dict[date, Counter[str]] = {}
    day = cohort.filed_from
    while day < cohort.filed_to:
        counts.setdefault(bucket_start(day, interval), Counter())
        day += timedelta(days=1)
    for name, rows in (("received", received), ("resolved", resolved)):
        for day_number, count in rows:
            counts[bucket_start(date.fromordinal(day_number), interval)][name] += int(count)
    return [
        {"bucket": bucket, "received": tally["received"], "resolved": tally["resolved"]}
        for bucket, tally in sorted(counts.items())
    ]
