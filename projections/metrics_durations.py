"""The metrics' durations, counted so that their percentiles over any cohort are exact and
read a bounded number of rows: filing → first triage, routing → first response, filing →
first resolution, each in hundredths of an hour and in whole working days.

Each complaint's durations are counted in count trees (projections.count_tree) under its
filing day and month and under its unit and all units (projections.periods), in the same
transaction as its facts row; a re-routed complaint's counts move to its new unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from projections import count_tree
from projections.periods import periods_of, unit_keys
from projections.store import ViewTransaction

DURATIONS = {"triage": "triage", "first_response": "response", "resolution": "resolution"}
PERCENTS = (50, 90)
HOURS_LEVELS = 2  # top nodes cover 100 hours
DAYS_LEVELS = 1  # top nodes cover 100 working days
# (facts column, measure code in the table, levels of its trees)
TREES = (
    ("triage_centihours", 1, HOURS_LEVELS),
    ("triage_days", 2, DAYS_LEVELS),
    ("response_centihours", 3, HOURS_LEVELS),
    ("response_days", 4, DAYS_LEVELS),
    ("resolution_centihours", 5, HOURS_LEVELS),
    ("resolution_days", 6, DAYS_LEVELS),
)
COLUMNS = tuple(column for column, _, _ in TREES)
TABLE = "complaint_durations"
DDL = count_tree.ddl(
    TABLE,
    "measure SMALLINT NOT NULL, unit_id TEXT NOT NULL, period INTEGER NOT NULL",
    "measure, unit_id, period",
)
COUNTS = count_tree.counts(TABLE, ("measure", "unit_id", "period"))
_MICROS_PER_CENTIHOUR = 36_000_000


def centihours(duration_micros: int) -> int:
    """A duration in hundredths of an hour, to the nearest, halves up."""
    return (duration_micros + _MICROS_PER_CENTIHOUR // 2) // _MICROS_PER_CENTIHOUR


def move(tx: ViewTransaction, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> None:
    """Account for a facts row going from ``before`` (None: a new complaint) to ``after``."""
    pending = COUNTS.pending(tx)
    places_before = [] if before is None else _places(before)
    places_after = _places(after)
    for column, code, levels in TREES:
        if before is not None:
            if (before["unit_id"], before[column]) == (after["unit_id"], after[column]):
                continue
            if before[column] is not None:
                keys = [(code, *place) for place in places_before]
                count_tree.add(pending, keys, before[column], levels, -1)
        if after[column] is not None:
            count_tree.add(
                pending, [(code, *place) for place in places_after], after[column], levels, 1
            )


def _places(facts: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The (unit, period) pairs a facts row's durations are counted under."""
    periods = periods_of(date.fromisoformat(facts["filed_date"]))
    return [(unit_id, period) for unit_id in unit_keys(facts["unit_id"]) for period in periods]


def percentiles(tx: ViewTransaction, where: str, params: list[Any]) -> dict[str, Any]:
    """p50 and p90 (nearest rank) of every duration over the rows ``where`` chooses."""
    reader = count_tree.TreeReader(tx, TABLE, "measure", where, params)
    found = reader.values_at(
        {code: levels for _, code, levels in TREES},
        lambda count: (
            [count_tree.nearest_rank(percent, count) for percent in PERCENTS] if count else []
        ),
    )
    by_column = {column: found[code] for column, code, _ in TREES}
    return {
        name: _duration(by_column[f"{prefix}_centihours"], by_column[f"{prefix}_days"])
        for name, prefix in DURATIONS.items()
    }


def _duration(hours: tuple[int, list[int]], days: tuple[int, list[int]]) -> dict[str, Any]:
    """A duration's count and percentiles (none when nothing was counted)."""
    hour_values, day_values = hours[1], days[1]
    return {
        "count": hours[0],
        **{
            f"p{percent}_hours": hour_values[index] / 100 if hour_values else None
            for index, percent in enumerate(PERCENTS)
        },
        **{
            f"p{percent}_working_days": day_values[index] if day_values else None
            for index, percent in enumerate(PERCENTS)
        },
    }
