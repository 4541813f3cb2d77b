"""Exact nearest-rank percentiles from counts: a tree of counts per key, in base 100.

A whole number ``v`` is counted once on each of ``levels`` levels: on level ``k`` in the
node ``v // 100**k``, under its digit ``v // 100**(k-1) % 100``, so a node holds the counts
of the hundred ranges of ``100**(k-1)`` values it covers. To find the value of rank ``r`` among
the values counted under some keys (a cohort's periods, say), read the top level's nodes
and find the range holding rank ``r``, then that range's node one level down, and so on
to level 1, whose digits are single values: one row per key and level, however many
values were counted. Keys are summed in SQL, so the rows read per level are at most the
number of keys (plus, on the top level, one per ``100**levels`` of spread in the values).

The base trades rows for columns: a tree whose top nodes cover 10,000 values has two
levels, not four as in base 10, so each value is written in half the rows and a rank is
found in half the statements, each row carrying a hundred counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from projections.counts import CountTable, Key, Pending
from projections.store import ViewTransaction

BASE = 100
DIGITS = tuple(f"c{digit}" for digit in range(BASE))


class ViewInconsistentError(RuntimeError):
    """A tree's levels disagree."""


def ddl(table: str, key_columns: str, primary_key: str) -> str:
    """The table of a tree: its key columns, then ``level``, ``node`` and a count per digit,
    NULL for zero (a node has a hundred counts, most of them zero; see ``counts``)."""
    counts = ", ".join(f"{digit} INTEGER" for digit in DIGITS)
    return (
        f"CREATE TABLE IF NOT EXISTS {table} ({key_columns},"
        f" level SMALLINT NOT NULL, node BIGINT NOT NULL, {counts},"
        f" PRIMARY KEY ({primary_key}, level, node)) WITHOUT ROWID"
    )


def counts(table: str, key_columns: Sequence[str]) -> CountTable:
    """How the counts of a tree table (``ddl``) keyed by ``key_columns`` are written."""
    return CountTable(table, (*key_columns, "level", "node"), DIGITS, zeros_as_nulls=True)


def add(pending: Pending, keys: Iterable[Key], value: int, levels: int, delta: int) -> None:
    """Count ``value`` ``delta`` times (negative: uncount it) in the trees of ``keys``."""
    places = []  # ((level, node), digit), from level 1 up
    below = value  # the value's node on the level below
    for level in range(1, levels + 1):
        node = below // BASE
        places.append(((level, node), below - node * BASE))
        below = node
    get = pending.get
    for key in keys:
        for place, digit in places:
            node_key = key + place
            counts = get(node_key)
            if counts is None:
                pending[node_key] = counts = [0] * BASE
            counts[digit] += delta


def nearest_rank(percent: int, count: int) -> int:
    """The rank of the ``percent`` percentile among ``count`` values: ceil(p / 100 * n)."""
    return max(-(-percent * count // 100), 1)


@dataclass
class _Search:
    """One rank being looked for in one tree, narrowed down level by level."""

    tree: Any
    index: int  # of the rank among the tree's
    value: int  # the range found so far: the node to read on the next level down
    rank: int  # within that range
    level: int  # the level of that node


class TreeReader:
    """The values at given ranks in several trees of one table at once, counted under the
    rows ``where`` chooses; the trees are told apart by ``tree_column``.

    All trees descend together: one statement for every tree's top level, then one per
    level below, however many trees and ranks are asked for.
    """

    def __init__(
        self, tx: ViewTransaction, table: str, tree_column: str, where: str, params: Sequence[Any]
    ) -> None:
        self._tx, self._table, self._tree = tx, table, tree_column
        self._where, self._params = where, list(params)

    def values_at(
        self, levels_of: Mapping[Any, int], ranks_for: Callable[[int], Sequence[int]]
    ) -> dict[Any, tuple[int, list[int]]]:
        """For each tree (and its number of levels): how many values it holds, and the
        values at the ranks ``ranks_for`` gives for that many (1-based, at most it)."""
        tops = self._tops(levels_of)
        found: dict[Any, tuple[int, list[int]]] = {}
        searches: list[_Search] = []
        for tree, levels in levels_of.items():
            top = tops.get(tree, [])
            count = sum(number for _, number in top)
            ranks = ranks_for(count)
            found[tree] = (count, [0] * len(ranks))
            for index, rank in enumerate(ranks):
                value, rest = _pick(rank, top)
                searches.append(_Search(tree, index, value, rest, levels - 1))
        for level in range(max(levels_of.values(), default=1) - 1, 0, -1):
            on_level = [search for search in searches if search.level == level]
            if not on_level:
                continue
            nodes = self._nodes(level, on_level)
            for search in on_level:
                digit, search.rank = _pick(search.rank, enumerate(nodes[search.tree, search.value]))
                search.value, search.level = search.value * BASE + digit, level - 1
        for search in searches:
            found[search.tree][1][search.index] = search.value
        return found

    def _tops(self, levels_of: Mapping[Any, int]) -> dict[Any, list[tuple[int, int]]]:
        """Each tree's (range on the level under its top, count) of every non-empty range,
        in order."""
        by_levels: dict[int, list[Any]] = {}
        for tree, levels in levels_of.items():
            by_levels.setdefault(levels, []).append(tree)
        if not by_levels:
            return {}
        clauses, params = [], []
        for levels, trees in by_levels.items():
            clauses.append(f"({self._tree} = ANY(?) AND level = ?)")
            params += [trees, levels]
        rows = self._sums(f"({' OR '.join(clauses)})", params)
        tops: dict[Any, list[tuple[int, int]]] = {}
        for tree, node, *counts in sorted(rows, key=lambda row: (row[0], row[1])):
            first = int(node) * BASE
            tops.setdefault(tree, []).extend(
                (first + digit, int(count)) for digit, count in enumerate(counts) if count
            )
        return tops

    def _nodes(self, level: int, searches: Sequence[_Search]) -> dict[tuple[Any, int], list[int]]:
        """The digit counts of the nodes these searches read on ``level``: each tree's own
        nodes (an index finds every node asked for under every key and tree asked for, so
        one list of nodes for all trees would read each tree's nodes in all of them)."""
        nodes_of: dict[Any, set[int]] = {}
        for search in searches:
            nodes_of.setdefault(search.tree, set()).add(search.value)
        clauses, params = [], []
        for tree, nodes in sorted(nodes_of.items()):
            clauses.append(f"({self._tree} = ? AND node = ANY(?))")
            params += [tree, sorted(nodes)]
        rows = self._sums(f"level = ? AND ({' OR '.join(clauses)})", [level, *params])
        counts = {(tree, int(node)): [int(c or 0) for c in cs] for tree, node, *cs in rows}
        return {(s.tree, s.value): counts.get((s.tree, s.value), [0] * BASE) for s in searches}

    def _sums(self, condition: str, params: list[Any]) -> list[Any]:
        return self._tx.query(
            f"SELECT {self._tree}, node, {', '.join(f'SUM({d})' for d in DIGITS)}"
            f" FROM {self._table} WHERE {self._where} AND {condition}"
            f" GROUP BY {self._tree}, node",
            [*self._params, *params],
        )


def _pick(rank: int, counts: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """The range holding ``rank``, and the rank within it."""
    for value, count in counts:
        if rank <= count:
            return value, rank
        rank -= count
    # A node's counts are the totals of the nodes under it, written in one transaction
    # and read in one snapshot: only a damaged view gets here.
    raise ViewInconsistentError("The metrics counts do not add up: rebuild the view.")
