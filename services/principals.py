"""Who is asking: a staff member with a signed token, a complainant with an access token,
or the public."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from domain.values import Actor, Role
from infra.random_bytes import random_token

ACCESS_TOKEN_PREFIX = "aduan_"


@dataclass(frozen=True)
class Staff:
    subject: str
    role: Role
    unit_ids: frozenset[str] = field(default_factory=frozenset)

    def actor(self) -> Actor:
        return Actor(id=self.subject, role=self.role)


@dataclass(frozen=True)
class ComplainantKey:
    """An access token as presented; it proves nothing until checked against a complaint."""

    token: str

    def opens(self, access_token_hash: str) -> bool:
        return hmac.compare_digest(hash_access_token(self.token), access_token_hash)


COMPLAINANT_ACTOR = Actor(id="complainant", role=Role.COMPLAINANT)
PUBLIC_ACTOR = Actor(id="public", role=Role.COMPLAINANT)

Principal = Staff | ComplainantKey | None


def new_access_token() -> str:
    return ACCESS_TOKEN_PREFIX + random_token(24)


def hash_access_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
