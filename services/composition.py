"""The composition root: builds the concrete objects from settings, for the API and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from functools import partial

from domain.errors import NotFoundError
from domain.skm import ELEMENT_SETS, ElementSet
from infra.event_store import POSTGRES_POOL_WAIT_SECONDS, persistence_env, sqlite_path
from infra.holidays_id import indonesian_calendar
from infra.kafka_consumer import group_consumer
from infra.kafka_publisher import KafkaPublisher
from infra.notify_channels import SmsGateway, SmtpConfig, SmtpMailer, WebhookPoster
from infra.relay_positions import RelayPositions
from infra.secret_key import resolve_secret_key
from infra.settings import Settings
from infra.transparency.event_rows import EventRows
from infra.transparency.signing_key import resolve_existing_signer, resolve_signer
from infra.transparency.tree_store import TreeStore
from projections.log_reading import part_reader
from projections.rebuild_parts import PartSource
from projections.sqlite_store import SQLiteViewStore
from projections.store import PostgresViewStore, ViewStore
from services.auth import TokenIssuer
from services.ledger import Clock, ComplaintLedger
from services.ledger_proofs import LedgerProofs
from services.ledger_tree import CheckpointPolicy, TreeFollower
from services.ledger_verify import LedgerVerifier
from services.notifications.batch import Policy
from services.notifications.channels import Channels
from services.notifications.deliveries import Deliveries
from services.notifications.dispatcher import Dispatcher
from services.notifications.facts import LedgerFacts
from services.notifications.kafka_notifier import KafkaNotifier
from services.notifications.log_follower import LogFollower
from services.notifications.sending import Sender
from services.notifications.webhooks import Webhooks
from services.projection_host import ProjectionHost, all_projections, open_view_store
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
    return ProjectionHost(ledger, store, partial(rebuild_part_source, settings))


def rebuild_part_source(settings: Settings, name: str) -> PartSource:
    """What a helper process of a rebuild of the view ``name`` works with, built there."""
    ledger = build_ledger(settings)
    store = open_view_store(sqlite_path(settings.database_url), settings.database_url)
    projection = {each.name: each for each in all_projections(ledger.calendar)}[name]
    return PartSource(projection, store, part_reader(ledger.recorder), ledger.mapper)


def projections_run_in_process(settings: Settings) -> bool:
    if settings.projections_in_process is not None:
        return settings.projections_in_process
    return sqlite_path(settings.database_url) is not None


def skm_element_set(settings: Settings, unit_id: str) -> ElementSet:
    """The configured element set, weighted for ``unit_id`` by its own weights, else those
    under "*", else equally."""
    element_set = ELEMENT_SETS[settings.skm_element_set]
    weights = settings.skm_weights.get(unit_id, settings.skm_weights.get("*"))
    if weights is None:
        return element_set
    return element_set.reweighted([Fraction(weight) for weight in weights])


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


def open_notification_store(settings: Settings) -> ViewStore:
    """The notifier's tables: in PostgreSQL's database; on SQLite in a file of their own
    beside the event store (``aduan.notifications.db``): not views, they cannot be rebuilt."""
    path = sqlite_path(settings.database_url)
    if path is not None:
        return SQLiteViewStore(path.with_name(f"{path.stem}.notifications{path.suffix}"))
    return PostgresViewStore(settings.database_url, POSTGRES_POOL_WAIT_SECONDS, pool_size=2)


def notify_in_process(settings: Settings) -> bool:
    if settings.notify_in_process is not None:
        return settings.notify_in_process
    return not settings.kafka_bootstrap and sqlite_path(settings.database_url) is not None


def build_webhooks(store: ViewStore, ledger: ComplaintLedger) -> Webhooks:
    def unit_exists(unit_id: str) -> bool:
        try:
            ledger.get_unit(unit_id)
        except NotFoundError:
            return False
        return True

    return Webhooks(store, unit_exists)


def build_dispatcher(
    settings: Settings, ledger: ComplaintLedger, store: ViewStore, webhooks: Webhooks | None = None
) -> Dispatcher:
    """``webhooks``: the API's, when the notifier runs in the server, so that it sees a
    webhook from the moment it is registered or deleted."""
    timeout = settings.notify_timeout_seconds
    mailer = None
    if settings.smtp_host:
        mailer = SmtpMailer(SmtpConfig(
            settings.smtp_host, settings.smtp_port, settings.smtp_from, settings.smtp_username,
            settings.smtp_password, settings.smtp_starttls, timeout,
        ))  # fmt: skip
    sms = None
    if settings.sms_gateway_url:
        sms = SmsGateway(settings.sms_gateway_url, settings.sms_gateway_token, timeout)
    policy = Policy(settings.unit_contacts, settings.notify_language, settings.notify_attempts,
                    settings.notify_backoff_seconds)  # fmt: skip
    sender = Sender(Channels(mailer, sms, WebhookPoster(timeout)), settings.notify_concurrency)
    webhooks = webhooks or Webhooks(store)
    return Dispatcher(sender, Deliveries(store), webhooks, LedgerFacts(ledger), policy)


def build_log_follower(
    settings: Settings, ledger: ComplaintLedger, store: ViewStore, webhooks: Webhooks | None = None
) -> LogFollower:
    dispatcher = build_dispatcher(settings, ledger, store, webhooks)
    return LogFollower(ledger, dispatcher, store, settings.event_source)


def build_kafka_notifier(
    settings: Settings, ledger: ComplaintLedger, store: ViewStore, bootstrap: str
) -> KafkaNotifier:
    timeout = settings.kafka_timeout_seconds
    dead_letters = KafkaPublisher(bootstrap, settings.kafka_dead_letter_topic, timeout,
                                  client_id=f"{settings.notify_group}-dlq")  # fmt: skip
    group, topic = settings.notify_group, settings.kafka_topic
    return KafkaNotifier(
        build_dispatcher(settings, ledger, store),
        lambda: group_consumer(bootstrap, topic, group, timeout),
        dead_letters,
        group,
    )


def build_tree_follower(
    settings: Settings, ledger: ComplaintLedger, clock: Clock = system_clock
) -> TreeFollower:
    policy = CheckpointPolicy(settings.ledger_checkpoint_events, settings.ledger_checkpoint_seconds)
    store = TreeStore(ledger.recorder)
    return TreeFollower(EventRows(ledger.recorder), store, resolve_signer(settings), policy, clock)


def build_ledger_proofs(settings: Settings, ledger: ComplaintLedger) -> LedgerProofs:
    verifier = resolve_signer(settings).verifier
    return LedgerProofs(EventRows(ledger.recorder), TreeStore(ledger.recorder), verifier)


def build_verifier(settings: Settings, ledger: ComplaintLedger) -> LedgerVerifier:
    verifier = resolve_existing_signer(settings).verifier
    return LedgerVerifier(EventRows(ledger.recorder), TreeStore(ledger.recorder), verifier)


def ledger_runs_in_process(settings: Settings) -> bool:
    if settings.ledger_in_process is not None:
        return settings.ledger_in_process
    return sqlite_path(settings.database_url) is not None
