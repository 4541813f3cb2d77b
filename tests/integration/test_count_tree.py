"""Count trees: the value at every rank equals the sorted values', on both stores."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infra.event_store import sqlite_path
from projections import count_tree
from projections.counts import CountTable
from projections.sqlite_store import SQLiteViewStore
from projections.store import BULK_ROWS, ViewStore
from services.projection_host import open_view_store

TABLE = "tree_test"
KEY_COLUMNS = ("name", "part")
DDL = count_tree.ddl(TABLE, "name TEXT NOT NULL, part INTEGER NOT NULL", "name, part")
COUNTS = count_tree.counts(TABLE, KEY_COLUMNS)
DEPTHS = (("a", 1), ("b", 3), ("c", 5))


def fill(store: ViewStore, counted: list[tuple[int, int, int]], levels: int) -> None:
    """Count each (part, value, delta) in the tree of ``("t", part)``."""
    store.create_tables([DDL])
    with store.transaction() as tx:
        pending = COUNTS.pending(tx)
        for part, value, delta in counted:
            count_tree.add(pending, [("t", part)], value, levels, delta)


def values_at_every_rank(store: ViewStore, parts: list[int], levels: int) -> list[int]:
    marks = ", ".join("?" for _ in parts)
    with store.transaction(write=False) as tx:
        reader = count_tree.TreeReader(tx, TABLE, "name", f"part IN ({marks})", parts)
        found = reader.values_at({"t": levels}, lambda count: range(1, count + 1))
    return found["t"][1]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.integers(0, 3), st.one_of(st.integers(0, 120), st.integers(0, 10**7))),
        max_size=60,
    ),
    uncounted=st.sets(st.integers(0, 59)),
    levels=st.integers(1, 5),
    parts=st.sets(st.integers(0, 3), min_size=1),
)
def test_the_value_at_each_rank_is_the_sorted_values_one(
    values: list[tuple[int, int]], uncounted: set[int], levels: int, parts: set[int]
) -> None:
    """Values are counted, some of them uncounted again, then read over some parts."""
    counted = [(part, value, 1) for part, value in values]
    counted += [(*values[index], -1) for index in sorted(uncounted) if index < len(values)]
    kept = [value for index, (part, value) in enumerate(values) if index not in uncounted]
    in_parts = sorted(
        value for index, (part, value) in enumerate(values)
        if index not in uncounted and part in parts
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as directory:
        store = SQLiteViewStore(Path(directory) / "views.db")
        try:
            fill(store, counted, levels)
            assert values_at_every_rank(store, sorted(parts), levels) == in_parts
            assert values_at_every_rank(store, [0, 1, 2, 3], levels) == sorted(kept)
        finally:
            store.close()


@pytest.fixture
def store(store_url: str) -> Iterator[ViewStore]:
    view_store = open_view_store(sqlite_path(store_url), store_url)
    yield view_store
    view_store.close()


def test_ranks_over_a_thousand_values_in_three_parts(store: ViewStore) -> None:
    rng = random.Random(7)
    values = [(rng.randrange(3), int(rng.paretovariate(1.2) * 1000)) for _ in range(1000)]
    fill(store, [(part, value, 1) for part, value in values], levels=5)
    assert values_at_every_rank(store, [0, 2], 5) == sorted(v for p, v in values if p != 1)


def test_trees_of_different_depths_are_read_together(store: ViewStore) -> None:
    """Several trees, some deeper than others, each asked for its own ranks in one go."""
    rng = random.Random(11)
    values = {name: [rng.randrange(10**levels) for _ in range(200)] for name, levels in DEPTHS}
    store.create_tables([DDL])
    with store.transaction() as tx:
        pending = COUNTS.pending(tx)
        for name, levels in DEPTHS:
            for value in values[name]:
                count_tree.add(pending, [(name, rng.randrange(2))], value, levels, 1)
    with store.transaction(write=False) as tx:
        reader = count_tree.TreeReader(tx, TABLE, "name", "part IN (?, ?)", [0, 1])
        found = reader.values_at(
            {**dict(DEPTHS), "empty": 3},
            lambda count: [1, (count + 1) // 2, count] if count else [],
        )
    for name, _ in DEPTHS:
        ordered = sorted(values[name])
        assert found[name] == (200, [ordered[0], ordered[99], ordered[199]])
    assert found["empty"] == (0, [])


@pytest.mark.parametrize(("percent", "count", "rank"), [(50, 1, 1), (50, 4, 2), (50, 5, 3),
                         (90, 10, 9), (90, 11, 10), (90, 30, 27), (90, 1, 1)])  # fmt: skip
def test_nearest_rank_is_the_smallest_rank_holding_the_percent(
    percent: int, count: int, rank: int
) -> None:
    assert count_tree.nearest_rank(percent, count) == rank


@pytest.mark.parametrize("zeros_as_nulls", [False, True])
@pytest.mark.parametrize("copies", [1, BULK_ROWS])
def test_a_count_table_keeps_a_row_only_while_it_counts_something(
    store: ViewStore, copies: int, zeros_as_nulls: bool
) -> None:
    """Emptied rows are deleted one statement each, or in bulk (COPY on PostgreSQL); a
    count back at zero is NULL again where zeros are NULLs."""
    table, counts = ("counted_nulls", "a BIGINT, b BIGINT") if zeros_as_nulls else (
        "counted", "a BIGINT NOT NULL DEFAULT 0, b BIGINT NOT NULL DEFAULT 0"
    )  # fmt: skip
    store.create_tables(
        [
            f"CREATE TABLE IF NOT EXISTS {table} (name TEXT, part INTEGER,"
            f" {counts}, PRIMARY KEY (name, part))"
        ]
    )
    counted = CountTable(table, ("name", "part"), ("a", "b"), zeros_as_nulls=zeros_as_nulls)
    with store.transaction() as tx:
        pending = counted.pending(tx)
        for part in range(copies):
            pending["x", part], pending["y", part], pending["z", part] = [1, 2], [1, 0], [0, 0]
    with store.transaction() as tx:
        pending = counted.pending(tx)
        for part in range(copies):  # x moved away, y moved within
            pending["x", part], pending["y", part] = [-1, -2], [-1, 1]

    found = sorted(store.query(f"SELECT name, part, a, b FROM {table}"))
    zero = None if zeros_as_nulls else 0
    assert found == [("y", part, zero, 1) for part in range(copies)]


@pytest.mark.parametrize("rows", [3, BULK_ROWS + 50])
def test_many_rows_are_inserted_updated_and_added_to(store: ViewStore, rows: int) -> None:
    """Few rows go one statement each; many go in bulk (through COPY on PostgreSQL)."""
    store.create_tables(
        [
            "CREATE TABLE IF NOT EXISTS bulk (id TEXT PRIMARY KEY, name TEXT,"
            " total BIGINT NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT 'none',"
            " code TEXT NOT NULL)"
        ]
    )
    ids = [f"row-{number:04d}" for number in range(rows)]
    with store.transaction() as tx:
        tx.insert_many("bulk", ("id", "name", "total", "code"), [(i, None, 1, "c") for i in ids])
    with store.transaction() as tx:
        tx.update_many("bulk", ("name",), [(f"name of {i}", i) for i in ids[1:]])
        tx.insert_many(
            "bulk",
            ("id", "total", "code"),
            [(i, 2, "c") for i in ids[::2]],
            "ON CONFLICT (id) DO UPDATE SET total = bulk.total + excluded.total",
        )

    found = sorted(store.query("SELECT id, name, total, note, code FROM bulk"))
    assert found == [
        (i, None if n == 0 else f"name of {i}", 3 if n % 2 == 0 else 1, "none", "c")
        for n, i in enumerate(ids)
    ]
