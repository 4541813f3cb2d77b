"""Staff bearer tokens: HS256 JWTs carrying a role and, for unit-scoped roles, unit ids."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import jwt

from domain.errors import DomainError
from domain.values import STAFF_ROLES, UNIT_SCOPED_ROLES, Role
from services.principals import Staff

ALGORITHM = "HS256"
ISSUER = "aduan-ledger"


class InvalidTokenError(DomainError):
    code = "invalid_token"


class TokenIssuer:
    def __init__(self, secret_key: str, ttl: timedelta) -> None:
        self._secret_key = secret_key
        self._ttl = ttl

    def issue(self, role: Role, subject: str, unit_ids: Iterable[str], now: datetime) -> str:
        units = sorted(set(unit_ids))
        if role not in STAFF_ROLES:
            raise InvalidTokenError(f"{role} is not a staff role.", field="role")
        if role in UNIT_SCOPED_ROLES and not units:
            raise InvalidTokenError(f"A {role} token needs at least one unit.", field="unit")
        claims = {
            "iss": ISSUER,
            "sub": subject,
            "role": str(role),
            "units": units,
            "iat": now,
            "exp": now + self._ttl,
        }
        return jwt.encode(claims, self._secret_key, algorithm=ALGORITHM)

    def verify(self, token: str) -> Staff:
        try:
            claims = jwt.decode(
                token,
                self._secret_key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
            role = Role(str(claims.get("role")))
        except jwt.ExpiredSignatureError:
            raise InvalidTokenError("The token has expired; get a new one.") from None
        except (jwt.InvalidTokenError, ValueError) as error:
            raise InvalidTokenError(f"The token is not valid: {error}.") from None
        if role not in STAFF_ROLES:
            raise InvalidTokenError("The token does not carry a staff role.")
        units = claims.get("units") or []
        if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
            raise InvalidTokenError("The token's units must be a list of unit ids.")
        return Staff(subject=str(claims["sub"]), role=role, unit_ids=frozenset(units))
