"""Where views live: in the event store's PostgreSQL database, or on SQLite in a file beside
the event store's (one writer per file: view writes must not wait on filings, nor the reverse).

SQL is written once with ``?`` placeholders and portable syntax (``ON CONFLICT`` upserts,
row-value comparisons); the PostgreSQL store translates the placeholders, and leaves out
SQLite's ``WITHOUT ROWID`` (a table stored as its primary key's b-tree). Each view's
tracking position is written in the same transaction as the view's rows, so a projection
applies every event exactly once and resumes where it stopped.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg import IsolationLevel
from psycopg_pool import ConnectionPool

Row = tuple[Any, ...]

POSITIONS_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_positions ("
    " name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL)"
)


BULK_ROWS = 200  # from this many rows on, a PostgreSQL write goes through COPY
ROWS_PER_STATEMENT = 256  # rows in one of SQLite's multi-row statements, at most
DEFAULT_CACHE_KIB = 2000  # SQLite's own default
LOADING_CACHE_KIB = 256 * 1024

Flush = Callable[["ViewTransaction", Any], None]


class ViewTransaction(ABC):
    """A view store's transaction. Projections may also keep state for the length of one
    transaction (``deferred``): totals added up event by event and written once, just
    before the commit, so that a batch of events costs one write per total, not one each."""

    _deferred: dict[str, tuple[Any, Flush]]
    event_position = 0  # the log position of the event being processed, set by the runner
    events: Sequence[Any] = ()  # the events the transaction applies, set by the runner

    def deferred(self, name: str, start: Callable[[], Any], flush: Flush) -> Any:
        """This transaction's state called ``name`` (made by ``start`` on first use);
        ``flush(tx, state)`` is called once before the commit."""
        if not hasattr(self, "_deferred"):
            self._deferred = {}
        if name not in self._deferred:
            self._deferred[name] = (start(), flush)
        return self._deferred[name][0]

    def flush_deferred(self) -> None:
        """Flush every deferred state in the order first used; one flushed may defer
        more (rows written once, then the counts they move), flushed after it."""
        deferred = getattr(self, "_deferred", {})
        flushed = 0
        while flushed < len(deferred):
            state, flush = list(deferred.values())[flushed]
            flush(self, state)
            flushed += 1

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def insert_many(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        on_conflict: str = "",
    ) -> None:
        """Insert ``rows`` (values of ``columns``), each subject to ``on_conflict`` (an
        ``ON CONFLICT`` clause; no two rows may have the same key)."""
        listed = ", ".join(columns)
        staged = self._staged(table, columns, rows)
        if staged is not None:
            self.execute(
                f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {staged} {on_conflict}"
            )
            return
        marks = ", ".join("?" for _ in columns)
        self.executemany(f"INSERT INTO {table} ({listed}) VALUES ({marks}) {on_conflict}", rows)

    def update_many(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Set ``columns`` of rows found by ``id``: each row gives their values, then the id."""
        staged = self._staged(table, (*columns, "id"), rows)
        if staged is not None:
            assignments = ", ".join(f"{column} = {staged}.{column}" for column in columns)
            self.execute(
                f"UPDATE {table} SET {assignments} FROM {staged} WHERE {table}.id = {staged}.id"
            )
            return
        assignments = ", ".join(f"{column} = ?" for column in columns)
        self.executemany(f"UPDATE {table} SET {assignments} WHERE id = ?", rows)

    def _staged(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> str | None:
        """A table ``rows`` were loaded into, to be written from in one statement, where
        the store loads many rows faster that way; None: write them a row at a time."""
        return None

    def set_position(self, name: str, position: int, version: int) -> None:
        self.execute(
            "INSERT INTO projection_positions (name, position, version) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
            "version = excluded.version",
            (name, position, version),
        )


class ViewStore(ABC):
    @abstractmethod
    def transaction(self, write: bool = True) -> Any:
        """A context manager giving a ViewTransaction, committed on a clean exit. A reading
        one (``write=False``) sees one snapshot of the views in all its statements."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.transaction(write=False) as tx:
            rows: list[Row] = tx.query(sql, params)
            return rows

    def position(self, name: str) -> int:
        rows = self.query("SELECT position FROM projection_positions WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def version(self, name: str) -> int | None:
        """The view version its tables were built with; None before the first event."""
        rows = self.query("SELECT version FROM projection_positions WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else None

    def create_tables(self, statements: Sequence[str]) -> None:
        with self.transaction() as tx:
            for statement in (POSITIONS_DDL, *statements):
                tx.execute(statement)

    @contextmanager
    def loading(self) -> Iterator[None]:
        """While a view is loaded in bulk by this thread (a rebuild)."""
        yield

    @abstractmethod
    def close(self) -> None:
        """Release connections."""


class _SQLiteTransaction(ViewTransaction):
    """Many rows are written in multi-row statements. SQLite runs each statement, or each
    row of an ``executemany``, without Python's lock, and taking it back can mean waiting
    for the server's busier threads: one wait a statement instead of one a row."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._connection.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._connection.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._connection.execute(sql, params).fetchall()

    def insert_many(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        on_conflict: str = "",
    ) -> None:
        listed = ", ".join(columns)
        for chunk in self._chunks(rows, len(columns)):
            self.execute(
                f"INSERT INTO {table} ({listed})"
                f" VALUES {values_rows(len(columns), len(chunk))} {on_conflict}",
                flattened(chunk),
            )

    def update_many(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        # A VALUES list's columns are named column1, column2...; the id comes last.
        assignments = ", ".join(
            f"{column} = given.column{number}" for number, column in enumerate(columns, 1)
        )
        for chunk in self._chunks(rows, len(columns) + 1):
            self.execute(
                f"UPDATE {table} SET {assignments}"
                f" FROM (VALUES {values_rows(len(columns) + 1, len(chunk))}) AS given"
                f" WHERE {table}.id = given.column{len(columns) + 1}",
                flattened(chunk),
            )

    def _chunks(
        self, rows: Sequence[Sequence[Any]], width: int
    ) -> Iterator[Sequence[Sequence[Any]]]:
        """``rows`` in runs whose lengths are powers of two, so that a few statements of
        each kind serve every write and stay prepared in the connection's statement cache;
        at most ROWS_PER_STATEMENT long, and within SQLite's limit on parameters."""
        limit = self._connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        longest = min(ROWS_PER_STATEMENT, limit // width)
        start = 0
        while start < len(rows):
            length = min(longest, 1 << ((len(rows) - start).bit_length() - 1))
            yield rows[start : start + length]
            start += length


class SQLiteViewStore(ViewStore):
    """One connection per thread on the event store's file (WAL lets readers run while a
    writer commits)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

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
    def transaction(self, write: bool = True) -> Iterator[ViewTransaction]:
        connection = self._connection()
        # Writers take the lock up front (no upgrade deadlocks); readers never block them.
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            transaction = _SQLiteTransaction(connection)
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

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()


class _PostgresTransaction(ViewTransaction):
    """Writes of many rows go through COPY into a temporary table, then one statement:
    several times faster than a statement per row, even pipelined."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self._stagings = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._connection.execute(_pg(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._connection.cursor() as cursor:
            cursor.executemany(_pg(sql), rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self._connection.execute(_pg(sql), params).fetchall())

    def _staged(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> str | None:
        """Many rows are copied into a temporary table of ``table``'s ``columns`` (with
        their types, without constraints), dropped at commit."""
        if len(rows) < BULK_ROWS:
            return None
        self._stagings += 1
        staged = f"staged_{self._stagings}_{table}"
        listed = ", ".join(columns)
        self._connection.execute(
            f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP"
            f" AS SELECT {listed} FROM {table} WITH NO DATA"
        )
        copying = f"COPY {staged} ({listed}) FROM STDIN"
        with self._connection.cursor() as cursor, cursor.copy(copying) as copy:
            for row in rows:
                copy.write_row(row)
        return staged


class PostgresViewStore(ViewStore):
    def __init__(self, conninfo: str, pool_size: int = 4) -> None:
        self._pool = ConnectionPool(
            conninfo, min_size=1, max_size=pool_size, open=True, kwargs={"autocommit": False}
        )

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[ViewTransaction]:
        with self._pool.connection() as connection:
            # Set before BEGIN, so it costs no round trip; writers keep the default.
            connection.isolation_level = None if write else IsolationLevel.REPEATABLE_READ
            with connection.transaction():
                transaction = _PostgresTransaction(connection)
                yield transaction
                transaction.flush_deferred()

    def create_tables(self, statements: Sequence[str]) -> None:
        super().create_tables([_without_rowid_option(statement) for statement in statements])

    def close(self) -> None:
        self._pool.close()


def values_rows(width: int, rows: int) -> str:
    """The rows of a VALUES list: ``rows`` times ``width`` placeholders."""
    row = f"({', '.join(['?'] * width)})"
    return ", ".join([row] * rows)


def flattened(rows: Sequence[Sequence[Any]]) -> list[Any]:
    """The parameters of a VALUES list of ``rows``, in order."""
    return [value for row in rows for value in row]


def _without_rowid_option(ddl: str) -> str:
    return ddl.removesuffix(" WITHOUT ROWID")


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")
