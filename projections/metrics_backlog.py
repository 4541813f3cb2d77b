"""The open backlog counted by filing day, so that its ages are read from a bounded number
of rows: open complaints per current unit (and all units), filing day (Asia/Jakarta) and
value of each dimension (category, channel, maladministration type; ``total`` for all).

The metrics projection keeps the counts beside each complaint's facts row, in the same
transaction: a complaint is counted while its status is not a finished one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from projections.counts import CountTable
from projections.metrics_rollup import FINISHED
from projections.periods import ALL_UNITS, local_day, unit_keys
from projections.store import ViewStore, ViewTransaction

TABLE = "complaint_backlog"
DIMENSIONS = ("category", "channel", "maladministration")
TOTAL = "total"  # the dimension of the whole backlog (its one value is "")
UNCLASSIFIED = "unclassified"  # shown for a complaint without a value (no category yet)
AGE_BUCKETS = ((0, 3, "0-3"), (4, 7, "4-7"), (8, 14, "8-14"), (15, 30, "15-30"),
               (31, 60, "31-60"), (61, None, ">60"))  # fmt: skip
OLDEST_BUCKET_FROM = AGE_BUCKETS[-1][0]
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " unit_id TEXT NOT NULL, dimension TEXT NOT NULL, value TEXT NOT NULL,"
    " filed_day INTEGER NOT NULL, open BIGINT NOT NULL,"
    " PRIMARY KEY (unit_id, filed_day, dimension, value)) WITHOUT ROWID"
)
COUNTS = CountTable(TABLE, ("unit_id", "filed_day", "dimension", "value"), ("open",))


def move(tx: ViewTransaction, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> None:
    """Account for a facts row going from ``before`` (None: a new complaint) to ``after``."""
    counted_before, counted_after = _keys(before), _keys(after)
    if counted_before == counted_after:
        return
    pending = COUNTS.pending(tx)
    for keys, delta in ((counted_before, -1), (counted_after, 1)):
        for key in keys:
            pending.setdefault(key, [0])[0] += delta


def _keys(facts: Mapping[str, Any] | None) -> list[tuple[str, int, str, str]]:
    if facts is None or facts["status"] in FINISHED:
        return []
    day = local_day(facts["filed_at"])
    values = [(TOTAL, ""), *((dimension, facts[dimension] or "") for dimension in DIMENSIONS)]
    return [
        (unit_id, day, dimension, value)
        for unit_id in unit_keys(facts["unit_id"])
        for dimension, value in values
    ]


def age_bucket(age_days: int) -> str:
    for low, high, label in AGE_BUCKETS:
        if age_days >= low and (high is None or age_days <= high):
            return label
    return AGE_BUCKETS[0][2]  # filed after ``now``: a clock behind the log's


def aging(store: ViewStore, unit_id: str | None, now: datetime) -> dict[str, Any]:
    """The open backlog at ``now``, by whole days from the filing date to today (Asia/
    Jakarta), overall and per dimension. Reads one row per recent day and value, and the
    oldest bucket's sums."""
    today = local_day(int(now.timestamp() * 1_000_000))
    oldest_day = today - OLDEST_BUCKET_FROM  # filed on it or before: the oldest bucket
    unit = unit_id or ALL_UNITS
    with store.transaction(write=False) as tx:
        recent = tx.query(
            f"SELECT filed_day, dimension, value, open FROM {TABLE}"
            " WHERE unit_id = ? AND filed_day > ?",
            [unit, oldest_day],
        )
        oldest = tx.query(
            f"SELECT dimension, value, SUM(open) FROM {TABLE}"
            " WHERE unit_id = ? AND filed_day <= ? GROUP BY dimension, value",
            [unit, oldest_day],
        )
    oldest_label = AGE_BUCKETS[-1][2]
    counted = [
        (dimension, value, age_bucket(today - day), n) for day, dimension, value, n in recent
    ]
    counted += [(dimension, value, oldest_label, n) for dimension, value, n in oldest]
    tallies: dict[str, dict[str, Counter[str]]] = {TOTAL: {}, **{d: {} for d in DIMENSIONS}}
    for dimension, value, label, complaints in counted:
        tallies[dimension].setdefault(value, Counter())[label] += int(complaints)
    labels = [label for _, _, label in AGE_BUCKETS]
    overall = tallies[TOTAL].get("", Counter())
    return {
        "open": sum(overall.values()),
        "buckets": {label: overall[label] for label in labels},
        **{
            f"by_{dimension}": {
                value or UNCLASSIFIED: {label: tally[label] for label in labels}
                for value, tally in sorted(tallies[dimension].items())
            }
            for dimension in DIMENSIONS
        },
    }
