"""When PostgreSQL does not give a connection, the event store tries each statement
STATEMENT_TRIES times, not the library's ten, and then lets the error through."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.persistence import OperationalError, StoredEvent

from infra.postgres_recorder import STATEMENT_TRIES
from infra.settings import Settings
from services.composition import build_ledger
from services.ledger import ComplaintLedger

pytestmark = pytest.mark.postgres


@pytest.fixture
def ledger(postgres_session_url: str) -> Iterator[ComplaintLedger]:
    ledger = build_ledger(Settings(database_url=postgres_session_url))
    yield ledger
    ledger.close()


STATEMENTS: dict[str, Callable[[Any], Any]] = {
    "insert_events": lambda recorder: recorder.insert_events(
        [StoredEvent(uuid4(), 1, "tests:Event", b"{}")]
    ),
    "select_events": lambda recorder: recorder.select_events(uuid4()),
    "select_notifications": lambda recorder: recorder.select_notifications(0, 10),
    "max_notification_id": lambda recorder: recorder.max_notification_id(),
}


@pytest.mark.parametrize("statement", list(STATEMENTS))
def test_a_statement_is_tried_a_few_times_then_fails(
    ledger: ComplaintLedger, monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    recorder: Any = ledger.recorder
    tries = []

    @contextmanager
    def no_connection() -> Iterator[None]:
        tries.append(1)
        raise OperationalError("couldn't get a connection after 2.00 sec") from (
            psycopg.OperationalError("pool timeout")
        )
        yield  # pragma: no cover - a generator for contextmanager

    monkeypatch.setattr(recorder.datastore, "get_connection", no_connection)
    with pytest.raises(OperationalError):
        STATEMENTS[statement](recorder)
    assert len(tries) == STATEMENT_TRIES


def test_the_statements_work_when_the_connection_does(ledger: ComplaintLedger) -> None:
    recorder: Any = ledger.recorder
    stored = StoredEvent(uuid4(), 1, "tests:Event", b"{}")
    recorder.insert_events([stored])
    assert [event.originator_version for event in recorder.select_events(stored.originator_id)] == [
        1
    ]
    assert recorder.max_notification_id() >= 1
