"""Resolution and SLA metrics, served from the metrics view."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from domain.errors import ForbiddenError, RuleViolationError
from domain.unit import UNIT_ID_PATTERN
from domain.values import UNIT_SCOPED_ROLES
from projections.metrics_backlog import aging
from projections.metrics_breakdowns import Interval, timeseries, units
from projections.metrics_queries import Cohort, summary
from services.api.deps import Ledger, Projections, StaffMember
from services.api.error_docs import errors
from services.api.periods import check_period
from services.principals import Staff

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])
MAX_PERIOD = timedelta(days=3660)
UnitId = Annotated[str | None, Query(max_length=63, pattern=UNIT_ID_PATTERN.pattern)]


class DurationOut(BaseModel):
    count: int
    p50_hours: float | None
    p90_hours: float | None
    p50_working_days: int | None
    p90_working_days: int | None


class SummaryOut(BaseModel):
    received: int
    rejected: int
    withdrawn: int
    closed: int
    open: int
    resolved: int
    fixed: int
    overdue_now: int
    completion_rate: float | None
    verify_on_time_rate: float | None
    response_on_time_rate: float | None
    resolution_on_time_rate: float | None
    reopen_rate: float | None
    satisfied_rate: float | None
    average_rating: float | None
    durations: dict[str, DurationOut]


SUMMARY_DESCRIPTION = """
The cohort is every complaint **filed** in `[from, to)` (dates in Asia/Jakarta), optionally
only those whose **currently responsible** unit is `unit_id`.

* `received`: complaints in the cohort. `rejected`, `withdrawn`, `closed`: of those, how many
  have that status now. `open`: of those, not resolved, closed, rejected or withdrawn.
  `resolved`: of those, how many ever reached `resolved` (once per complaint); `fixed`: of
  those, how many whose latest resolution's outcome is `fixed`.
* `completion_rate` = resolved / received.
* `verify_on_time_rate`: of the complaints whose first triage (verify, reject or request-info)
  happened, the share done by the verify deadline then running.
  `response_on_time_rate`: of the complaints with a first response, the share given by the
  first-response deadline of the routing it answered. `resolution_on_time_rate`: of the
  resolved, the share first resolved by the resolution deadline.
* `overdue_now`: complaints of the cohort whose earliest running team deadline (verify,
  first response, answer, resolution) has passed at query time.
* `durations`: p50 and p90 (nearest rank: the smallest value at least p % of the
  durations do not exceed) of filing → first triage, routing → first response, filing →
  first resolution, with `count` the durations there are. In hours, each duration
  rounded to the nearest hundredth of an hour (36 seconds; halves up) before ranking,
  and in whole working days (Asia/Jakarta) after the starting day.
* `reopen_rate` = complaints reopened at least once / resolved; `satisfied_rate` =
  satisfied feedback / feedback given; `average_rating` over rated feedback (1-5).
* A rate whose denominator is 0 is `null`.
"""


def unit_scope(staff: Staff, unit_id: str | None) -> str | None:
    """Officers and supervisors see their own units' metrics only."""
    if staff.role not in UNIT_SCOPED_ROLES:
        return unit_id
    if unit_id is None and len(staff.unit_ids) == 1:
        unit_id = next(iter(staff.unit_ids))
    if unit_id is None:
        raise RuleViolationError("Name one of your units.", field="unit_id")
    if unit_id not in staff.unit_ids:
        raise ForbiddenError(f"Unit {unit_id} is not one of yours.", field="unit_id")
    return unit_id


def cohort_for(
    staff: Staff, filed_from: date, filed_to: date, unit_id: str | None, all_units: bool = False
) -> Cohort:
    check_period(filed_from, filed_to)
    if filed_to - filed_from > MAX_PERIOD:
        raise RuleViolationError("The period may span at most ten years.", field="from")
    scoped_unit = None if all_units else unit_scope(staff, unit_id)
    return Cohort(filed_from, filed_to, scoped_unit)


@router.get(
    "/summary",
    response_model=SummaryOut,
    summary="Resolution and SLA metrics for complaints filed in a period (staff)",
    description=SUMMARY_DESCRIPTION,
    responses=errors(403),
)
def get_summary(
    staff: StaffMember,
    ledger: Ledger,
    projections: Projections,
    filed_from: Annotated[date, Query(alias="from")],
    filed_to: Annotated[date, Query(alias="to")],
    unit_id: UnitId = None,
) -> dict[str, Any]:
    cohort = cohort_for(staff, filed_from, filed_to, unit_id)
    return summary(projections.store, cohort, ledger.clock())


class UnitRowOut(BaseModel):
    unit_id: str
    received: int
    resolved: int
    completion_rate: float | None
    resolution_on_time_rate: float | None
    verify_on_time_rate: float | None
    response_on_time_rate: float | None
    rank: int | None


class BucketOut(BaseModel):
    bucket: date
    received: int
    resolved: int


class AgingOut(BaseModel):
    open: int
    buckets: dict[str, int]
    by_category: dict[str, dict[str, int]]
    by_channel: dict[str, dict[str, int]]
    by_maladministration: dict[str, dict[str, int]]


@router.get(
    "/units",
    response_model=list[UnitRowOut],
    summary="Metrics per unit, ranked (staff)",
    description="One row per registered unit (for officers and supervisors: per unit they "
    "serve), counting the complaints filed in `[from, to)` that the unit is currently "
    "responsible for; a unit with none has zeros and null rates. Units with at least "
    "`min_sample` complaints are ranked by completion rate, then resolution on time, then "
    "volume; smaller ones are listed after them by id, with `rank` null.",
    responses=errors(403),
)
def get_units(
    staff: StaffMember,
    ledger: Ledger,
    projections: Projections,
    filed_from: Annotated[date, Query(alias="from")],
    filed_to: Annotated[date, Query(alias="to")],
    min_sample: Annotated[int, Query(ge=1, le=100000)] = 10,
) -> list[dict[str, Any]]:
    cohort = cohort_for(staff, filed_from, filed_to, None, all_units=True)
    unit_ids = ledger.unit_ids()
    if staff.role in UNIT_SCOPED_ROLES:
        unit_ids = [unit_id for unit_id in unit_ids if unit_id in staff.unit_ids]
    return units(projections.store, cohort, min_sample, unit_ids)


@router.get(
    "/timeseries",
    response_model=list[BucketOut],
    summary="Received and resolved per day, week or month (staff)",
    description="`received`: complaints filed in the bucket; `resolved`: complaints first "
    "resolved in the bucket. Weeks start on Monday; buckets are Asia/Jakarta dates.",
    responses=errors(403),
)
def get_timeseries(
    staff: StaffMember,
    projections: Projections,
    filed_from: Annotated[date, Query(alias="from")],
    filed_to: Annotated[date, Query(alias="to")],
    interval: Interval = "day",
    unit_id: UnitId = None,
) -> list[dict[str, Any]]:
    return timeseries(projections.store, cohort_for(staff, filed_from, filed_to, unit_id), interval)


@router.get(
    "/aging",
    response_model=AgingOut,
    summary="Open backlog by age (staff)",
    description="Open complaints (not resolved, closed, rejected or withdrawn) now, by age: "
    "the whole days from the filing date to today, both in Asia/Jakarta (filed today: 0), in "
    "buckets 0-3, 4-7, 8-14, 15-30, 31-60, >60; also by category, channel and "
    "maladministration type (`unclassified` where none is set yet).",
    responses=errors(403),
)
def get_aging(
    staff: StaffMember,
    ledger: Ledger,
    projections: Projections,
    unit_id: UnitId = None,
) -> dict[str, Any]:
    scoped_unit = unit_scope(staff, unit_id)
    return aging(projections.store, scoped_unit, ledger.clock())
