"""Webhooks: an admin registers where events are POSTed, signed with a shared secret."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from services.api.deps import Admin, WebhookRegistry
from services.api.error_docs import errors
from services.api.notification_schemas import WebhookIn, WebhookOut

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

WebhookId = Annotated[str, Path(min_length=1, max_length=40)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookOut,
    summary="Register a webhook (admin); the secret is never shown again",
    responses=errors(403),
)
def register_webhook(webhook: WebhookIn, webhooks: WebhookRegistry, admin: Admin) -> dict[str, Any]:
    return webhooks.register(
        webhook.url, webhook.event_types, webhook.unit_id, webhook.secret, admin.subject
    )


@router.get(
    "",
    response_model=list[WebhookOut],
    summary="List webhooks, without secrets (admin)",
    responses=errors(403),
)
def list_webhooks(webhooks: WebhookRegistry, _admin: Admin) -> list[dict[str, Any]]:
    return webhooks.listing()


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a webhook (admin)",
    responses=errors(403, 404),
)
def delete_webhook(webhook_id: WebhookId, webhooks: WebhookRegistry, _admin: Admin) -> None:
    webhooks.delete(webhook_id)
