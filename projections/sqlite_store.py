"""Views on SQLite: a file beside the event store's, one connection per thread.

Many rows are written by ``executemany``, one prepared statement stepped once a row:
multi-row ``INSERT``s and ``UPDATE ... FROM (VALUES ...)`` cost the views more CPU here,
with no gain measurable in the server (docs/benchmarks.md, "the views' writes").
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from projections.store import Row, ViewStore, ViewTransaction, wait_for_lock

DEFAULT_CACHE_KIB = 2000  # SQLite's own default
LOADING_CACHE_KIB = 256 * 1024


class _SQLiteTransaction(ViewTransaction):
    def __init__(
        self, connection: sqlite3.Connection, rebuild_running: Callable[[str], bool]
    ) -> None:
        self._connection = connection
        self._rebuild_running = rebuild_running

    def rebuild_running(self, name: str) -> bool:
        """A writer holds the whole file, so a rebuild found not running now cannot
        change the view before this transaction ends."""
        return self._rebuild_running(name)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._connection.execute(*_lists_spelled_out(sql, params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._connection.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._connection.execute(*_lists_spelled_out(sql, params)).fetchall()


_ANY = "= ANY("


def _lists_spelled_out(sql: str, params: Sequence[Any]) -> tuple[str, Sequence[Any]]:
    """``column = ANY(?)`` of a list made ``column IN (?, ?, ...)`` of its values (SQLite
    has no arrays, and plans an ``IN`` list better than a table-valued function)."""
    if not any(isinstance(param, list) for param in params):
        return sql, params
    pieces = sql.split("?")
    spelled, flat = [pieces[0]], []
    for param, piece in zip(params, pieces[1:], strict=True):
        if isinstance(param, list):
            spelled[-1] = spelled[-1].removesuffix(_ANY) + "IN ("
            spelled.append(", ".join("?" for _ in param))
            flat.extend(param)
        else:
            spelled.append("?")
            flat.append(param)
        spelled.append(piece)
    return "".join(spelled), flat


class SQLiteViewStore(ViewStore):
    """One connection per thread on the event store's file (WAL lets readers run while a
    writer commits). A view's rebuild lock is a file lock on a file beside it
    (``aduan.views.db-rebuild-metrics``, say), which the system lets go of when the
    process holding it ends."""

    writes_in_process = True

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._lock_files: dict[str, int] = {}  # a view's rebuild lock file, to look at

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self._path, timeout=10, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    @contextmanager
    def transaction(
        self, write: bool = True, plans_by_text: bool = False
    ) -> Iterator[ViewTransaction]:
        connection = self._connection()
        # Writers take the lock up front (no upgrade deadlocks); readers never block them.
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            transaction = _SQLiteTransaction(connection, self._rebuild_running)
            yield transaction
            transaction.flush_deferred()
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def loading(self) -> Iterator[None]:
        """A larger page cache for this thread's connection: a view's b-trees are then
        written in memory, not read back from the file at every turn."""
        connection = self._connection()
        connection.execute(f"PRAGMA cache_size = -{LOADING_CACHE_KIB}")
        try:
            yield
        finally:
            connection.execute(f"PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")

    @contextmanager
    def rebuild_lock(self, name: str) -> Iterator[None]:
        descriptor = self._open_lock_file(name)  # its own, not the one runners look at
        try:
            wait_for_lock(lambda: _try_flock(descriptor, fcntl.LOCK_EX), name)
            yield
        finally:
            os.close(descriptor)  # lets go of the lock

    def _rebuild_running(self, name: str) -> bool:
        with self._lock:
            descriptor = self._lock_files.get(name)
            if descriptor is None:
                descriptor = self._lock_files[name] = self._open_lock_file(name)
            if not _try_flock(descriptor, fcntl.LOCK_SH):
                return True
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            return False

    def _open_lock_file(self, name: str) -> int:
        return os.open(f"{self._path}-rebuild-{name}", os.O_RDWR | os.O_CREAT, 0o644)

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
            for descriptor in self._lock_files.values():
                os.close(descriptor)
            self._lock_files.clear()


def _try_flock(descriptor: int, operation: int) -> bool:
    try:
        fcntl.flock(descriptor, operation | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
