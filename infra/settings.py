"""All settings, read once from ``ADUAN_*`` environment variables by the composition root."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from domain.errors import RuleViolationError
from domain.skm import ELEMENT_SETS
from domain.unit import UNIT_ID_PATTERN


class UnitContacts(BaseModel):
    """The e-mail addresses a unit's staff get notifications at (``ADUAN_UNIT_CONTACTS``)."""

    officers: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = []
    supervisors: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = []


ENV_PREFIX = "ADUAN_"
SECRET_KEY_MIN_LENGTH = 32  # an HS256 key no shorter than the hash (RFC 7518, 3.2)
# Settings whose values are not shown: those named ..._key, ..._password, ..._token.
_SECRET_WORDS = {"key", "password", "token"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/aduan.db",
        description="sqlite:///relative/path, sqlite:////absolute/path, "
        "or postgresql://user:password@host:port/dbname",
    )
    secret_key: str | None = Field(
        default=None,
        min_length=SECRET_KEY_MIN_LENGTH,
        description="Signs staff tokens (HS256: at least 32 characters, RFC 7518). Unset: a "
        "key is made once and kept in the key file.",
    )
    secret_key_file: Path | None = Field(
        default=None,
        description="Where the token key is kept. Unset: secret.key beside the SQLite store "
        "(var/secret.key by default); on PostgreSQL, var/secret.key.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    token_ttl_minutes: int = Field(
        default=480, ge=1, le=43200, description="How long a staff token lasts (at most 30 days)."
    )
    max_body_bytes: int = Field(default=65536, ge=1024, le=16 * 1024 * 1024)
    tick_seconds: float = Field(
        default=60.0, gt=0, le=3600, description="How often the server applies time-based moves."
    )
    extra_holidays: Annotated[list[date], NoDecode] = Field(
        default_factory=list,
        description="Extra days off (cuti bersama...), comma-separated ISO dates.",
    )
    postgres_pool_size: int = Field(default=5, ge=1, le=100)
    skm_element_set: str = Field(
        default="permenpanrb-14-2017",
        description="The SKM element set surveys use: permenpanrb-14-2017 (nine elements) "
        "or kep-25-m-pan-2-2004 (fourteen).",
    )
    skm_weights: dict[str, list[Decimal]] = Field(
        default_factory=dict,
        description='SKM element weights per unit, JSON: {"<unit id>": [...], "*": [...]}, '
        '"*" for every unit without its own; one weight above 0 per element of the element '
        "set, summing to 1 (within 0.001; they are scaled to sum to exactly 1). Unset: "
        "equal weights.",
    )
    projections_in_process: bool | None = Field(
        default=None,
        description="Run the projections inside the server. Unset: yes on SQLite; on "
        "PostgreSQL they run as their own process (aduan project).",
    )

    ledger_origin: str = Field(
        default="localhost/aduan-ledger",
        pattern=r"^[^\s+]+$",
        description="The log's name in its checkpoints and the signing key's name: a URL "
        "without scheme, e.g. lapor.example.go.id/aduan. Fixed for the life of the log.",
    )
    ledger_signing_key: str | None = Field(
        default=None,
        description="The checkpoint signing key (PRIVATE+KEY+<origin>+...). Unset: made once "
        "and kept in the key file.",
    )
    ledger_signing_key_file: Path | None = Field(
        default=None,
        description="Where the signing key is kept. Unset: ledger.key beside the SQLite store "
        "(var/ledger.key by default); on PostgreSQL, var/ledger.key.",
    )
    ledger_checkpoint_events: int = Field(
        default=1000, ge=1, description="A checkpoint after this many new events..."
    )
    ledger_checkpoint_seconds: float = Field(
        default=60.0, ge=0, description="...or this long after the last one, if the log grew."
    )
    ledger_in_process: bool | None = Field(
        default=None,
        description="Run the tree follower inside the server. Unset: yes on SQLite; on "
        "PostgreSQL it runs as its own process (aduan ledger follow).",
    )

    kafka_bootstrap: str | None = Field(
        default=None,
        description="Kafka bootstrap servers (host:port,...). Unset: no Kafka; consumers "
        "read the local log in-process.",
    )
    kafka_topic: str = Field(
        default="aduan.complaints.v1", description="The topic every ledger event goes to."
    )
    kafka_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long a Kafka client waits on the broker before it reports a failure.",
    )
    kafka_relay_batch_size: int = Field(
        default=5000,
        ge=1,
        le=100_000,
        description="Events the relay publishes, flushes and records as one step.",
    )
    event_source: str = Field(
        default="urn:aduan:ledger",
        description="The CloudEvents source of this ledger's events (a URI reference).",
    )
    kafka_dead_letter_topic: str = Field(
        default="aduan.notifications.dlq.v1",
        description="Where notifications that failed every retry go, with the error.",
    )
    kafka_partitions: int = Field(default=3, ge=1, le=1000)
    kafka_replication_factor: int = Field(default=1, ge=1, le=10)
    kafka_retention_hours: int = Field(
        default=720,
        ge=-1,
        description="How long the topics keep messages (-1: forever). The ledger stays the "
        "record of truth; this is how far back a consumer can catch up.",
    )

    notify_group: str = Field(default="aduan-notifier", description="aduan notify's group.")
    notify_language: Literal["id", "en"] = "id"
    notify_in_process: bool | None = Field(
        default=None,
        description="Run the notifier inside the server, following the log. Unset: yes on "
        "SQLite without ADUAN_KAFKA_BOOTSTRAP.",
    )
    notify_attempts: int = Field(default=5, ge=1, le=20, description="Tries per delivery.")
    notify_backoff_seconds: float = Field(
        default=1.0, ge=0, le=60, description="Wait before the first retry; it doubles."
    )
    notify_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    notify_concurrency: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Sends the notifier runs at once (to different recipients, channels or "
        "complaints; one recipient hears of a complaint's events in order).",
    )
    unit_contacts: dict[str, UnitContacts] = Field(
        default_factory=dict,
        description='Staff addresses per unit, JSON: {"disdukcapil": {"officers": [...], '
        '"supervisors": [...]}}.',
    )
    smtp_host: str | None = Field(default=None, description="Unset: no e-mail is sent.")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "Aduan Ledger <noreply@aduan.invalid>"
    sms_gateway_url: str | None = Field(default=None, description="Unset: no SMS is sent.")
    sms_gateway_token: str | None = None

    @field_validator("skm_element_set")
    @classmethod
    def _known_element_set(cls, value: str) -> str:
        if value not in ELEMENT_SETS:
            raise ValueError(f"no element set {value!r}; use one of: {', '.join(ELEMENT_SETS)}")
        return value

    @field_validator("skm_weights")
    @classmethod
    def _weights_fit_the_element_set(
        cls, value: dict[str, list[Decimal]], info: ValidationInfo
    ) -> dict[str, list[Decimal]]:
        element_set = ELEMENT_SETS.get(info.data.get("skm_element_set", ""))
        if element_set is None:  # the element set itself was refused
            return value
        for unit_id, weights in value.items():
            if unit_id != "*" and not UNIT_ID_PATTERN.match(unit_id):
                raise ValueError(f"{unit_id!r} is neither a unit id nor *")
            try:
                element_set.reweighted([Fraction(weight) for weight in weights])
            except RuleViolationError as error:
                raise ValueError(f"the weights for {unit_id}: {error.message}") from None
        return value

    @field_validator("kafka_bootstrap")
    @classmethod
    def _bootstrap_servers(cls, value: str | None) -> str | None:
        """Refuses a list the Kafka client would fail to read, read as the client reads it."""
        if not value:  # unset or empty: no Kafka
            return value
        from kafka.cluster import get_ip_port_afi  # the client only when Kafka is configured

        for server in value.split(","):
            try:
                host, port, _family = get_ip_port_afi(server)
            except ValueError:  # a port that is not a number, an unclosed [IPv6 address
                host, port = "", 0
            if not host or not 0 < port < 65536:
                raise ValueError(
                    f"ADUAN_KAFKA_BOOTSTRAP must be host:port,... (e.g. 127.0.0.1:9092), not "
                    f"{value!r}: {server.strip()!r} is not a host and port"
                )
        return value

    @field_validator("extra_holidays", mode="before")
    @classmethod
    def _split_dates(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


def settings_problems(error: ValidationError | SettingsError) -> str:
    """What the environment got wrong, each setting named by its variable and given with
    the value it holds: ``ADUAN_PORT='0': Input should be greater than or equal to 1``."""
    if isinstance(error, SettingsError):
        # 'error parsing value for field "skm_weights" from source "EnvSettingsSource"'
        field = str(error).partition('field "')[2].partition('"')[0]
        return f"{_variable(field)} is not valid JSON" if field else str(error)
    return "; ".join(_problem(problem) for problem in error.errors())


def _problem(problem: Any) -> str:
    location = problem["loc"]
    message = str(problem["msg"]).removeprefix("Value error, ")
    if not location:
        return message
    field = str(location[0])
    where = _variable(field)
    if len(location) > 1:
        where += " (" + ", ".join(_place(part) for part in location[1:]) + ")"
    if field.rsplit("_", 1)[-1] in _SECRET_WORDS:
        return f"{where}: {message}"  # the value is not shown
    return f"{where}={problem['input']!r}: {message}"


def _place(part: object) -> str:
    return f"item {part + 1}" if isinstance(part, int) else str(part)


def _variable(field: str) -> str:
    return ENV_PREFIX + field.upper()
