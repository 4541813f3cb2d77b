"""A view table's rows as one transaction changes them: each row read at most once,
changed in memory event by event, and written once before the commit.

What a row feeds (count tables) is moved once per row and transaction, from the row as
it was before the transaction (None for a new one) to the row as it is after it: the
counts are sums over rows, so one move from first to last state is the same as one per
event in between, for a fraction of the work when a row changes several times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from projections.store import Row as StoredRow
from projections.store import ViewTransaction

Row = dict[str, Any]
PREFETCH_CHUNK = 500
Moves = Callable[[ViewTransaction, Row | None, Row], None]


class RowBatch:
    """Rows of ``table`` keyed by its ``id`` column. ``columns`` are the ones events
    change (and read back): only they are read for a row already stored, and written for
    a changed one; a new row is inserted with every column it was given."""

    def __init__(
        self, table: str, columns: Sequence[str], moves: Moves, earlier: RowBatch | None = None
    ) -> None:
        self._table = table
        self._earlier = earlier  # the batch before, perhaps not written yet
        self._columns = tuple(columns)
        self._moves = moves
        self._select = f"SELECT {', '.join(self._columns)} FROM {table} WHERE id = ?"
        self._select_ids = f"SELECT id, {', '.join(self._columns)} FROM {table} WHERE id = ANY(?)"
        self._prefetched = False
        self._before: dict[str, Row | None] = {}
        self._rows: dict[str, Row] = {}

    def add(self, row_id: str, row: Row) -> None:
        """A row new in the view."""
        self._before[row_id] = None
        self._rows[row_id] = row

    def get(self, tx: ViewTransaction, row_id: str) -> Row:
        """The row as this transaction has it so far; change it in place."""
        if row_id not in self._rows and not self._prefetched:
            self._prefetch(tx)
        row = self._rows.get(row_id)
        if row is None:  # an event the runner did not announce in ``tx.events``
            for stored_id in self._keep_earlier([row_id]):
                self._keep(stored_id, tx.query(self._select, (stored_id,))[0])
            row = self._rows[row_id]
        return row

    def _prefetch(self, tx: ViewTransaction) -> None:
        """Read at once the stored rows of every aggregate the transaction's events are
        about: a statement per few hundred rows instead of one per row."""
        self._prefetched = True
        wanted = {str(event.originator_id) for event in tx.events} - self._rows.keys()
        for row_id, *values in rows_of_ids(tx, self._select_ids, self._keep_earlier(wanted)):
            self._keep(row_id, values)

    def _keep_earlier(self, row_ids: Iterable[str]) -> list[str]:
        """Take the rows the batch before left, of those ``row_ids`` it changed; returns
        the others, to be read from the view."""
        earlier = {} if self._earlier is None else self._earlier._rows
        left = []
        for row_id in row_ids:
            row = earlier.get(row_id)
            if row is None:
                left.append(row_id)
            else:
                self._keep(row_id, [row[column] for column in self._columns])
        return left

    def _keep(self, row_id: str, values: Sequence[Any]) -> Row:
        before = dict(zip(self._columns, values, strict=True))
        self._before[row_id] = before
        row = self._rows[row_id] = dict(before)
        return row

    def flush(self, tx: ViewTransaction) -> None:
        inserts: dict[tuple[str, ...], list[list[Any]]] = {}
        updates = []
        for row_id, before in self._before.items():
            row = self._rows[row_id]
            if before is None:
                inserts.setdefault(tuple(row), []).append(list(row.values()))
            elif row != before:
                updates.append([*(row[column] for column in self._columns), row_id])
            else:
                continue
            self._moves(tx, before, row)
        for columns, values in inserts.items():
            tx.insert_many(self._table, columns, values)
        if updates:
            tx.update_many(self._table, self._columns, updates)


def rows_of_ids(tx: ViewTransaction, select: str, ids: Sequence[str]) -> Iterator[StoredRow]:
    """The rows ``select`` (a query whose one parameter is the list of ids, as in
    ``WHERE id = ANY(?)``) finds for ``ids``, read PREFETCH_CHUNK ids a statement."""
    for start in range(0, len(ids), PREFETCH_CHUNK):
        yield from tx.query(select, [list(ids[start : start + PREFETCH_CHUNK])])


def row_batch(tx: ViewTransaction, table: str, columns: Sequence[str], moves: Moves) -> RowBatch:
    """This transaction's batch of ``table``'s rows."""
    batch: RowBatch = tx.deferred(
        table,
        lambda: RowBatch(table, columns, moves, tx.earlier(table)),
        lambda tx, rows: rows.flush(tx),
    )
    return batch
