"""Totals of the metrics facts per filing period and current unit (see projections.periods),
and complaints first resolved per day and current unit.

A summary over a year then adds a few dozen rows instead of reading every complaint.
The metrics projection keeps them exact: whenever a complaint's facts row changes, its old
contribution leaves the totals and its new one enters (under its new unit if re-routed).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from projections.counts import CountTable
from projections.periods import day_period, periods_of, unit_keys
from projections.store import ViewTransaction

FINISHED = ("resolved", "closed", "rejected", "withdrawn")
TOTALS = (
    "received", "rejected", "withdrawn", "closed", "open", "resolved", "fixed",
    "triaged", "triaged_on_time", "responded", "responded_on_time", "resolved_on_time",
    "reopened", "feedback", "satisfied", "rating_sum", "rating_count",
)  # fmt: skip
FACT_COLUMNS = (
    "unit_id", "filed_date", "status", "resolved_at", "resolved_date", "fixed", "triaged_at",
    "triage_on_time", "responded_at", "response_on_time", "resolution_on_time", "reopened",
    "feedback_count", "satisfied_count", "rating_sum", "rating_count",
)  # fmt: skip
DDL = (
    "CREATE TABLE IF NOT EXISTS complaint_totals ("
    " unit_id TEXT NOT NULL, period INTEGER NOT NULL, "
    + ", ".join(f"{total} BIGINT NOT NULL DEFAULT 0" for total in TOTALS)
    + ", PRIMARY KEY (unit_id, period)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS complaint_totals_period ON complaint_totals (period)",
    "CREATE TABLE IF NOT EXISTS complaint_resolutions ("
    " unit_id TEXT NOT NULL, resolved_day INTEGER NOT NULL, resolved BIGINT NOT NULL,"
    " PRIMARY KEY (unit_id, resolved_day)) WITHOUT ROWID",
)
TABLES = ("complaint_totals", "complaint_resolutions")
TOTAL_COUNTS = CountTable(
    "complaint_totals",
    ("unit_id", "period"),
    TOTALS,
    covering=0,  # every other total counts received complaints
)
RESOLUTION_COUNTS = CountTable("complaint_resolutions", ("unit_id", "resolved_day"), ("resolved",))

Totals = tuple[int, ...]


def contribution(facts: Mapping[str, Any]) -> Totals:
    """What one complaint's facts row adds to its periods' totals."""
    status = facts["status"]
    resolved = facts["resolved_at"] is not None
    return (
        1,
        int(status == "rejected"),
        int(status == "withdrawn"),
        int(status == "closed"),
        int(status not in FINISHED),
        int(resolved),
        int(resolved and bool(facts["fixed"])),
        int(facts["triaged_at"] is not None),
        facts["triage_on_time"] or 0,
        int(facts["responded_at"] is not None),
        facts["response_on_time"] or 0,
        facts["resolution_on_time"] or 0,
        int(facts["reopened"] > 0),
        facts["feedback_count"],
        facts["satisfied_count"],
        facts["rating_sum"],
        facts["rating_count"],
    )


def move(tx: ViewTransaction, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> None:
    """Account for a facts row going from ``before`` (None: a new complaint) to ``after``;
    the totals are added up in the transaction and written once before it commits."""
    new = contribution(after)
    if before is None:
        _add(tx, after, new)
        _resolved(tx, after, 1)
        return
    old = contribution(before)
    if before["unit_id"] != after["unit_id"]:
        _add(tx, before, tuple(-value for value in old))
        _add(tx, after, new)
    elif new != old:
        _add(tx, after, tuple(n - o for n, o in zip(new, old, strict=True)))
    resolution = (after["unit_id"], after["resolved_date"])
    if (before["unit_id"], before["resolved_date"]) != resolution:
        _resolved(tx, before, -1)
        _resolved(tx, after, 1)


def _add(tx: ViewTransaction, facts: Mapping[str, Any], totals: Totals) -> None:
    pending = TOTAL_COUNTS.pending(tx)
    changed = [(index, value) for index, value in enumerate(totals) if value]
    for unit_id in unit_keys(facts["unit_id"]):
        for period in periods_of(date.fromisoformat(facts["filed_date"])):
            sums = pending.setdefault((unit_id, period), [0] * len(TOTALS))
            for index, value in changed:
                sums[index] += value


def _resolved(tx: ViewTransaction, facts: Mapping[str, Any], delta: int) -> None:
    if facts["resolved_date"] is None:
        return
    pending = RESOLUTION_COUNTS.pending(tx)
    day = day_period(date.fromisoformat(facts["resolved_date"]))
    for unit_id in unit_keys(facts["unit_id"]):
        pending.setdefault((unit_id, day), [0])[0] += delta
