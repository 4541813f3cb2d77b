"""The composition root: builds the concrete objects from settings, for the API and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from infra.event_store import persistence_env
from infra.holidays_id import indonesian_calendar
from infra.secret_key import resolve_secret_key
from infra.settings import Settings
from services.auth import TokenIssuer
from services.ledger import Clock, ComplaintLedger


def system_clock() -> datetime:
    return datetime.now(UTC)


def build_ledger(settings: Settings, clock: Clock = system_clock) -> ComplaintLedger:
    return ComplaintLedger(
        persistence_env(settings), indonesian_calendar(settings.extra_holidays), clock
    )


def build_token_issuer(settings: Settings) -> TokenIssuer:
    return TokenIssuer(resolve_secret_key(settings), timedelta(minutes=settings.token_ttl_minutes))
