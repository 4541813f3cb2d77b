"""Plain data shown to callers, with personal data left out where the rules say so."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from eventsourcing.domain import DomainEventProtocol

from domain.complaint import Complaint
from domain.lifecycle import allowed_actions
from domain.unit import ServiceUnit
from domain.values import Complainant, SealedComplainant
from services.access import may_see_identity
from services.personal_data import ErasedComplainant, Opened
from services.principals import Principal

HIDDEN = "hidden"
ERASED = "erased"
_EVENT_ENVELOPE = {
    "originator_id", "originator_version", "originator_topic", "timestamp", "at", "actor",
}  # fmt: skip
_NEVER_SHOWN = {"access_token_hash"}
_SCALARS = frozenset((str, int, float, bool, type(None)))


def plain(value: Any) -> Any:
    kind: type = type(value)
    if kind in _SCALARS:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(item) for item in value]
    return value


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The field names of a dataclass, read once per class; None for any other type."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(field.name for field in dataclasses.fields(kind))


def complaint_view(
    complaint: Complaint, principal: Principal, complainant: Opened
) -> dict[str, Any]:
    """``complainant`` is the complaint's personal data as opened for showing (or erased)."""
    show_identity = may_see_identity(principal, complaint)
    identity = complainant if show_identity and isinstance(complainant, Complainant) else None
    sealed = complaint.complainant if isinstance(complaint.complainant, SealedComplainant) else None
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
        "filed_after_limit": complaint.filed_after_limit(),
        "location": plain(complaint.location),
        "anonymous": complaint.anonymous,
        "confidential": complaint.confidential,
        "complainant": plain(identity),
        "complainant_hidden": complaint.complainant is not None and not show_identity,
        "complainant_erased": isinstance(complainant, ErasedComplainant),
        "complainant_ref": sealed.ref if sealed is not None and show_identity else None,
        "filed_at": complaint.filed_at,
        "deadlines": plain(complaint.active_deadlines()),
        "allowed_actions": allowed_actions(complaint.status),
        "reopen_count": complaint.reopen_count,
    }


def event_view(
    domain_event: DomainEventProtocol[Any], show_identity: bool, complainant: Opened
) -> dict[str, Any]:
    """``complainant``: the complaint's personal data as opened, for the Filed event."""
    state = vars(domain_event)
    data = {
        key: plain(value)
        for key, value in state.items()
        if key not in _EVENT_ENVELOPE and key not in _NEVER_SHOWN and key != "complainant"
    }
    if "complainant" in state:
        data["complainant"] = _complainant_data(state["complainant"], show_identity, complainant)
    return {
        "version": domain_event.originator_version,
        "type": type(domain_event).__name__,
        "at": state["at"],
        "actor": plain(state["actor"]),
        "data": data,
    }


def _complainant_data(filed: Any, show_identity: bool, complainant: Opened) -> Any:
    if filed is None:
        return None
    if not show_identity:
        return HIDDEN
    if isinstance(complainant, ErasedComplainant):
        return ERASED
    return plain(complainant)


def unit_view(unit: ServiceUnit) -> dict[str, Any]:
    return {
        "unit_id": unit.unit_id,
        "name": unit.name,
        "parent_id": unit.parent_id,
        "sla": plain(unit.policy),
    }
