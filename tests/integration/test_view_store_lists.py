"""A list parameter (``column = ANY(?)``) chooses the rows whose value is in the list, on
both stores: an array on PostgreSQL, spelled out on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.event_store import sqlite_path
from projections.store import ViewStore
from services.projection_host import open_view_store

DDL = "CREATE TABLE IF NOT EXISTS list_test (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"


@pytest.fixture
def store(store_url: str) -> Iterator[ViewStore]:
    views = open_view_store(sqlite_path(store_url), store_url)
    views.create_tables([DDL])
    with views.transaction() as tx:
        tx.executemany(
            "INSERT INTO list_test (id, name) VALUES (?, ?)", [(1, "a"), (2, "b"), (3, "c")]
        )
    yield views
    with views.transaction() as tx:
        tx.execute("DROP TABLE list_test")
    views.close()


def test_list_parameters_choose_the_rows_whose_values_they_hold(store: ViewStore) -> None:
    rows = store.query(
        "SELECT id FROM list_test WHERE id = ANY(?) AND name <> ? AND name = ANY(?) ORDER BY id",
        [[1, 2, 3], "b", ["a", "b", "c"]],
    )
    assert rows == [(1,), (3,)]


def test_an_empty_list_parameter_chooses_no_rows(store: ViewStore) -> None:
    assert store.query("SELECT id FROM list_test WHERE id = ANY(?)", [[]]) == []
