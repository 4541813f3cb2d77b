"""Exact nearest-rank percentiles from counts: a decimal digit tree of counts per key.

A whole number ``v`` is counted once on each of ``levels`` levels: on level ``k`` in the
node ``v // 10**k``, under its digit ``v // 10**(k-1) % 10``, so a node holds the counts
of the ten ranges of ``10**(k-1)`` values it covers. To find the value of rank ``r`` among
the values counted under some keys (a cohort's periods, say), read the top level's nodes
and find the range holding rank ``r``, then that range's node one level down, and so on
to level 1, whose digits are single values: one row per key and level, however many
values were counted. Keys are summed in SQL, so the rows read per level are at most the
number of keys (plus, on the top level, one per ``10**levels`` of spread in the values).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from projections.store import ViewTransaction

DIGITS = tuple(f"c{digit}" for digit in range(10))
Key = tuple[Any, ...]
Pending = dict[Key, list[int]]


class ViewInconsistentError(RuntimeError):
    """A tree's levels disagree."""


def ddl(table: str, key_columns: str, primary_key: str) -> str:
    """The table of a tree: its key columns, then ``level``, ``node`` and ten counts."""
    counts = ", ".join(f"{digit} INTEGER NOT NULL DEFAULT 0" for digit in DIGITS)
    return (
        f"CREATE TABLE IF NOT EXISTS {table} ({key_columns},"
        f" level SMALLINT NOT NULL, node BIGINT NOT NULL, {counts},"
        f" PRIMARY KEY ({primary_key}, level, node)) WITHOUT ROWID"
    )


def add(pending: Pending, keys: Iterable[Key], value: int, levels: int, delta: int) -> None:
    """Count ``value`` ``delta`` times (negative: uncount it) in the trees of ``keys``."""
    places = [
        (level, value // 10**level, value // 10 ** (level - 1) % 10)
        for level in range(1, levels + 1)
    ]
    for key in keys:
        for level, node, digit in places:
            pending.setdefault((*key, level, node), [0] * 10)[digit] += delta


def upsert(table: str, key_columns: Sequence[str]) -> str:
    columns = (*key_columns, "level", "node")
    return (
        f"INSERT INTO {table} ({', '.join(columns)}, {', '.join(DIGITS)}) "
        f"VALUES ({', '.join('?' for _ in (*columns, *DIGITS))}) "
        f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET "
        + ", ".join(f"{digit} = {table}.{digit} + excluded.{digit}" for digit in DIGITS)
    )


def write(tx: ViewTransaction, sql: str, pending: Pending) -> None:
    # Every node touched gets its row, even if its counts netted to zero, so the rows do
    # not depend on how events were grouped into transactions.
    rows = [(*key, *counts) for key, counts in pending.items()]
    if rows:
        tx.executemany(sql, rows)


def nearest_rank(percent: int, count: int) -> int:
    """The rank of the ``percent`` percentile among ``count`` values: ceil(p / 100 * n)."""
    return max(-(-percent * count // 100), 1)


class RankFinder:
    """The values at given ranks among those counted in the rows ``where`` chooses."""

    def __init__(self, tx: ViewTransaction, table: str, where: str, params: Sequence[Any]) -> None:
        self._tx, self._table, self._where, self._params = tx, table, where, list(params)
        self._nodes: dict[tuple[int, int], list[int]] = {}

    def top(self, levels: int) -> list[tuple[int, int]]:
        """(range on level ``levels - 1``, count) of every non-empty range, in order."""
        rows = self._tx.query(
            f"SELECT node, {', '.join(f'SUM({d})' for d in DIGITS)} FROM {self._table}"
            f" WHERE {self._where} AND level = ? GROUP BY node ORDER BY node",
            [*self._params, levels],
        )
        return [
            (int(node) * 10 + digit, int(count))
            for node, *counts in rows
            for digit, count in enumerate(counts)
            if count
        ]

    def value_at(self, rank: int, top: Iterable[tuple[int, int]], levels: int) -> int:
        """The value of ``rank`` (1-based, at most the total count of ``top``)."""
        value, rank = _pick(rank, top)
        for level in range(levels - 1, 0, -1):
            digit, rank = _pick(rank, enumerate(self._node(level, value)))
            value = value * 10 + digit
        return value

    def _node(self, level: int, node: int) -> list[int]:
        if (level, node) not in self._nodes:
            row = self._tx.query(
                f"SELECT {', '.join(f'SUM({d})' for d in DIGITS)} FROM {self._table}"
                f" WHERE {self._where} AND level = ? AND node = ?",
                [*self._params, level, node],
            )[0]
            self._nodes[level, node] = [int(count or 0) for count in row]
        return self._nodes[level, node]


def _pick(rank: int, counts: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """The range holding ``rank``, and the rank within it."""
    for value, count in counts:
        if rank <= count:
            return value, rank
        rank -= count
    # A node's counts are the totals of the nodes under it, written in one transaction
    # and read in one snapshot: only a damaged view gets here.
    raise ViewInconsistentError("The metrics counts do not add up: rebuild the view.")
