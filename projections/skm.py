"""Survey responses per unit, and the SKM report over a period."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import orjson
from eventsourcing.utils import get_topic

from domain.calendar import WorkingCalendar
from domain.skm import ElementSet, krejcie_morgan_sample, skm_index
from domain.survey import SurveyResponse
from projections.store import ViewStore, ViewTransaction


class SkmProjection:
    name = "skm"
    version = 1
    per_aggregate = False
    read_fields: tuple[str, ...] | None = None
    tables: tuple[str, ...] = ("survey_responses_view",)
    # The event class is made by the @event decorator, so type checkers cannot see it.
    topics: tuple[str, ...] = (get_topic(SurveyResponse.Recorded),)  # type: ignore[attr-defined]
    ddl: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS survey_responses_view ("
        " id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, element_set TEXT NOT NULL,"
        " response_date TEXT NOT NULL, scores TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS survey_responses_unit"
        " ON survey_responses_view (unit_id, element_set, response_date)",
    )

    def __init__(self, calendar: WorkingCalendar) -> None:
        self._calendar = calendar

    def process(self, event: Any, tx: ViewTransaction) -> None:
        tx.execute(
            "INSERT INTO survey_responses_view (id, unit_id, element_set, response_date, scores)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                str(event.originator_id),
                event.unit_id,
                event.element_set,
                self._calendar.local_date(event.at).isoformat(),
                orjson.dumps(event.scores).decode(),
            ),
        )


def _rounded(value: Fraction, digits: int) -> float:
    return round(float(value), digits)


def _rounded_down(value: Fraction, digits: int) -> Decimal:
    """``value`` cut to ``digits`` decimals. The grade is of the exact value, so a figure
    rounded up could show a band edge the value does not reach (76.608... as 76.61, in B,
    graded C); cut, the figure shown always lies in the grade's band."""
    return Decimal(math.floor(value * 10**digits)).scaleb(-digits)


def skm_report(
    store: ViewStore,
    unit_id: str,
    element_set: ElementSet,
    period: tuple[date, date],
    service_users: int | None,
) -> dict[str, Any]:
    """SKM for responses dated in ``[from, to)`` (Asia/Jakarta)."""
    rows = store.query(
        "SELECT scores FROM survey_responses_view WHERE unit_id = ? AND element_set = ?"
        " AND response_date >= ? AND response_date < ?",
        (unit_id, element_set.name, period[0].isoformat(), period[1].isoformat()),
    )
    result = skm_index(element_set, [orjson.loads(scores) for (scores,) in rows])
    required = krejcie_morgan_sample(service_users) if service_users is not None else None
    report: dict[str, Any] = {
        "unit_id": unit_id,
        "element_set": element_set.name,
        "responses": len(rows),
        "required_sample": required,
        "sample_sufficient": None if required is None else len(rows) >= required,
        "elements": [],
        "index": None,
        "converted_index": None,
        "grade": None,
        "grade_meaning": None,
    }
    if result is not None:
        report.update(
            elements=[
                {"element": name, "average": _rounded(average, 4), "weight": float(weight)}
                for name, average, weight in zip(
                    element_set.elements, result.element_averages, element_set.weights, strict=True
                )
            ],
            index=_rounded_down(result.index, 4),
            converted_index=_rounded_down(result.converted_index, 2),
            grade=result.grade,
            grade_meaning=result.grade_meaning,
        )
    return report
