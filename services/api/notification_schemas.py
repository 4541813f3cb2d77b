"""Bodies of the notification routes: webhooks in and out, deliveries out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import SplitResult, urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

EVENT_TYPE_PATTERN = r"^(\*|aduan\.\*|aduan\.[a-z_]+\.(\*|[A-Z][A-Za-z]+))$"


def http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if any(character.isspace() or not character.isprintable() for character in value):
        raise ValueError("must not contain spaces or control characters (percent-encode them)")
    if not _port_is_valid(parts):
        raise ValueError("must have a port from 1 to 65535, or none")
    return value


def _port_is_valid(parts: SplitResult) -> bool:
    try:
        port = parts.port
    except ValueError:  # not a number, or over 65535
        return False
    return port is None or port > 0


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, Field(max_length=2000), AfterValidator(http_url)]
    event_types: Annotated[
        list[Annotated[str, Field(pattern=EVENT_TYPE_PATTERN)]],
        Field(
            min_length=1,
            max_length=50,
            description="CloudEvent types (aduan.complaint.Resolved), or a prefix ending in "
            "* (aduan.complaint.*), or * for every event.",
        ),
    ]
    unit_id: Annotated[
        str | None,
        Field(min_length=1, max_length=63, description="Only events of this unit's complaints."),
    ] = None
    secret: Annotated[
        str, Field(min_length=16, max_length=200, description="Signs every call (HMAC-SHA256).")
    ]


class WebhookOut(BaseModel):
    id: str
    url: str
    event_types: list[str]
    unit_id: str | None
    created_at: str
    created_by: str


class NotificationOut(BaseModel):
    event_id: str
    event_type: str
    audience: str = Field(description="complainant, officer, supervisor or webhook.")
    channel: str = Field(description="email, sms or webhook.")
    recipient: str | None = Field(
        description="Where it went; masked for callers who may not see the address."
    )
    template: str
    language: str
    state: str = Field(
        description="pending, sending (a try began and its outcome is unknown: never "
        "retried), sent, failed (retried), dead_lettered."
    )
    attempts: int
    last_error: str | None = Field(description="Shown to staff only.")
    created_at: str
    updated_at: str
    sent_at: str | None
