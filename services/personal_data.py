"""Complainants' personal data (UU 27/2022): sealed with a key of its own when a complaint is
filed, opened only to be shown to those the rules allow, and erased by destroying the key.

Complaints filed before sealing carry the data in clear; they open as they are and cannot
be erased this way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from domain.values import Complainant, SealedComplainant
from infra.personal_keys import PersonalKey, PersonalKeys
from infra.random_bytes import random_bytes
from infra.sealing import new_key, seal, unseal


@dataclass(frozen=True)
class ErasedComplainant:
    """What is left of sealed personal data once its key was destroyed."""

    ref: str


Opened = Complainant | ErasedComplainant | None


class PersonalData:
    def __init__(self, keys: PersonalKeys) -> None:
        self.keys = keys

    def seal(
        self, complainant: Complainant, complaint_id: UUID, at: datetime
    ) -> tuple[SealedComplainant, PersonalKey]:
        ref = random_bytes(16).hex()
        key = new_key()
        ciphertext = seal(key, ref, orjson.dumps(complainant))  # a dataclass: its fields
        return SealedComplainant(ref, ciphertext), PersonalKey(ref, str(complaint_id), key, at)

    def open(self, value: Complainant | SealedComplainant | None) -> Opened:
        if not isinstance(value, SealedComplainant):
            return value
        record = self.keys.find(value.ref)
        if record is None or record.key is None:
            return ErasedComplainant(value.ref)
        fields: dict[str, Any] = orjson.loads(unseal(record.key, value.ref, value.ciphertext))
        return Complainant(**fields)
