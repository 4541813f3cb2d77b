"""Daily totals of the metrics facts, per filing day (Asia/Jakarta) and current unit.

A summary over a year then adds a few thousand rows instead of reading every complaint.
The metrics projection keeps it exact: whenever a complaint's facts row changes, its old
contribution leaves the totals and its new one enters (under its new unit if re-routed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projections.store import ViewTransaction

FINISHED = ("resolved", "closed", "rejected", "withdrawn")
TOTALS = (
    "received", "rejected", "withdrawn", "closed", "open", "resolved", "fixed",
    "triaged", "triaged_on_time", "responded", "responded_on_time", "resolved_on_time",
    "reopened", "feedback", "satisfied", "rating_sum", "rating_count",
)  # fmt: skip
FACT_COLUMNS = (
    "unit_id", "filed_date", "status", "resolved_at", "fixed", "triaged_at", "triage_on_time",
    "responded_at", "response_on_time", "resolution_on_time", "reopened", "feedback_count",
    "satisfied_count", "rating_sum", "rating_count",
)  # fmt: skip
DDL = (
    "CREATE TABLE IF NOT EXISTS complaint_daily ("
    " filed_date TEXT NOT NULL, unit_id TEXT NOT NULL, "
    + ", ".join(f"{total} BIGINT NOT NULL DEFAULT 0" for total in TOTALS)
    + ", PRIMARY KEY (filed_date, unit_id))",
    "CREATE INDEX IF NOT EXISTS complaint_daily_unit ON complaint_daily (unit_id, filed_date)",
)
_ADD = (
    f"INSERT INTO complaint_daily (filed_date, unit_id, {', '.join(TOTALS)}) "
    f"VALUES (?, ?, {', '.join('?' for _ in TOTALS)}) "
    "ON CONFLICT (filed_date, unit_id) DO UPDATE SET "
    + ", ".join(f"{total} = complaint_daily.{total} + excluded.{total}" for total in TOTALS)
)

Totals = tuple[int, ...]


def contribution(facts: Mapping[str, Any]) -> Totals:
    """What one complaint's facts row adds to its day's totals."""
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
        return
    old = contribution(before)
    if before["unit_id"] != after["unit_id"]:
        _add(tx, before, tuple(-value for value in old))
        _add(tx, after, new)
    elif new != old:
        _add(tx, after, tuple(n - o for n, o in zip(new, old, strict=True)))


def _add(tx: ViewTransaction, facts: Mapping[str, Any], totals: Totals) -> None:
    pending: dict[tuple[str, str], list[int]] = tx.deferred("complaint_daily", dict, _write)
    key = (facts["filed_date"], facts["unit_id"])
    sums = pending.setdefault(key, [0] * len(TOTALS))
    for index, value in enumerate(totals):
        sums[index] += value


def _write(tx: ViewTransaction, pending: dict[tuple[str, str], list[int]]) -> None:
    # Every day and unit touched gets its row, even if its totals netted to zero, so the
    # rows do not depend on how events were grouped into transactions.
    rows = [(day, unit_id, *sums) for (day, unit_id), sums in pending.items()]
    if rows:
        tx.executemany(_ADD, rows)
