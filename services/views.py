"""Plain data shown to callers, with personal data left out where the rules say so."""

from __future__ import annotations

import dataclasses
from typing import Any

from eventsourcing.domain import DomainEventProtocol

from domain.complaint import Complaint
from domain.lifecycle import allowed_actions
from domain.unit import ServiceUnit
from services.access import may_see_identity
from services.principals import Principal

HIDDEN = "hidden"
_EVENT_ENVELOPE = {
    "originator_id", "originator_version", "originator_topic", "timestamp", "at", "actor",
}  # fmt: skip
_NEVER_SHOWN = {"access_token_hash"}
_SCALARS = frozenset((str, int, float, bool, type(None)))


def plain(value: Any) -> Any:
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(item) for item in value]
    return value


def complaint_view(complaint: Complaint, principal: Principal) -> dict[str, Any]:
    show_identity = may_see_identity(principal, complaint)
    return {
        "id": complaint.id,
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "version": complaint.version,
        "unit_id": complaint.unit_id,
        "title": complaint.title,
        "description": complaint.description,
        "channel": complaint.channel,
        "kind": complaint.kind,
        "category": complaint.category,
        "maladministration": complaint.maladministration,
        "incident_date": complaint.incident_date,
        "location": plain(complaint.location),
        "anonymous": complaint.anonymous,
        "confidential": complaint.confidential,
        "complainant": plain(complaint.complainant) if show_identity else None,
        "complainant_hidden": complaint.complainant is not None and not show_identity,
        "filed_at": complaint.filed_at,
        "deadlines": plain(complaint.active_deadlines()),
        "allowed_actions": allowed_actions(complaint.status),
        "reopen_count": complaint.reopen_count,
    }


def event_view(domain_event: DomainEventProtocol[Any], show_identity: bool) -> dict[str, Any]:
    state = vars(domain_event)
    data = {
        key: plain(value)
        for key, value in state.items()
        if key not in _EVENT_ENVELOPE and key not in _NEVER_SHOWN
    }
    if "complainant" in data and not show_identity:
        data["complainant"] = HIDDEN if data["complainant"] is not None else None
    return {
        "version": domain_event.originator_version,
        "type": type(domain_event).__name__,
        "at": state["at"],
        "actor": plain(state["actor"]),
        "data": data,
    }


def unit_view(unit: ServiceUnit) -> dict[str, Any]:
    return {
        "unit_id": unit.unit_id,
        "name": unit.name,
        "parent_id": unit.parent_id,
        "sla": plain(unit.policy),
    }
