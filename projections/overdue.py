"""Complaints with a running team deadline, counted by the day it falls due, per filing
period and current unit (projections.periods). The complaints projection keeps the counts
beside each complaint's ``next_due``, in the same transaction.

``overdue_now`` at a moment is then the counts of the days before today plus, counted
one by one, the complaints due earlier today: deadlines end at midnight, so today's are
only those a pause for information moved to a time of day.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from projections.counts import CountTable
from projections.periods import DAY_MICROS, JAKARTA_OFFSET_MICROS, local_day, periods_of, unit_keys
from projections.store import ViewTransaction

TABLE = "complaint_due_days"
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " unit_id TEXT NOT NULL, period INTEGER NOT NULL, due_day INTEGER NOT NULL,"
    " complaints BIGINT NOT NULL, PRIMARY KEY (unit_id, period, due_day)) WITHOUT ROWID"
)
COUNTS = CountTable(TABLE, ("unit_id", "period", "due_day"), ("complaints",))
_EPOCH_DAY = local_day(0)


class Due(NamedTuple):
    """What decides where a complaint is counted: ``next_due`` None when no team deadline
    runs (it is then not counted)."""

    unit_id: str
    filed_at: int
    next_due: int | None


def due_day(next_due: int) -> int:
    """The day a deadline closes (its Jakarta date ordinal): one ending at midnight
    belongs to the day before it."""
    return local_day(next_due - 1)


def start_of_day_micros(day: int) -> int:
    return (day - _EPOCH_DAY) * DAY_MICROS - JAKARTA_OFFSET_MICROS


def move(tx: ViewTransaction, before: Due | None, after: Due) -> None:
    if before == after:
        return
    pending = COUNTS.pending(tx)
    for due, delta in ((before, -1), (after, 1)):
        if due is None or due.next_due is None:
            continue
        day = due_day(due.next_due)
        for unit_id in unit_keys(due.unit_id):
            for period in periods_of(date.fromordinal(local_day(due.filed_at))):
                pending.setdefault((unit_id, period, day), [0])[0] += delta


def count_at(
    rows_where: str, params: list[Any], filed: tuple[int, int], unit_id: str | None, now: int
) -> tuple[str, list[Any]]:
    """An SQL expression, and its parameters: how many complaints of the chosen count rows
    (filed in ``[filed)``, in microseconds, of ``unit_id`` or any unit) are overdue at
    ``now``. Those due before today are added up from the counts; those due earlier today
    are found by their deadline alone, then counted by filing time and unit: a unit's
    complaints are many, a day's deadlines of all units few."""
    today = local_day(now)
    of_unit, unit_params = ("", []) if unit_id is None else (" AND unit_id = ?", [unit_id])
    return (
        f"(SELECT COALESCE(SUM(complaints), 0) FROM {TABLE} WHERE {rows_where} AND due_day < ?)"
        f" + (SELECT COUNT(CASE WHEN filed_at >= ? AND filed_at < ?{of_unit} THEN 1 END)"
        " FROM complaints_view WHERE next_due > ? AND next_due <= ?)",
        [*params, today, *filed, *unit_params, start_of_day_micros(today), now],
    )
