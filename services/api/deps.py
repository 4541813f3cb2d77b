"""Request dependencies: the ledger, and who is asking."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.errors import ForbiddenError
from domain.values import Role
from infra.settings import Settings
from services.api.errors import AuthenticationRequiredError
from services.auth import TokenIssuer
from services.ledger import ComplaintLedger
from services.ledger_proofs import LedgerProofs
from services.notifications.deliveries import Deliveries
from services.notifications.webhooks import Webhooks
from services.personal_data_reads import Shown
from services.principals import ComplainantKey, Principal, Staff
from services.projection_host import ProjectionHost

bearer = HTTPBearer(auto_error=False, description="A staff token from `aduan token`.")


async def get_ledger(request: Request) -> ComplaintLedger:
    ledger: ComplaintLedger = request.app.state.ledger
    return ledger


async def verified_bearer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Staff | None:
    """The staff member a bearer token names; a token that does not verify is 401 on every
    route, public ones too (a bad token is never taken for none). The app depends on it for
    every route, and FastAPI solves it once a request."""
    if credentials is None:
        return None
    issuer: TokenIssuer = request.app.state.token_issuer
    return issuer.verify(credentials.credentials)


async def get_principal(
    staff: Annotated[Staff | None, Depends(verified_bearer)],
    access_token: Annotated[
        str | None,
        Header(
            alias="X-Access-Token",
            max_length=200,
            description="The complainant's access token, given once at filing.",
        ),
    ] = None,
) -> Principal:
    return _principal(staff, access_token)


def _principal(staff: Staff | None, access_token: str | None) -> Principal:
    """A staff token wins over a complainant's access token; with neither, nobody."""
    if staff is not None:
        return staff
    if access_token is not None:
        return ComplainantKey(access_token)
    return None


def optional_principal_of(request: Request) -> Principal:
    """``OptionalPrincipal`` without FastAPI's dependency machinery, for hot routes (whose
    OpenAPI entry then declares ``OPTIONAL_BEARER``)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    issuer: TokenIssuer = request.app.state.token_issuer
    staff = issuer.verify(token) if scheme.lower() == "bearer" and token else None
    return _principal(staff, request.headers.get("x-access-token"))


OPTIONAL_BEARER: list[dict[str, list[str]]] = [{"HTTPBearer": []}, {}]


async def require_principal(
    principal: Annotated[Principal, Depends(get_principal)],
) -> Principal:
    if principal is None:
        raise AuthenticationRequiredError(
            "Send a staff bearer token, or the complaint's X-Access-Token."
        )
    return principal


async def require_staff(principal: Annotated[Principal, Depends(require_principal)]) -> Staff:
    if not isinstance(principal, Staff):
        raise ForbiddenError("Only staff may do this; send a staff bearer token.")
    return principal


async def require_admin(principal: Annotated[Principal, Depends(require_principal)]) -> Staff:
    if not isinstance(principal, Staff) or principal.role is not Role.ADMIN:
        raise ForbiddenError("Only an admin may do this.")
    return principal


async def shown_to_caller(
    purpose: Annotated[
        str | None,
        Header(
            alias="X-Purpose",
            min_length=3,
            max_length=200,
            description="Staff: why you need the complainant's personal data this response "
            "may show. It is recorded with the read (who, role, when, which complaint); "
            "without it the route's own purpose is recorded.",
        ),
    ] = None,
) -> Shown:
    return Shown(purpose)


async def require_auditor(
    principal: Annotated[Principal, Depends(require_principal)],
) -> Staff:
    if not isinstance(principal, Staff) or principal.role not in (Role.AUDITOR, Role.ADMIN):
        raise ForbiddenError("Only an auditor or an admin may read the audit trail.")
    return principal


Ledger = Annotated[ComplaintLedger, Depends(get_ledger)]
OptionalPrincipal = Annotated[Principal, Depends(get_principal)]
RequiredPrincipal = Annotated[Principal, Depends(require_principal)]
Admin = Annotated[Staff, Depends(require_admin)]
Auditor = Annotated[Staff, Depends(require_auditor)]
StaffMember = Annotated[Staff, Depends(require_staff)]
ShownToCaller = Annotated[Shown, Depends(shown_to_caller)]


async def get_projections(request: Request) -> ProjectionHost:
    host: ProjectionHost = request.app.state.projections
    return host


Projections = Annotated[ProjectionHost, Depends(get_projections)]


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings)]


async def get_webhooks(request: Request) -> Webhooks:
    webhooks: Webhooks = request.app.state.webhooks
    return webhooks


async def get_deliveries(request: Request) -> Deliveries:
    deliveries: Deliveries = request.app.state.deliveries
    return deliveries


WebhookRegistry = Annotated[Webhooks, Depends(get_webhooks)]
DeliveryRecords = Annotated[Deliveries, Depends(get_deliveries)]


async def get_ledger_proofs(request: Request) -> LedgerProofs:
    proofs: LedgerProofs = request.app.state.ledger_proofs
    return proofs


LedgerProofsDep = Annotated[LedgerProofs, Depends(get_ledger_proofs)]
