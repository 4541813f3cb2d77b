"""Improvement promises (janji perbaikan): drafted, signed and published by units, verified
by the improvement team."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from domain.promise import PromiseStatus
from projections.promises import get_promise, kept_on_time, list_promises
from services.api.deps import Ledger, OptionalPrincipal, Projections, StaffMember
from services.api.error_docs import errors
from services.principals import Staff
from services.promises import (
    Fulfil,
    Progress,
    PromiseDesk,
    PromiseDraft,
    Sign,
    Verify,
    promise_not_found,
)

router = APIRouter(prefix="/v1/promises", tags=["improvement promises"])


class PromiseOut(BaseModel):
    id: UUID
    unit_id: str
    title: str
    status: PromiseStatus
    due_date: date
    answers_categories: list[str]
    answers_skm_elements: list[str]
    progress_notes: int
    fulfilled_on_time: bool | None
    verified_kept: bool | None


class PromiseDetailOut(PromiseOut):
    commitment: str
    version: int


class PromiseEntryOut(BaseModel):
    event: str = Field(
        description="drafted, signed, published, progress_noted, fulfilled, missed or verified"
    )
    at: datetime
    text: str | None = Field(
        description="signed: who signed as the unit head; progress_noted: the note; fulfilled: "
        "the evidence; verified: the improvement team's note"
    )
    kept: bool | None = Field(description="verified: whether the team found the promise kept")


class PromiseTimelineOut(PromiseDetailOut):
    signed_by: str | None
    timeline: list[PromiseEntryOut]


class KeptOut(BaseModel):
    unit_id: str
    due: int
    kept_on_time: int
    kept_on_time_rate: float
    verified: int
    verified_kept: int


@router.get(
    "",
    response_model=list[PromiseOut],
    summary="List promises (public: published ones; staff: drafts too)",
)
def get_promises(
    projections: Projections,
    principal: OptionalPrincipal,
    unit_id: Annotated[str | None, Query(max_length=63)] = None,
    promise_status: Annotated[PromiseStatus | None, Query(alias="status")] = None,
) -> list[dict[str, Any]]:
    return list_promises(
        projections.store,
        unit_id,
        str(promise_status) if promise_status else None,
        include_unpublished=isinstance(principal, Staff),
    )


@router.get(
    "/kept",
    response_model=list[KeptOut],
    summary="Per unit, the share of promises come due that were kept on time (public)",
    description="`due`: promises fulfilled or missed; `kept_on_time`: of those, fulfilled by "
    "their due date and not found unkept by the improvement team's verification (one not yet "
    "verified counts on the unit's word); `kept_on_time_rate` = kept_on_time / due; "
    "`verified`: of the due, those the team verified; `verified_kept`: of those, found kept.",
)
def get_kept(projections: Projections) -> list[dict[str, Any]]:
    return kept_on_time(projections.store)


@router.get(
    "/{promise_id}",
    response_model=PromiseTimelineOut,
    summary="One promise with its timeline (public: published ones; staff: drafts too)",
    responses=errors(404),
)
def get_one_promise(
    promise_id: UUID, projections: Projections, principal: OptionalPrincipal
) -> dict[str, Any]:
    promise = get_promise(
        projections.store, promise_id, include_unpublished=isinstance(principal, Staff)
    )
    if promise is None:
        raise promise_not_found(promise_id)
    return promise


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PromiseDetailOut,
    summary="Draft a promise (coordinator, the unit's supervisor)",
    responses=errors(403),
)
def draft_promise(draft: PromiseDraft, ledger: Ledger, staff: StaffMember) -> dict[str, Any]:
    return PromiseDesk(ledger).draft(staff, draft)


@router.post(
    "/{promise_id}/sign",
    response_model=PromiseDetailOut,
    summary="Sign as the unit head (the unit's supervisor)",
    responses=errors(403, 404, 409),
)
def sign(promise_id: UUID, body: Sign, ledger: Ledger, staff: StaffMember) -> dict[str, Any]:
    return PromiseDesk(ledger).act(promise_id, staff, "sign", body)


@router.post(
    "/{promise_id}/publish",
    response_model=PromiseDetailOut,
    summary="Publish a signed promise",
    responses=errors(403, 404, 409),
)
def publish(promise_id: UUID, ledger: Ledger, staff: StaffMember) -> dict[str, Any]:
    return PromiseDesk(ledger).act(promise_id, staff, "publish", None)


@router.post(
    "/{promise_id}/progress",
    response_model=PromiseDetailOut,
    summary="Note progress on a published promise",
    responses=errors(403, 404, 409),
)
def progress(
    promise_id: UUID, body: Progress, ledger: Ledger, staff: StaffMember
) -> dict[str, Any]:
    return PromiseDesk(ledger).act(promise_id, staff, "progress", body)


@router.post(
    "/{promise_id}/fulfil",
    response_model=PromiseDetailOut,
    summary="Declare a published promise fulfilled, with evidence",
    responses=errors(403, 404, 409),
)
def fulfil(promise_id: UUID, body: Fulfil, ledger: Ledger, staff: StaffMember) -> dict[str, Any]:
    return PromiseDesk(ledger).act(promise_id, staff, "fulfil", body)


@router.post(
    "/{promise_id}/verify",
    response_model=PromiseDetailOut,
    summary="Verify whether a fulfilled or missed promise was kept (auditor)",
    responses=errors(403, 404, 409),
)
def verify(promise_id: UUID, body: Verify, ledger: Ledger, staff: StaffMember) -> dict[str, Any]:
    return PromiseDesk(ledger).act(promise_id, staff, "verify", body)
