"""The audit trail, for auditors: every event of the log (staff reads of personal data
included), served from the audit view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from domain.errors import RuleViolationError
from domain.values import Role
from projections.audit_queries import AuditFilter, audit_page, decode_cursor, encode_cursor
from projections.work_queue import InvalidCursorError
from services.api.deps import Auditor, Projections
from services.api.error_docs import errors
from services.api.periods import check_period

router = APIRouter(prefix="/v1/audit", tags=["audit"])


class AuditEventOut(BaseModel):
    position: int
    event_id: UUID
    event_type: str
    at: datetime
    actor_id: str | None
    actor_role: Role | None
    aggregate_id: UUID
    complaint_id: UUID | None
    unit_id: str | None
    reason: str | None


class AuditPageOut(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None


DESCRIPTION = """
Every event of the ledger in log order, one row each (auditor, admin): `position` in the
log, `event_id` and `event_type` as on the Kafka topic, `at`, the actor (`actor_id`,
`actor_role`; null for events no one acts in: tracking index, unit directory, survey
responses), `aggregate_id`, `complaint_id` (complaint events, tracking numbers and reads of
personal data), `unit_id` (the complaint's unit at that moment, the promise's, the unit
registered...) and `reason` (rejection, closing and withdrawal reasons, the missed deadline,
or the purpose stated for a read of personal data). Staff reads of personal data are events
of type `aduan.personal_data_read.Recorded`. Rows never carry personal data or free text.

Filters combine with AND: `from`/`to` bound `at` by Asia/Jakarta dates, `[from, to)`;
`actor` is an actor id; `unit_id` a unit. Pass `next_cursor` back as `cursor` for the next
page.
"""


@router.get(
    "/events",
    response_model=AuditPageOut,
    summary="The audit trail: who did what, when, why (auditor, admin)",
    description=DESCRIPTION,
    responses=errors(403),
)
def list_audit_events(
    _auditor: Auditor,
    projections: Projections,
    day_from: Annotated[date | None, Query(alias="from")] = None,
    day_to: Annotated[date | None, Query(alias="to")] = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    unit_id: Annotated[str | None, Query(min_length=1, max_length=63)] = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> dict[str, Any]:
    check_period(day_from, day_to)
    try:
        after = decode_cursor(cursor) if cursor is not None else 0
    except InvalidCursorError as error:
        raise RuleViolationError(str(error), field="cursor") from None
    audit_filter = AuditFilter(day_from, day_to, actor, unit_id)
    rows = audit_page(projections.store, audit_filter, after, page_size + 1)
    items = rows[:page_size]
    next_cursor = encode_cursor(items[-1]["position"]) if len(rows) > page_size else None
    return {"items": items, "next_cursor": next_cursor}
