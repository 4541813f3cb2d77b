"""A transaction that reads the view now and writes later: its writes are recorded, as
plain data, to be replayed in a transaction of their own, in this process or another.
Its count tables' deltas are held, not written (``counts``): the processes sharing a
rebuild add theirs up and write each key once.
A rebuild works out one batch of events this way while the batch before it is still
being written (projections.runner), and in several processes at once
(projections.rebuild_parts).

What the batch before changed may not be committed when this one reads: a projection's
state carried from one batch to the next (``earlier``) is where to look for it first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from projections.counts import PendingCounts
from projections.store import Row, ViewTransaction

Write = tuple[str, tuple[Any, ...]]  # a ViewTransaction method's name and arguments


class RecordingTransaction(ViewTransaction):
    def __init__(self, reading: ViewTransaction, earlier: Mapping[str, Any]) -> None:
        self._reading = reading
        self._earlier = earlier
        self.writes: list[Write] = []

    def earlier(self, name: str) -> Any:
        return self._earlier.get(name)

    def states(self) -> dict[str, Any]:
        """The projection's states of this batch, by name: the next batch's ``earlier``."""
        deferred = getattr(self, "_deferred", {})
        return {name: state for name, (state, _) in deferred.items() if not self.holds(state)}

    def holds(self, state: Any) -> bool:
        return isinstance(state, PendingCounts)

    def counts(self) -> list[PendingCounts]:
        """The count tables' deltas, held unwritten."""
        return [state for state, _ in getattr(self, "_deferred", {}).values() if self.holds(state)]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._reading.query(sql, params)

    def rebuild_running(self, name: str) -> bool:
        return self._reading.rebuild_running(name)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.writes.append(("execute", (sql, params)))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.writes.append(("executemany", (sql, rows)))

    def insert_many(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        on_conflict: str = "",
        zeros_as_nulls: Collection[str] = (),
    ) -> None:
        self.writes.append(("insert_many", (table, columns, rows, on_conflict, zeros_as_nulls)))

    def update_many(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        self.writes.append(("update_many", (table, columns, rows)))

    def delete_many(
        self, table: str, key_columns: Sequence[str], keys: Sequence[Sequence[Any]], condition: str
    ) -> None:
        self.writes.append(("delete_many", (table, key_columns, keys, condition)))


REPLAYED = frozenset(("execute", "executemany", "insert_many", "update_many", "delete_many"))


def replay(tx: ViewTransaction, writes: Sequence[Write]) -> None:
    """Make recorded writes in ``tx``, in the order they were recorded."""
    for method, arguments in writes:
        if method not in REPLAYED:
            raise ValueError(f"Not a recorded write: {method}")
        getattr(tx, method)(*arguments)
