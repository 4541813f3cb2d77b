"""The composition root: builds the concrete objects from settings, for the API and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from infra.event_store import persistence_env, sqlite_path
from infra.holidays_id import indonesian_calendar
from infra.kafka_publisher import KafkaPublisher
from infra.relay_positions import RelayPositions
from infra.secret_key import resolve_secret_key
from infra.settings import Settings
from services.auth import TokenIssuer
from services.ledger import Clock, ComplaintLedger
from services.projection_host import ProjectionHost, open_view_store
from services.relay import Relay


def system_clock() -> datetime:
    return datetime.now(UTC)


def build_ledger(settings: Settings, clock: Clock = system_clock) -> ComplaintLedger:
    return ComplaintLedger(
        persistence_env(settings), indonesian_calendar(settings.extra_holidays), clock
    )


def build_token_issuer(settings: Settings) -> TokenIssuer:
    return TokenIssuer(resolve_secret_key(settings), timedelta(minutes=settings.token_ttl_minutes))


def build_projection_host(settings: Settings, ledger: ComplaintLedger) -> ProjectionHost:
    store = open_view_store(sqlite_path(settings.database_url), settings.database_url)
    return ProjectionHost(ledger, store)


def projections_run_in_process(settings: Settings) -> bool:
    if settings.projections_in_process is not None:
        return settings.projections_in_process
    return sqlite_path(settings.database_url) is not None


def build_relay(settings: Settings, ledger: ComplaintLedger) -> Relay:
    return Relay(
        ledger,
        RelayPositions(ledger.recorder),
        settings.kafka_topic,
        settings.event_source,
        settings.kafka_relay_batch_size,
    )


def connect_publisher(settings: Settings, bootstrap: str) -> KafkaPublisher:
    return KafkaPublisher(
        bootstrap, settings.kafka_topic, settings.kafka_timeout_seconds, client_id="aduan-relay"
    )
