"""Service units: the public list, and registration by an admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, status

from domain.sla import SlaPolicy
from services.api.deps import Admin, Ledger
from services.api.error_docs import errors
from services.api.schemas import UnitIn, UnitOut

router = APIRouter(prefix="/v1/units", tags=["units"])

UnitId = Annotated[str, Path(min_length=1, max_length=63)]


@router.get("", response_model=list[UnitOut], summary="List service units (public)")
def list_units(ledger: Ledger) -> list[dict[str, Any]]:
    return ledger.list_units()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UnitOut,
    summary="Register a service unit (admin)",
    responses=errors(403, 409),
)
def register_unit(unit: UnitIn, ledger: Ledger, admin: Admin) -> dict[str, Any]:
    return ledger.register_unit(
        admin.actor(),
        unit.unit_id,
        unit.name,
        unit.parent_id,
        SlaPolicy(**unit.sla.model_dump()),
    )


@router.get(
    "/{unit_id}",
    response_model=UnitOut,
    summary="Read a service unit (public)",
    responses=errors(404),
)
def get_unit(unit_id: UnitId, ledger: Ledger) -> dict[str, Any]:
    return ledger.get_unit(unit_id)
