"""Fixtures shared by every suite: the stores (SQLite and a real PostgreSQL), a movable
clock, and ledgers built on them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from domain.calendar import WorkingCalendar
from infra.event_store import persistence_env
from infra.settings import Settings
from projections.store import ViewStore
from services.composition import open_notification_store
from services.ledger import Clock, ComplaintLedger
from tests.notify_support import HttpSink, SmtpSink, http_server, smtp_server
from tests.support import MutableClock, connect_or_fail, database_of_its_own, empty_every_table

# In CI every run explores the same examples, so a result never depends on the draw;
# elsewhere each run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default")

DEFAULT_TEST_POSTGRES_URL = "postgresql://aduan:aduan@127.0.0.1:5432/aduan_test"

MakeLedger = Callable[..., ComplaintLedger]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("ADUAN_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)
    with connect_or_fail(url) as connection:
        connection.execute("SELECT 1")
    return url


@pytest.fixture(scope="session")
def postgres_session_url(postgres_url: str) -> Iterator[str]:
    """A database of this test session's own, so that runs side by side never meet."""
    with database_of_its_own(postgres_url) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store per test: a SQLite file, or the session's PostgreSQL database with
    every table emptied after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'events.db'}"
        return
    url = request.getfixturevalue("postgres_session_url")
    yield url
    empty_every_table(url)  # pytest runs this whether the test passed or failed


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
def make_ledger(store_url: str, clock: MutableClock) -> Iterator[MakeLedger]:
    """Builds ledgers on the test's store (several share it); all are closed afterwards."""
    ledgers: list[ComplaintLedger] = []

    def make(ledger_clock: Clock | None = None) -> ComplaintLedger:
        env = persistence_env(Settings(database_url=store_url))
        ledger = ComplaintLedger(env, WorkingCalendar(), ledger_clock or clock.now)
        ledgers.append(ledger)
        return ledger

    yield make
    for ledger in ledgers:
        ledger.close()


@pytest.fixture
def ledger(make_ledger: MakeLedger) -> ComplaintLedger:
    return make_ledger()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server on loopback, recording the mail it receives."""
    with smtp_server() as sink:
        yield sink


@pytest.fixture
def http() -> Iterator[HttpSink]:
    """A real HTTP server on loopback for webhooks and the SMS gateway."""
    with http_server() as sink:
        yield sink


@pytest.fixture
def store(settings: Settings) -> Iterator[ViewStore]:
    """The notifier's tables for the test's ``settings``."""
    store = open_notification_store(settings)
    yield store
    store.close()
