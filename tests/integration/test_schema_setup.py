"""Processes starting at once on one PostgreSQL database (a relay, a notifier, the server)
each set up the event store's schema; none of them fails for the others."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from infra.settings import Settings
from services.composition import build_ledger


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
