"""Tracking numbers: short public references that cannot be guessed."""

from __future__ import annotations

import hashlib
from uuid import NAMESPACE_URL, UUID

from eventsourcing.domain import Aggregate, event

from domain.creation import created

# Crockford's base32 alphabet: no I, L, O or U, so numbers read aloud or typed survive.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_PREFIX = "ADU-"
TRACKING_LENGTH = 10  # 50 random bits


def format_tracking_number(random_bits: int) -> str:
    chars = []
    for _ in range(TRACKING_LENGTH):
        random_bits, index = divmod(random_bits, len(TRACKING_ALPHABET))
        chars.append(TRACKING_ALPHABET[index])
    return TRACKING_PREFIX + "".join(chars)


def normalise_tracking_number(text: str) -> str:
    cleaned = text.strip().upper()
    return cleaned if cleaned.startswith(TRACKING_PREFIX) else TRACKING_PREFIX + cleaned


# uuid5(NAMESPACE_URL, "aduan:tracking:" + number), with the hashed prefix built once.
_TRACKING_NAME_PREFIX = NAMESPACE_URL.bytes + b"aduan:tracking:"


def tracking_aggregate_id(tracking_number: str) -> UUID:
    digest = hashlib.sha1(_TRACKING_NAME_PREFIX + tracking_number.encode(), usedforsecurity=False)
    return UUID(bytes=digest.digest()[:16], version=5)


class TrackingIndex(Aggregate):
    """Points a tracking number at its complaint; saving it twice fails, so numbers are unique."""

    @event("Assigned")
    def __init__(self, *, id: UUID, tracking_number: str, complaint_id: UUID) -> None:
        self.tracking_number = tracking_number
        self.complaint_id = complaint_id

    @classmethod
    def assign(cls, tracking_number: str, complaint_id: UUID) -> TrackingIndex:
        return created(
            cls,
            cls.Assigned,  # type: ignore[attr-defined]
            id=tracking_aggregate_id(tracking_number),
            tracking_number=tracking_number,
            complaint_id=complaint_id,
        )
