"""The SQLite event store writes a transaction's events in multi-row statements, and keeps
the library's contract: notification ids as recorded, all or nothing, duplicates refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from infra.event_store import persistence_env
from infra.personal_keys import KEYS_PER_STATEMENT, PersonalKey, SQLitePersonalKeys
from infra.settings import Settings
from infra.sqlite_recorder import ROWS_PER_STATEMENT, MultiRowSQLiteRecorder
from services.composition import build_ledger


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[MultiRowSQLiteRecorder]:
    ledger = build_ledger(Settings(database_url=f"sqlite:///{tmp_path}/aduan.db"))
    assert isinstance(ledger.recorder, MultiRowSQLiteRecorder)
    yield ledger.recorder
    ledger.close()


def events(count: int, version: int = 1) -> list[StoredEvent]:
    return [StoredEvent(uuid4(), version, "tests:Topic", bytes([n % 256])) for n in range(count)]


def test_the_sqlite_store_is_configured_with_the_multi_row_recorder(tmp_path: Path) -> None:
    env = persistence_env(Settings(database_url=f"sqlite:///{tmp_path}/aduan.db"))

    assert env["APPLICATION_RECORDER_TOPIC"].endswith(":MultiRowSQLiteRecorder")


def test_events_beyond_one_statement_get_the_notification_ids_they_are_read_back_with(
    recorder: MultiRowSQLiteRecorder,
) -> None:
    first = events(3)
    more = events(2 * ROWS_PER_STATEMENT + 7)

    first_ids = recorder.insert_events(first)
    more_ids = recorder.insert_events(more)

    read = recorder.select_notifications(0, 10_000)
    assert list(first_ids or []) == [1, 2, 3]
    assert list(more_ids or []) == [n.id for n in read[3:]]
    assert [(n.originator_id, n.state) for n in read] == [
        (e.originator_id, e.state) for e in [*first, *more]
    ]


@pytest.mark.parametrize("others", [2, ROWS_PER_STATEMENT])  # one statement, or a transaction
def test_a_duplicate_event_fails_the_whole_write(
    recorder: MultiRowSQLiteRecorder, others: int
) -> None:
    (taken,) = events(1)
    recorder.insert_events([taken])
    batch = [*events(others), taken]

    with pytest.raises(IntegrityError):
        recorder.insert_events(batch)

    assert recorder.max_notification_id() == 1


def test_many_keys_are_stored_and_storing_one_again_leaves_it_as_it_was(
    tmp_path: Path,
) -> None:
    keys = SQLitePersonalKeys(tmp_path / "aduan.keys.db")
    now = datetime(2026, 12, 3, tzinfo=UTC)
    batch = [
        PersonalKey(f"ref-{n}", str(uuid4()), bytes([n % 256]) * 32, now)
        for n in range(KEYS_PER_STATEMENT + 5)
    ]
    keys.put(batch)

    keys.put([PersonalKey("ref-0", "another", b"\x01" * 32, now)])

    assert all(keys.find(key.ref) is not None for key in batch)
    record = keys.find("ref-0")
    assert record is not None and (record.complaint_id, record.key) == (
        batch[0].complaint_id,
        batch[0].key,
    )
    keys.close()
