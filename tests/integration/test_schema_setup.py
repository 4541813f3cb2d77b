"""Processes starting at once on one PostgreSQL database (a relay, a notifier, the server)
each set up the event store's schema; none of them fails for the others."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from infra.settings import Settings
from services.composition import build_ledger, build_projection_host
from tests.support import database_of_its_own


@pytest.mark.postgres
def test_the_schema_is_set_up_by_many_at_once_without_an_error(postgres_session_url: str) -> None:
    settings = Settings(database_url=postgres_session_url)
    build_ledger(settings).close()  # the tables exist, as in use

    def start() -> None:
        build_ledger(settings).close()

    with ThreadPoolExecutor(8) as starting:
        outcomes = [starting.submit(start) for _ in range(24)]
    for outcome in outcomes:
        outcome.result()  # raises what a start raised


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_a_new_database_is_set_up_by_many_at_once_without_an_error(
    postgres_url: str, attempt: int
) -> None:
    """On an empty database the first set-up creates every table (and the library's
    types, each in a transaction of its own): two at once would clash on a type's name."""
    with database_of_its_own(postgres_url) as url:
        settings = Settings(database_url=url)

        def start() -> None:
            ledger = build_ledger(settings)
            build_projection_host(settings, ledger).stop()
            ledger.close()

        with ThreadPoolExecutor(8) as starting:
            outcomes = [starting.submit(start) for _ in range(8)]
        for outcome in outcomes:
            outcome.result()
