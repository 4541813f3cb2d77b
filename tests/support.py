"""Test helpers imported by the suites."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.personal_data import PersonalDataRead
from services.filing import ComplainantIn, Filing
from services.ledger import ComplaintLedger

START = datetime(2026, 11, 23, 3, tzinfo=UTC)  # Monday 10:00 in Jakarta


class MutableClock:
    """The time the ledger reads; tests move it forward, or run something at the next read
    (to play another writer between a command's read and its save)."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self.on_next_read: Callable[[], None] | None = None

    def now(self) -> datetime:
        hook, self.on_next_read = self.on_next_read, None
        if hook is not None:
            hook()
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def file_complaint(ledger: ComplaintLedger, **overrides: Any) -> dict[str, Any]:
    """File a sample complaint (to Disdukcapil, with a named complainant) straight on a ledger."""
    details: dict[str, Any] = {
        "unit_id": "disdukcapil",
        "title": "KTP-el belum jadi",
        "description": "Sudah tiga bulan KTP-el saya belum dicetak.",
        "complainant": ComplainantIn(name="Siti Aminah", phone="081234567890"),
        **overrides,
    }
    return ledger.file(Filing(**details), None)


def event_class(aggregate_class: type[Aggregate], name: str) -> type[Any]:
    """The event class that ``@event(name)`` made on ``aggregate_class``, as ``Complaint.Filed``.

    The decorator makes such classes, and the fields of their events, when the aggregate
    class is defined, so no static type has them. Typed ``type[Any]``: an ``isinstance``
    check against it gives an event whose fields can be read by name."""
    cls = getattr(aggregate_class, name)
    assert isinstance(cls, type) and issubclass(cls, aggregate_class.Event), cls
    return cls


def collect_events(aggregate: Aggregate) -> list[Any]:
    """``aggregate.collect_events()``, typed for reading the events' fields by name (see
    ``event_class``)."""
    return list(aggregate.collect_events())


def domain_event(ledger: ComplaintLedger, stored: StoredEvent) -> Any:
    """``stored`` as the ledger's mapper decodes it, typed for reading its fields by name
    (see ``event_class``)."""
    return ledger.mapper.to_domain_event(stored)


def originator_uuid(stored: StoredEvent) -> UUID:
    """The aggregate id of a stored event: the ledger's recorders give it as a UUID."""
    originator_id = stored.originator_id
    assert isinstance(originator_id, UUID), originator_id
    return originator_id


def recorded_reads(ledger: ComplaintLedger) -> list[Any]:
    """Every ``PersonalDataRead.Recorded`` event in the ledger's log, in log order."""
    topic = get_topic(event_class(PersonalDataRead, "Recorded"))
    notifications = ledger.recorder.select_notifications(0, 1_000_000, topics=[topic])
    return [domain_event(ledger, notification) for notification in notifications]


def connect_or_fail(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection; the test fails, never skips, when the server is not there."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        problem = str(error).strip()
    pytest.fail(  # outside the except block, so the report is this message alone
        f"PostgreSQL at {url} does not answer: {problem}\n"
        "Start it with `make test` (runs every test) or `infra/scripts/postgres.sh`, "
        "or point ADUAN_TEST_POSTGRES_URL at a server.",
        pytrace=False,
    )


@contextmanager
def database_of_its_own(server_url: str) -> Iterator[str]:
    """The URL of a new, empty database on the server of ``server_url``, dropped afterwards.

    This role's sessions on it are ended first; an autovacuum worker busy in it is stopped
    by DROP DATABASE itself (``WITH (FORCE)`` would need the right to signal that worker
    too, which the test role has not)."""
    database = f"aduan_test_{uuid4().hex[:16]}"
    with connect_or_fail(server_url) as connection:
        connection.execute(f"CREATE DATABASE {database}")
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{database}"))
    finally:
        with connect_or_fail(server_url) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND usename = current_user AND pid <> pg_backend_pid()",
                (database,),
            )
            connection.execute(f"DROP DATABASE IF EXISTS {database}")


def empty_every_table(url: str) -> None:
    """Back to a fresh store, faster than a new database (which costs 0.1-0.3 s of WAL)."""
    with connect_or_fail(url) as connection:
        connection.execute("SET lock_timeout = '5s'")  # a lingering lock fails, never hangs
        rows = connection.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        if rows:
            tables = ", ".join(table for (table,) in rows)
            connection.execute(f"TRUNCATE {tables} RESTART IDENTITY")


def undocumented_statuses(app: Any, method: str, path: str, statuses: Iterable[int]) -> set[int]:
    """Those of ``statuses`` that the app's OpenAPI document does not list for the operation
    (``path`` as in the route table); none for an operation the document leaves out."""
    operation = app.openapi()["paths"].get(path, {}).get(method.lower())
    if operation is None:
        return set()
    return {status for status in statuses if str(status) not in operation["responses"]}
