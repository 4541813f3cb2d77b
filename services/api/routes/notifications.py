"""A complaint's notifications: every delivery and its state."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from services.api.deps import DeliveryRecords, Ledger, RequiredPrincipal, ShownToCaller
from services.api.error_docs import errors
from services.api.notification_schemas import NotificationOut
from services.notifications.view import complaint_notifications

router = APIRouter(prefix="/v1/complaints", tags=["notifications"])


@router.get(
    "/{complaint_id}/notifications",
    response_model=list[NotificationOut],
    summary="Every notification of a complaint and its delivery state",
    responses=errors(404),
)
def list_notifications(
    complaint_id: UUID,
    ledger: Ledger,
    deliveries: DeliveryRecords,
    principal: RequiredPrincipal,
    shown: ShownToCaller,
) -> list[dict[str, Any]]:
    return complaint_notifications(ledger, deliveries, complaint_id, principal, shown)
