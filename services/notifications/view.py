"""What ``GET /v1/complaints/{id}/notifications`` shows: every delivery of the complaint's
events and its state, to those who may read the complaint, with addresses masked for those
who may not see them (the complainant's, for officers of an anonymous complaint; staff
addresses and webhooks, for the complainant). A staff member shown the complainant's
address or number in full is recorded, as for every read of personal data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.access import ensure_in_scope, may_see_identity
from services.ledger import ComplaintLedger
from services.notifications.deliveries import Deliveries
from services.notifications.masking import mask
from services.notifications.rules import Audience, Channel
from services.personal_data import ErasedComplainant, Opened
from services.personal_data_reads import NO_PURPOSE_STATED, Shown
from services.principals import Principal, Staff
from services.views import ERASED

CONTACT_FIELDS = {Channel.EMAIL: "email", Channel.SMS: "phone"}


def complaint_notifications(
    ledger: ComplaintLedger,
    deliveries: Deliveries,
    complaint_id: UUID,
    principal: Principal,
    shown: Shown = NO_PURPOSE_STATED,
) -> list[dict[str, Any]]:
    complaint = ledger.load_complaint(complaint_id)
    ensure_in_scope(principal, complaint)
    staff = isinstance(principal, Staff)
    identity = may_see_identity(principal, complaint)
    contact = ledger.personal_data.open(complaint.complainant)
    rows = [
        {
            **row,
            "recipient": _recipient(row, contact, staff, identity),
            "last_error": row["last_error"] if staff else None,
        }
        for row in deliveries.of_complaint(str(complaint_id))
    ]
    if identity:  # otherwise the complainant's addresses are masked: nothing personal shows
        ledger.record_read(complaint, principal, "notifications", shown, _contacts_shown(rows))
    return rows


def _contacts_shown(rows: list[dict[str, Any]]) -> list[str]:
    """The complainant's contact fields some row shows (a contact left out of the filing
    shows as no recipient)."""
    shown = {
        CONTACT_FIELDS[Channel(row["channel"])]
        for row in rows
        if row["audience"] == Audience.COMPLAINANT and row["recipient"] not in (None, ERASED)
    }
    return sorted(shown)


def _recipient(row: dict[str, Any], contact: Opened, staff: bool, identity: bool) -> str | None:
    if row["audience"] == Audience.COMPLAINANT:
        if isinstance(contact, ErasedComplainant):
            return ERASED
        address = None
        if contact is not None:
            address = contact.email if row["channel"] == Channel.EMAIL else contact.phone
        if address is None or identity:
            return address
        return mask(address)
    if row["audience"] == Audience.WEBHOOK:
        return str(row["recipient"]) if staff else "webhook"
    return str(row["recipient"]) if staff else mask(str(row["recipient"]))
