"""Resolution and SLA metrics, served from the metrics view."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from domain.errors import ForbiddenError, RuleViolationError
from domain.values import UNIT_SCOPED_ROLES
from projections.metrics_queries import Cohort, summary
from services.api.deps import Ledger, Projections, StaffMember
from services.principals import Staff

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])
MAX_PERIOD = timedelta(days=3660)


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
* `durations`: p50 and p90 (nearest rank) of filing → first triage, routing → first
  response, filing → first resolution; in hours and in whole working days.
* `reopen_rate` = complaints reopened at least once / resolved; `satisfied_rate` =
  satisfied feedback / feedback given; `average_rating` over rated feedback (1-5).
* A rate whose denominator is 0 is `null`.
"""


def cohort_for(staff: Staff, filed_from: date, filed_to: date, unit_id: str | None) -> Cohort:
    if filed_to <= filed_from:
        raise RuleViolationError("`to` must be after `from`.", field="to")
    if filed_to - filed_from > MAX_PERIOD:
        raise RuleViolationError("The period may span at most ten years.", field="from")
    if staff.role in UNIT_SCOPED_ROLES:
        if unit_id is None and len(staff.unit_ids) == 1:
            unit_id = next(iter(staff.unit_ids))
        if unit_id is None:
            raise RuleViolationError("Name one of your units.", field="unit_id")
        if unit_id not in staff.unit_ids:
            raise ForbiddenError(f"Unit {unit_id} is not one of yours.", field="unit_id")
    return Cohort(filed_from, filed_to, unit_id)


@router.get(
    "/summary",
    response_model=SummaryOut,
    summary="Resolution and SLA metrics for complaints filed in a period (staff)",
    description=SUMMARY_DESCRIPTION,
)
def get_summary(
    staff: StaffMember,
    ledger: Ledger,
    projections: Projections,
    filed_from: Annotated[date, Query(alias="from")],
    filed_to: Annotated[date, Query(alias="to")],
    unit_id: Annotated[str | None, Query(max_length=63)] = None,
) -> dict[str, Any]:
    cohort = cohort_for(staff, filed_from, filed_to, unit_id)
    return summary(projections.store, cohort, ledger.clock())
