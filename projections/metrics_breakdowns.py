"""Metrics broken down: per unit (ranked) and over time.

Both read the counts per period and unit (projections.metrics_rollup)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Literal

from projections.metrics_queries import Cohort, ratio
from projections.periods import ALL_UNITS, cover, day_period, periods_in
from projections.store import ViewStore

Interval = Literal["day", "week", "month"]
UNIT_TOTALS = ("received", "resolved", "resolved_on_time", "triaged", "triaged_on_time",
               "responded", "responded_on_time")  # fmt: skip


def units(
    store: ViewStore, cohort: Cohort, min_sample: int, unit_ids: Iterable[str]
) -> list[dict[str, Any]]:
    """One row per unit of ``unit_ids`` (those with nothing filed in the period too, with
    zeros); units with at least ``min_sample`` complaints are ranked by completion rate,
    then resolution on time, then volume."""
    in_periods, params = periods_in(cover(cohort.filed_from, cohort.filed_to))
    sums = ", ".join(f"SUM({column})" for column in UNIT_TOTALS)
    rows = store.query(
        f"SELECT unit_id, {sums} FROM complaint_totals"
        f" WHERE {in_periods} AND unit_id <> ? GROUP BY unit_id",
        [*params, ALL_UNITS],
    )
    totals = {
        unit_id: dict(zip(UNIT_TOTALS, (int(value or 0) for value in values), strict=True))
        for unit_id, *values in rows
    }
    nothing = dict.fromkeys(UNIT_TOTALS, 0)
    table = [_unit_row(unit_id, totals.get(unit_id, nothing)) for unit_id in unit_ids]
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


def _unit_row(unit_id: str, totals: dict[str, int]) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "received": totals["received"],
        "resolved": totals["resolved"],
        "completion_rate": ratio(totals["resolved"], totals["received"]),
        "resolution_on_time_rate": ratio(totals["resolved_on_time"], totals["resolved"]),
        "verify_on_time_rate": ratio(totals["triaged_on_time"], totals["triaged"]),
        "response_on_time_rate": ratio(totals["responded_on_time"], totals["responded"]),
        "rank": None,
    }


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
