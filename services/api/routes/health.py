"""Health check for load balancers and operators (public, no data)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from services.api.deps import Ledger, Projections
from services.health import Outcome, check_health

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: Outcome
    checks: dict[str, Outcome]


@router.head(
    "/health",
    summary="Whether both stores answer: the status alone (public)",
    responses={503: {"description": "A store does not answer"}},
)
@router.get(
    "/health",
    response_model=HealthOut,
    summary="Whether the event store and the views answer (public)",
    responses={503: {"model": HealthOut, "description": "A store does not answer"}},
)
def health(ledger: Ledger, projections: Projections, response: Response) -> HealthOut:
    """200 when the event store and the view store both answer; 503 naming the one that
    does not. Each check is one small query, asked once; both are asked at once, so a
    store that is down is named within a few seconds. `HEAD` gives the status alone."""
    found = check_health(ledger, projections.store)
    if not found.ok:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return HealthOut(status="ok" if found.ok else "unavailable", checks=found.checks)
