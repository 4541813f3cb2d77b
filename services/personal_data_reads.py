"""Staff shown a complainant's personal data: each time, a ``PersonalDataRead`` event says
who, in which role, when, which complaint, where it was shown, which fields and why.

Only what a response really shows counts: an anonymous complaint read by an officer, or a
filing without a complainant, shows nothing and records nothing. Complainants reading
their own complaint are not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from domain.complaint import Complaint
from domain.personal_data import PERSONAL_FIELDS, PersonalDataRead
from domain.values import Complainant
from services.access import may_see_identity
from services.commands import COMMANDS, Command
from services.personal_data import Opened
from services.principals import Principal, Staff

# What a read is taken to be for when the staff member states no purpose.
DEFAULT_PURPOSES = {
    "complaint": "read the complaint",
    "history": "read the complaint's history",
    "notifications": "read the complaint's notifications",
}
ACTION_OF_COMMAND = {command_class: str(action) for action, command_class in COMMANDS.items()}


@dataclass(frozen=True)
class Shown:
    """A response is shown to the person who asked, with the purpose they stated (the
    ``X-Purpose`` header), if any."""

    purpose: str | None = None

    def purpose_for(self, view: str) -> str:
        default = DEFAULT_PURPOSES.get(view, f"act on the complaint ({view})")
        return self.purpose.strip() if self.purpose and self.purpose.strip() else default


NO_PURPOSE_STATED = Shown()


def complainant_fields(
    complainant: Opened, complaint: Complaint, principal: Principal
) -> list[str]:
    """The fields of the complainant's (opened) personal data that a view of ``complaint``
    shows ``principal``: none when erased, absent or hidden from them."""
    if not isinstance(complainant, Complainant) or not may_see_identity(principal, complaint):
        return []
    return [name for name in PERSONAL_FIELDS if getattr(complainant, name)]


def action_view(command: Command) -> str:
    """The view an action's response is: the action's name (``verify``, ``forward``...)."""
    return ACTION_OF_COMMAND[type(command)]


def read_record(
    complaint: Complaint,
    principal: Principal,
    view: str,
    shown: Shown,
    at: datetime,
    fields: list[str],
) -> PersonalDataRead | None:
    """The record of a staff member shown ``fields``; None when no staff member is shown
    any personal data."""
    if not isinstance(principal, Staff) or not fields:
        return None
    return PersonalDataRead.record(
        id=uuid4(),
        complaint_id=complaint.id,
        unit_id=complaint.unit_id,
        actor=principal.actor(),
        at=at,
        view=view,
        fields=fields,
        purpose=shown.purpose_for(view),
    )
