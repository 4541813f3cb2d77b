"""The work queue: search and list complaints, served from the complaints view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from domain.errors import RuleViolationError
from domain.values import Channel, Kind, Role, Status
from projections.work_queue import InvalidCursorError, QueueQuery, Scope, SortOrder, search
from services.api.deps import Ledger, Projections, StaffMember
from services.api.error_docs import errors
from services.api.periods import check_period
from services.principals import Staff

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])


class QueueItemOut(BaseModel):
    id: UUID
    tracking_number: str
    status: Status
    unit_id: str
    category: str | None
    channel: Channel
    kind: Kind
    maladministration: str | None
    title: str
    anonymous: bool
    confidential: bool
    filed_after_limit: bool
    filed_at: datetime
    updated_at: datetime
    version: int
    next_due: datetime | None


class QueuePageOut(BaseModel):
    items: list[QueueItemOut]
    next_cursor: str | None


def scope_of(staff: Staff) -> Scope:
    if staff.role is Role.OFFICER:
        return Scope(unit_ids=staff.unit_ids, routed_only=True)
    if staff.role is Role.SUPERVISOR:
        return Scope(unit_ids=staff.unit_ids)
    return Scope()


@router.get(
    "",
    response_model=QueuePageOut,
    summary="Work queue: filter, search and page through complaints (staff)",
    description="Filters combine with AND. `status` takes a comma-separated list. `overdue=true` "
    "keeps open complaints whose earliest running team deadline (verify, first response, "
    "answer, resolution) has passed; complaints waiting on the complainant are never overdue. "
    "`filed_after_limit=true` keeps complaints filed more than 30 days after their incident "
    "date (UU 25/2009 Ps 42). "
    "`q` searches title and description. `from`/`to` bound the filing date in Asia/Jakarta, "
    "`[from, to)`; with both, `to` must be after `from`. Pass `next_cursor` back as `cursor` "
    "for the next page.",
    responses=errors(403),
)
def list_complaints(
    staff: StaffMember,
    ledger: Ledger,
    projections: Projections,
    status: Annotated[str | None, Query(max_length=200)] = None,
    unit_id: Annotated[str | None, Query(max_length=63)] = None,
    category: Annotated[str | None, Query(max_length=100)] = None,
    channel: Channel | None = None,
    kind: Kind | None = None,
    overdue: bool | None = None,
    filed_after_limit: bool | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    filed_from: Annotated[date | None, Query(alias="from")] = None,
    filed_to: Annotated[date | None, Query(alias="to")] = None,
    sort: SortOrder = "-filed_at",
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> dict[str, Any]:
    check_period(filed_from, filed_to)
    query = QueueQuery(
        status=_statuses(status),
        unit_id=unit_id,
        category=category,
        channel=channel.value if channel else None,
        kind=kind.value if kind else None,
        overdue=overdue,
        filed_after_limit=filed_after_limit,
        q=q,
        filed_from=filed_from,
        filed_to=filed_to,
        sort=sort,
        page_size=page_size,
        cursor=cursor,
        now=ledger.clock(),
        scope=scope_of(staff),
    )
    try:
        items, next_cursor = search(projections.store, query)
    except InvalidCursorError as error:
        raise RuleViolationError(str(error), field="cursor") from None
    return {"items": items, "next_cursor": next_cursor}


def _statuses(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in Status.__members__.values()]
    if unknown:
        raise RuleViolationError(
            f"Unknown status {', '.join(unknown)}; use: {', '.join(Status)}.", field="status"
        )
    return names
