"""Complainants' personal data: erasure by an admin (UU 27/2022)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from domain.erasure import MAX_REASON_LENGTH
from services.api.deps import Admin, Ledger
from services.api.error_docs import errors
from services.erasure import erase_personal_data

router = APIRouter(prefix="/v1/complainants", tags=["privacy"])

Ref = Annotated[
    str,
    Path(
        pattern="^[0-9a-f]{32}$",
        description="The complaint's `complainant_ref`.",
    ),
]


class ErasureIn(BaseModel):
    reason: str = Field(
        min_length=1,
        max_length=MAX_REASON_LENGTH,
        description="Why the data is erased, e.g. the complainant's request and its date.",
    )


class ErasureOut(BaseModel):
    ref: str
    complaint_id: UUID
    erased_at: datetime
    erased_by: str
    reason: str


@router.post(
    "/{ref}/erase",
    response_model=ErasureOut,
    summary="Erase a complainant's personal data (admin)",
    description="Destroys the key the complainant's personal data was sealed with: from "
    "then on it reads as erased everywhere (API, notifications, exports), while every event "
    "stays as written and the ledger still verifies. Recorded as an `aduan.erasure.Recorded` "
    "event. 404 for an unknown reference, 409 when it was already erased.",
    responses=errors(403, 404, 409),
)
def erase(ref: Ref, body: ErasureIn, ledger: Ledger, admin: Admin) -> dict[str, Any]:
    return erase_personal_data(ledger, ref, admin.actor(), body.reason)
