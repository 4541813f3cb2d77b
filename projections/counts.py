"""Count tables: rows of whole-number counts under a key, changed by adding deltas.

A transaction adds its deltas up in memory (``Pending``) and writes each key once, as an
upsert adding to the stored counts. A row exists only while one of its counts is not
zero: a key whose deltas take something away is deleted if that leaves it empty. So the
rows do not depend on how events were grouped into transactions, and an incremental view
equals a rebuilt one row for row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from projections.store import ViewTransaction

Key = tuple[Any, ...]
Pending = dict[Key, list[int]]


class PendingCounts(dict[Key, list[int]]):
    """A transaction's deltas for one count table, by key. Deltas add up whatever their
    order, so the parts of a shared rebuild may add theirs together (``added_up``) and
    write each key once."""

    def __init__(self, table: CountTable) -> None:
        super().__init__()
        self.table = table

    def add(self, other: Pending) -> None:
        for key, deltas in other.items():
            mine = self.get(key)
            if mine is None:
                self[key] = deltas
            else:
                self[key] = [a + b for a, b in zip(mine, deltas, strict=True)]

    def write(self, tx: ViewTransaction) -> None:
        self.table.write(tx, self)


def added_up(parts: Iterable[Iterable[PendingCounts]]) -> list[PendingCounts]:
    """The counts of several parts, each table's added into one."""
    by_table: dict[str, PendingCounts] = {}
    for part in parts:
        for counts in part:
            known = by_table.setdefault(counts.table.table, counts)
            if known is not counts:
                known.add(counts)
    return list(by_table.values())


class CountTable:
    """How one table's counts are written. A key's row may be left at zero when one of
    its deltas is negative, or, given ``covering``, when the delta of that count (one
    that is zero only when all the others are) is negative. With ``zeros_as_nulls`` a
    count of zero is written as NULL (its columns must allow it, and readers take NULL
    for zero): for wide rows of mostly zero counts, a NULL takes a bit of the row where
    a zero takes the count's width."""

    def __init__(
        self,
        table: str,
        key_columns: Sequence[str],
        count_columns: Sequence[str],
        covering: int | None = None,
        zeros_as_nulls: bool = False,
    ) -> None:
        self.table = table
        self._covering = covering
        self._nulls = frozenset(count_columns) if zeros_as_nulls else frozenset()
        self._columns = (*key_columns, *count_columns)
        self._key_columns = tuple(key_columns)
        if zeros_as_nulls:
            # A count that adds up to zero is NULL again: the rows then stay the same
            # however the events were grouped into transactions.
            added = (
                "NULLIF(COALESCE({table}.{count} + excluded.{count}, {table}.{count},"
                " excluded.{count}), 0)"
            )
            empty = "{count} IS NULL"
        else:
            added, empty = "{table}.{count} + excluded.{count}", "{count} = 0"
        self._add = f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET " + ", ".join(
            f"{count} = {added.format(table=table, count=count)}" for count in count_columns
        )
        self._empty = " AND ".join(empty.format(count=count) for count in count_columns)

    def pending(self, tx: ViewTransaction) -> Pending:
        """This transaction's deltas for the table, written once before it commits."""
        pending: PendingCounts = tx.deferred(self.table, lambda: PendingCounts(self), self.write)
        return pending

    def write(self, tx: ViewTransaction, pending: Pending) -> None:
        rows = [(*key, *deltas) for key, deltas in pending.items() if any(deltas)]
        # In key order: each row then lands beside the one before it in the table's
        # b-tree, which measured two to three times faster than in the order added.
        rows.sort()
        if rows:
            tx.insert_many(self.table, self._columns, rows, self._add, self._nulls)
        covering = self._covering
        if covering is None:
            emptied = [key for key, deltas in pending.items() if min(deltas) < 0]
        else:
            emptied = [key for key, deltas in pending.items() if deltas[covering] < 0]
        if emptied:
            tx.delete_many(self.table, self._key_columns, emptied, self._empty)
