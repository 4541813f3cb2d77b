"""A staff member was shown a complainant's personal data: who, in which role, when, which
complaint, where it was shown, which fields and why. One small aggregate per read, so the
record is as immutable as the rest of the log; it names fields, never their values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.values import STAFF_ROLES, Actor

PERSONAL_FIELDS = ("name", "nik", "phone", "email", "address")
MAX_PURPOSE_LENGTH = 200


class PersonalDataRead(Aggregate):
    @event("Recorded")
    def __init__(
        self,
        *,
        id: UUID,
        complaint_id: UUID,
        unit_id: str,
        actor: Actor,
        at: datetime,
        view: str,
        fields: list[str],
        purpose: str,
    ) -> None:
        self.complaint_id = complaint_id
        self.unit_id = unit_id
        self.fields = fields
        self.purpose = purpose

    @classmethod
    def record(
        cls,
        *,
        id: UUID,
        complaint_id: UUID,
        unit_id: str,
        actor: Actor,
        at: datetime,
        view: str,
        fields: Sequence[str],
        purpose: str,
    ) -> PersonalDataRead:
        if actor.role not in STAFF_ROLES:
            raise RuleViolationError("Only staff reads are recorded.", field="actor")
        unknown = sorted(set(fields) - set(PERSONAL_FIELDS))
        if unknown or not fields:
            raise RuleViolationError(
                f"Name the personal-data fields shown, of: {', '.join(PERSONAL_FIELDS)}.",
                field="fields",
            )
        if not purpose.strip() or len(purpose) > MAX_PURPOSE_LENGTH:
            raise RuleViolationError(
                f"A purpose is 1 to {MAX_PURPOSE_LENGTH} characters.", field="purpose"
            )
        shown = [name for name in PERSONAL_FIELDS if name in fields]  # one fixed order
        return cls(
            id=id,
            complaint_id=complaint_id,
            unit_id=unit_id,
            actor=actor,
            at=at,
            view=view,
            fields=shown,
            purpose=purpose.strip(),
        )
