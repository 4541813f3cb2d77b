"""Public tracking by tracking number: status and timeline, no personal data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from services.api.deps import Ledger, OptionalPrincipal
from services.api.error_docs import errors
from services.api.schemas import TrackOut

router = APIRouter(prefix="/v1/track", tags=["tracking"])


@router.get(
    "/{tracking_number}",
    response_model=TrackOut,
    summary="Track a complaint (public; confidential ones need X-Access-Token)",
    responses=errors(404),
)
def track(
    tracking_number: Annotated[str, Path(min_length=4, max_length=20)],
    ledger: Ledger,
    principal: OptionalPrincipal,
) -> dict[str, Any]:
    return ledger.track(tracking_number, principal)
