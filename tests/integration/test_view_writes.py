"""Many-row view writes: every row written once, however the store splits them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.event_store import sqlite_path
from projections.store import ViewStore
from services.projection_host import open_view_store

ROWS = 700  # more than one statement's worth, and no power of two
DDL = "CREATE TABLE many_rows (id TEXT PRIMARY KEY, name TEXT NOT NULL, total INTEGER NOT NULL)"
UPSERT = "ON CONFLICT (id) DO UPDATE SET total = many_rows.total + excluded.total"


@pytest.fixture
def store(store_url: str) -> Iterator[ViewStore]:
    view_store = open_view_store(sqlite_path(store_url), store_url)
    view_store.create_tables([DDL])
    yield view_store
    with view_store.transaction() as tx:
        tx.execute("DROP TABLE many_rows")
    view_store.close()


def stored(store: ViewStore) -> list[tuple[str, str, int]]:
    return [tuple(row) for row in store.query("SELECT id, name, total FROM many_rows ORDER BY id")]


def test_many_rows_inserted_are_all_stored(store: ViewStore) -> None:
    rows = [(f"row-{number:04}", f"name {number}", number) for number in range(ROWS)]

    with store.transaction() as tx:
        tx.insert_many("many_rows", ("id", "name", "total"), rows)

    assert stored(store) == rows


def test_many_rows_upserted_add_to_the_stored_ones(store: ViewStore) -> None:
    rows = [(f"row-{number:04}", "name", 1) for number in range(ROWS)]
    with store.transaction() as tx:
        tx.insert_many("many_rows", ("id", "name", "total"), rows[::2])

    with store.transaction() as tx:
        tx.insert_many("many_rows", ("id", "name", "total"), rows, UPSERT)

    assert [total for _, _, total in stored(store)] == [2, 1] * (ROWS // 2)


def test_many_rows_updated_by_id_change_only_those_rows(store: ViewStore) -> None:
    rows = [(f"row-{number:04}", "before", number) for number in range(ROWS)]
    with store.transaction() as tx:
        tx.insert_many("many_rows", ("id", "name", "total"), rows)

    with store.transaction() as tx:
        changes = [("after", -number, f"row-{number:04}") for number in range(0, ROWS, 3)]
        tx.update_many("many_rows", ("name", "total"), changes)

    expected = [
        (row_id, "after", -total) if total % 3 == 0 else (row_id, name, total)
        for row_id, name, total in rows
    ]
    assert stored(store) == expected
