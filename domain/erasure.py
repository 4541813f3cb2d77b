"""The record that a complainant's personal data was erased: who did it, when and why.

Erasure destroys the key that the data was sealed with (kept outside the ledger); this
event is what the ledger keeps of it. One per sealed complainant: its id comes from the
key's ``ref``, so a second erasure of the same data cannot be recorded.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.values import Actor

MAX_REASON_LENGTH = 500


def erasure_aggregate_id(ref: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"aduan:erasure:{ref}")


class PersonalDataErasure(Aggregate):
    @event("Recorded")
    def __init__(
        self, *, id: UUID, ref: str, complaint_id: UUID, actor: Actor, reason: str, at: datetime
    ) -> None:
        self.ref = ref
        self.complaint_id = complaint_id
        self.actor = actor
        self.reason = reason
        self.at = at

    @classmethod
    def record(
        cls, *, ref: str, complaint_id: UUID, actor: Actor, reason: str, at: datetime
    ) -> PersonalDataErasure:
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON_LENGTH:
            raise RuleViolationError(
                f"Say why the data is erased, in 1 to {MAX_REASON_LENGTH} characters.",
                field="reason",
            )
        return cls(
            id=erasure_aggregate_id(ref),
            ref=ref,
            complaint_id=complaint_id,
            actor=actor,
            reason=reason,
            at=at,
        )
