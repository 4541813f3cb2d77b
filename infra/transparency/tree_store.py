"""The tree's tables, in the event store's own database (SQLite file or PostgreSQL):

- ``ledger_leaves``: leaf index (the ordinal in log order) → notification id, leaf hash;
- ``ledger_nodes``: the root of every complete subtree at every other level above the
  leaves (2, 4, 6, ...), by ``(level, index)``. A node of a level between is one hash of
  its two children, which are kept (leaves, at level 1): so the table holds a third as many
  nodes as there are leaves rather than as many, and a proof reads a few more rows;
- ``ledger_checkpoints``: every signed checkpoint (tree size, root hash, when, note text).

An append writes its leaves, nodes and checkpoint in one transaction: the tree's size and
the follower's position are read back from the leaves, so they can never disagree, and two
appenders of the same leaf collide on its key instead of both writing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import count, repeat
from typing import Any

import orjson
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder

from infra.schema_lock import hold_schema_lock
from infra.transparency.merkle import Node, NodeRun, node_hash
from infra.transparency.plain_sql import fetch, supported

Leaf = tuple[int, int, bytes]  # (leaf index, notification id, leaf hash)
TreeNode = tuple[int, int, bytes]  # (level, index, hash)
# Rows of one table written at once: (the first leaf's index, their notification ids, leaf
# hashes) or (the level, node indexes, hashes).
Run = tuple[int, list[int], list[bytes]]

_TABLES = (
    "CREATE TABLE IF NOT EXISTS ledger_leaves (leaf_index {integer} PRIMARY KEY, "
    "notification_id BIGINT NOT NULL UNIQUE, leaf_hash {blob} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ledger_nodes (level INTEGER NOT NULL, node_index BIGINT "
    "NOT NULL, hash {blob} NOT NULL, PRIMARY KEY (level, node_index)){without_rowid}",
    "CREATE TABLE IF NOT EXISTS ledger_checkpoints (tree_size BIGINT PRIMARY KEY, "
    "root_hash {blob} NOT NULL, created_at TEXT NOT NULL, note TEXT NOT NULL)",
)
_CHECKPOINT_COLUMNS = "tree_size, root_hash, created_at, note"
# A run's first number: the first leaf's index, one more a row; or the level, for every row.
_COUNTS_UP = {"ledger_leaves": True, "ledger_nodes": False}
_NODES = ("SELECT 0, leaf_index, leaf_hash FROM ledger_leaves WHERE {leaves} UNION ALL "
          "SELECT level, node_index, hash FROM ledger_nodes JOIN {nodes}")  # fmt: skip
_POSTGRES_NODES = (
    "unnest(%s::integer[], %s::bigint[]) AS wanted (l, i) ON level = l AND node_index = i"
)
_SQLITE_LEAVES = "leaf_index IN (SELECT value FROM json_each(?))"
_SQLITE_NODES = ("json_each(?) AS wanted ON level = json_extract(wanted.value, '$[0]') "
                 "AND node_index = json_extract(wanted.value, '$[1]')")  # fmt: skip


def kept(level: int) -> bool:
    """Whether the nodes of ``level`` are stored (level 0: the leaves)."""
    return level % 2 == 0


@dataclass(frozen=True)
class StoredCheckpoint:
    tree_size: int
    root_hash: bytes
    created_at: str  # ISO 8601, UTC
    note: str


class TreeStore:
    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._store = supported(recorder)
        self._postgres = isinstance(self._store, PostgresApplicationRecorder)
        self.separate_server = self._postgres  # the database works in processes of its own
        if self._postgres:
            self._mark, blob, without_rowid, integer = "%s", "BYTEA", "", "BIGINT"
        else:  # INTEGER PRIMARY KEY: SQLite's rowid itself, no second index to keep.
            self._mark, blob, without_rowid, integer = "?", "BLOB", " WITHOUT ROWID", "INTEGER"
        with self._store.datastore.transaction(commit=True) as cursor:
            if self._postgres:
                hold_schema_lock(cursor)
            for statement in _TABLES:
                cursor.execute(
                    statement.format(blob=blob, without_rowid=without_rowid, integer=integer)
                )

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self._mark)

    def _rows(self, statement: str, parameters: Sequence[Any] = ()) -> list[Any]:
        return fetch(self._store, self._sql(statement), parameters)

    def last_leaf(self) -> tuple[int, int]:
        """(tree size, notification id of its last leaf); (0, 0) before the first."""
        rows = self._rows(
            "SELECT leaf_index, notification_id FROM ledger_leaves ORDER BY leaf_index DESC LIMIT 1"
        )
        return (rows[0][0] + 1, rows[0][1]) if rows else (0, 0)

    def append(
        self, leaves: Run, nodes: Sequence[NodeRun], checkpoints: Sequence[StoredCheckpoint]
    ) -> None:
        node_runs = [(level, list(range(first, first + len(hashes))), hashes)
                     for level, first, hashes in nodes if kept(level)]  # fmt: skip
        with self._store.datastore.transaction(commit=True) as cursor:
            self._insert(cursor, "ledger_leaves", "leaf_index, notification_id, leaf_hash",
                         [leaves] if leaves[1] else [])  # fmt: skip
            self._insert(cursor, "ledger_nodes", "level, node_index, hash", node_runs)
            cursor.executemany(
                self._sql(f"INSERT INTO ledger_checkpoints ({_CHECKPOINT_COLUMNS}) "
                          "VALUES (?, ?, ?, ?)"),
                [(c.tree_size, c.root_hash, c.created_at, c.note) for c in checkpoints],
            )  # fmt: skip

    def _insert(self, cursor: Any, table: str, columns: str, runs: Sequence[Run]) -> None:
        if not runs:
            return
        counts_up = _COUNTS_UP[table]
        if self._postgres:  # COPY: several times faster than row-by-row inserts
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for first, keys, hashes in runs:
                    firsts = count(first) if counts_up else repeat(first)
                    for row in zip(firsts, keys, hashes, strict=False):
                        copy.write_row(row)
            return
        # One statement a run: SQLite unpacks a JSON array of its keys and one blob of its
        # hashes itself, two to three times faster than an executemany of its rows.
        first_column = "? + key" if counts_up else "?"
        statement = (f"INSERT INTO {table} ({columns}) SELECT {first_column}, value, "
                     "substr(?, 32 * key + 1, 32) FROM json_each(?)")  # fmt: skip
        for first, keys, hashes in runs:
            cursor.execute(statement, (first, b"".join(hashes), orjson.dumps(keys)))

    def nodes(self, wanted: Iterable[Node]) -> dict[Node, bytes]:
        """The hashes of the given complete subtrees (level 0: the leaves) that exist."""
        asked = set(wanted)
        between = {node for node in asked if not kept(node[0])}
        children = {(level - 1, 2 * index + side) for level, index in between for side in (0, 1)}
        found = self._kept_nodes((asked - between) | children)
        for level, index in between:
            left, right = found.get((level - 1, 2 * index)), found.get((level - 1, 2 * index + 1))
            if left is not None and right is not None:
                found[(level, index)] = node_hash(left, right)
        return {node: found[node] for node in asked if node in found}

    def _kept_nodes(self, wanted: set[Node]) -> dict[Node, bytes]:
        """One statement whose text never changes, so it is planned once (a chain of ORs
        took PostgreSQL longer to plan than to run)."""
        leaves = [index for level, index in wanted if level == 0]
        inner = [node for node in wanted if node[0] > 0]
        if self._postgres:
            statement = _NODES.format(leaves="leaf_index = ANY(%s)", nodes=_POSTGRES_NODES)
            parameters: list[Any] = [leaves, [level for level, _ in inner], [i for _, i in inner]]
        else:
            statement = _NODES.format(leaves=_SQLITE_LEAVES, nodes=_SQLITE_NODES)
            parameters = [orjson.dumps(leaves), orjson.dumps(inner)]
        rows = fetch(self._store, statement, parameters)
        return {(level, index): bytes(digest) for level, index, digest in rows}

    def leaves_between(self, start: int, end: int) -> list[Leaf]:
        return self._rows(
            "SELECT leaf_index, notification_id, leaf_hash FROM ledger_leaves "
            "WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
            (start, end),
        )

    def nodes_above(self, start: int, end: int) -> set[TreeNode]:
        """Every stored node that appending leaves [start, end) makes, at once."""
        levels = range(2, end.bit_length() + 1, 2)
        spans = [(level, start >> level, end >> level) for level in levels]
        spans = [span for span in spans if span[1] < span[2]]
        if not spans:
            return set()
        where = " OR ".join(["(level = ? AND node_index >= ? AND node_index < ?)"] * len(spans))
        rows = self._rows(
            f"SELECT level, node_index, hash FROM ledger_nodes WHERE {where}",
            [value for span in spans for value in span],
        )
        return set(rows)

    def leaves_of(self, notification_ids: Sequence[int]) -> dict[int, Leaf]:
        """The leaves of these notification ids that the tree holds, by notification id."""
        if not notification_ids:
            return {}
        marks = ", ".join("?" * len(notification_ids))
        rows = self._rows(
            "SELECT leaf_index, notification_id, leaf_hash FROM ledger_leaves "
            f"WHERE notification_id IN ({marks})",
            notification_ids,
        )
        return {row[1]: row for row in rows}

    def checkpoint(self, tree_size: int | None = None) -> StoredCheckpoint | None:
        """The checkpoint of ``tree_size``, or the latest."""
        select = f"SELECT {_CHECKPOINT_COLUMNS} FROM ledger_checkpoints"
        if tree_size is None:
            rows = self._rows(f"{select} ORDER BY tree_size DESC LIMIT 1")
        else:
            rows = self._rows(f"{select} WHERE tree_size = ?", (tree_size,))
        return StoredCheckpoint(*rows[0]) if rows else None

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._rows(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM ledger_checkpoints ORDER BY tree_size"
        )
        return [StoredCheckpoint(size, bytes(root), at, note) for size, root, at, note in rows]
