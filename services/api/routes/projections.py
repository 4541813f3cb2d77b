"""How far each read model has followed the event log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from services.api.deps import Projections, StaffMember
from services.api.error_docs import errors

router = APIRouter(prefix="/v1/projections", tags=["projections"])


class ProjectionOut(BaseModel):
    name: str
    position: int
    log_position: int
    lag: int


@router.get(
    "",
    response_model=list[ProjectionOut],
    summary="Projection positions and lag (staff)",
    responses=errors(403),
)
def list_projections(projections: Projections, _staff: StaffMember) -> list[dict[str, Any]]:
    statuses = [runner.status() for runner in projections.runners.values()]
    return [
        {
            "name": status.name,
            "position": status.position,
            "log_position": status.log_position,
            "lag": status.lag,
        }
        for status in statuses
    ]
