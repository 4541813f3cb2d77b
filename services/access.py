"""Scope rules: which complaints a principal may see, and whose identity it may see."""

from __future__ import annotations

from domain.complaint import Complaint
from domain.errors import NotFoundError
from domain.values import Role
from services.principals import ComplainantKey, Principal, Staff

ALL_COMPLAINTS_ROLES = frozenset({Role.COORDINATOR, Role.AUDITOR, Role.ADMIN})


def in_scope(principal: Principal, complaint: Complaint) -> bool:
    if isinstance(principal, ComplainantKey):
        return principal.opens(complaint.access_token_hash)
    if isinstance(principal, Staff):
        if principal.role in ALL_COMPLAINTS_ROLES:
            return True
        if principal.role is Role.OFFICER:
            # Officers work what is routed to their units, nothing before routing.
            return complaint.routed and complaint.unit_id in principal.unit_ids
        if principal.role is Role.SUPERVISOR:
            return complaint.unit_id in principal.unit_ids
    return False


def ensure_in_scope(principal: Principal, complaint: Complaint) -> None:
    """Out of scope looks exactly like absent, so existence does not leak."""
    if not in_scope(principal, complaint):
        raise complaint_not_found(complaint.id)


def complaint_not_found(complaint_id: object) -> NotFoundError:
    return NotFoundError(f"No complaint {complaint_id}.", complaint_id=str(complaint_id))


def may_see_identity(principal: Principal, complaint: Complaint) -> bool:
    """Anonymous filings show the complainant only to coordinators (and to themselves)."""
    if isinstance(principal, ComplainantKey):
        return True
    if not isinstance(principal, Staff):
        return False
    if complaint.anonymous:
        return principal.role is Role.COORDINATOR
    return True
