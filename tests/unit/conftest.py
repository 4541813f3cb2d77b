"""Shared fixtures for the domain unit tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.calendar import WorkingCalendar
from domain.complaint import Complaint
from domain.sla import SlaPolicy
from domain.values import Actor, Channel, Kind, Role

FileComplaint = Callable[..., Complaint]

FILING_DETAILS: dict[str, Any] = {
    "tracking_number": "ADU-TEST000001",
    "unit_id": "disdukcapil",
    "title": "KTP-el belum jadi",
    "description": "Sudah tiga bulan menunggu KTP-el di Disdukcapil.",
    "channel": Channel.WEB,
    "kind": Kind.PENGADUAN,
    "category": None,
    "incident_date": None,
    "location": None,
    "anonymous": False,
    "confidential": False,
    "complainant": None,
    "access_token_hash": "x",
    "actor": Actor("public", Role.COMPLAINANT),
}


def _file_complaint(
    *,
    at: datetime,
    calendar: WorkingCalendar | None = None,
    policy: SlaPolicy | None = None,
    **details: Any,
) -> Complaint:
    return Complaint.file(
        id=uuid4(),
        policy=policy or SlaPolicy(),
        calendar=calendar or WorkingCalendar(),
        at=at,
        **{**FILING_DETAILS, **details},
    )


@pytest.fixture
def file_complaint() -> FileComplaint:
    """Files a complaint at ``at``; keyword arguments override the filing details."""
    return _file_complaint
