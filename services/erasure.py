"""Erasing a complainant's personal data (UU 27/2022): the key it was sealed with is
destroyed, then the erasure is recorded as an event (who, when, why). The events that carry
the sealed data stay exactly as they were written, so the ledger still verifies.

The key goes first: if recording fails afterwards, asking again records it (the key is
already gone); once recorded, the same data cannot be erased twice.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.erasure import PersonalDataErasure, erasure_aggregate_id
from domain.errors import AlreadyExistsError, NotFoundError
from domain.values import Actor
from services.ledger import ComplaintLedger


def erase_personal_data(
    ledger: ComplaintLedger, ref: str, actor: Actor, reason: str
) -> dict[str, Any]:
    record = ledger.personal_data.keys.find(ref)
    if record is None:
        raise NotFoundError(f"No sealed personal data {ref}.", ref=ref)
    if ledger.recorder.select_events(erasure_aggregate_id(ref), limit=1):
        raise AlreadyExistsError(f"The personal data {ref} was already erased.", ref=ref)
    at = ledger.clock()
    erasure = PersonalDataErasure.record(
        ref=ref, complaint_id=UUID(record.complaint_id), actor=actor, reason=reason, at=at
    )
    ledger.personal_data.keys.destroy(ref, at)
    try:
        ledger.save(erasure)
    except IntegrityError as error:  # erased by someone else at the same moment
        raise AlreadyExistsError(f"The personal data {ref} was already erased.") from error
    return {
        "ref": ref,
        "complaint_id": erasure.complaint_id,
        "erased_at": at,
        "erased_by": actor.id,
        "reason": erasure.reason,
    }
