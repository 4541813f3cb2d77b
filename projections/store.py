"""Where views live: in the event store's PostgreSQL database, or on SQLite in a file beside
the event store's (``sqlite_store``; one writer per file: view writes must not wait on
filings, nor the reverse).

SQL is written once with ``?`` placeholders and portable syntax (``ON CONFLICT`` upserts,
row-value comparisons); the PostgreSQL store translates the placeholders, and leaves out
SQLite's ``WITHOUT ROWID`` (a table stored as its primary key's b-tree). A list of values
is one parameter, a Python list, written ``column = ANY(?)``: PostgreSQL takes it as an
array, so the statement's text is the same however long the list and its plan can be
prepared once per connection; SQLite spells it out as ``column IN (?, ?, ...)``. Each view's
tracking position is written in the same transaction as the view's rows, so a projection
applies every event exactly once and resumes where it stopped.
"""

from __future__ import annotations

import time
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import IsolationLevel
from psycopg_pool import ConnectionPool

Row = tuple[Any, ...]

POSITIONS_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_positions ("
    " name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL)"
)


BULK_ROWS = 200  # from this many rows on, a PostgreSQL write goes through COPY
VIEWS_SCHEMA_LOCK = 0x61647673_00000000  # an advisory lock's key, held while tables are made
# How long a rebuild waits for the view's rebuild lock (live runners give it up within a
# transaction; another rebuild holds it to its end).
REBUILD_LOCK_WAIT_SECONDS = 5.0
_REBUILD_LOCK_RETRY_SECONDS = 0.05


class ViewRebuildingError(RuntimeError):
    """Another process is rebuilding the view."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Another process is rebuilding the view {name}; wait for it to end "
            "(aduan projections status shows its position), then try again."
        )


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

    def earlier(self, name: str) -> Any:
        """The state called ``name`` of the batch of events applied just before this
        transaction's, when that batch may not be committed yet (see
        projections.recording); None when everything before is in the view."""
        return None

    def flush_deferred(self) -> None:
        """Flush every deferred state in the order first used, but those the transaction
        ``holds``; one flushed may defer more (rows written once, then the counts they
        move), flushed after it."""
        deferred = getattr(self, "_deferred", {})
        flushed = 0
        while flushed < len(deferred):
            state, flush = list(deferred.values())[flushed]
            if not self.holds(state):
                flush(self, state)
            flushed += 1

    def holds(self, state: Any) -> bool:
        """Whether a deferred state is left unflushed, for the caller to write."""
        return False

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
        zeros_as_nulls: Collection[str] = (),
    ) -> None:
        """Insert ``rows`` (values of ``columns``), each subject to ``on_conflict`` (an
        ``ON CONFLICT`` clause; no two rows may have the same key). The columns in
        ``zeros_as_nulls`` get NULL where their value is 0: the database turns them, as
        zeros are bound faster than NULLs (much faster by Python's sqlite3)."""
        listed = ", ".join(columns)
        staged = self._staged(table, columns, rows)
        if staged is not None:
            selected = ", ".join(_null_if_zero(c, c, zeros_as_nulls) for c in columns)
            self.execute(
                f"INSERT INTO {table} ({listed}) SELECT {selected} FROM {staged} {on_conflict}"
            )
            return
        marks = ", ".join(_null_if_zero("?", c, zeros_as_nulls) for c in columns)
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

    def delete_many(
        self, table: str, key_columns: Sequence[str], keys: Sequence[Sequence[Any]], condition: str
    ) -> None:
        """Delete the rows found by ``keys`` (values of ``key_columns``) that also meet
        ``condition`` (on the table's other columns)."""
        staged = self._staged(table, key_columns, keys)
        if staged is not None:
            matched = " AND ".join(f"{table}.{key} = {staged}.{key}" for key in key_columns)
            self.execute(f"DELETE FROM {table} USING {staged} WHERE {matched} AND {condition}")
            return
        found = " AND ".join(f"{column} = ?" for column in key_columns)
        self.executemany(f"DELETE FROM {table} WHERE {found} AND {condition}", keys)

    def _staged(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> str | None:
        """A table ``rows`` were loaded into, to be written from in one statement, where
        the store loads many rows faster that way; None: write them a row at a time."""
        return None

    ROW_LOCK = ""  # what a read for update adds, where a writer does not lock the whole store

    def locked_position(self, name: str, version: int) -> int:
        """The view's position, read for update: no other writer moves it before this
        transaction ends. A view that has none yet is given 0."""
        select = f"SELECT position FROM projection_positions WHERE name = ?{self.ROW_LOCK}"
        rows = self.query(select, (name,))
        if not rows:
            self.execute(
                "INSERT INTO projection_positions (name, position, version) VALUES (?, 0, ?) "
                "ON CONFLICT (name) DO NOTHING",
                (name, version),
            )
            rows = self.query(select, (name,))
        return int(rows[0][0])

    @abstractmethod
    def rebuild_running(self, name: str) -> bool:
        """Whether another process is rebuilding the view (it holds ``ViewStore.
        rebuild_lock``). When not, no rebuild changes the view before this transaction
        ends."""

    def set_position(self, name: str, position: int, version: int) -> None:
        self.execute(
            "INSERT INTO projection_positions (name, position, version) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
            "version = excluded.version",
            (name, position, version),
        )


class ViewStore(ABC):
    # Whether the views' writes take this process's time (SQLite's code runs in it) rather
    # than a database server's.
    writes_in_process = False

    @abstractmethod
    def transaction(self, write: bool = True, plans_by_text: bool = False) -> Any:
        """A context manager giving a ViewTransaction, committed on a clean exit. A reading
        one (``write=False``) sees one snapshot of the views in all its statements.
        ``plans_by_text``: the best plan of each of its statements does not depend on the
        values of its parameters (counts read by their keys), so a store that can keep a
        statement's plan may plan it once, not at every execution."""

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
    def rebuild_lock(self, name: str) -> Any:
        """A context manager holding the view's rebuild lock, across processes: runners
        following the log leave the view alone meanwhile (``ViewTransaction.
        rebuild_running``). Raises ViewRebuildingError if another rebuild holds it for
        longer than ``REBUILD_LOCK_WAIT_SECONDS``. A process that dies holding it lets it
        go."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""


def wait_for_lock(try_lock: Callable[[], bool], name: str) -> None:
    """Call ``try_lock`` until it gets the rebuild lock of the view ``name``."""
    deadline = time.monotonic() + REBUILD_LOCK_WAIT_SECONDS
    while not try_lock():
        if time.monotonic() >= deadline:
            raise ViewRebuildingError(name)
        time.sleep(_REBUILD_LOCK_RETRY_SECONDS)


def rebuild_lock_key(name: str) -> int:
    """The PostgreSQL advisory lock key of a view's rebuild lock."""
    return 0x61647672 << 32 | zlib.crc32(name.encode())


class _PostgresTransaction(ViewTransaction):
    """Writes of many rows go through COPY into a temporary table, then one statement:
    several times faster than a statement per row, even pipelined."""

    ROW_LOCK = " FOR UPDATE"

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self._stagings = 0

    def rebuild_running(self, name: str) -> bool:
        """A rebuild holds the view's advisory lock; this transaction takes it shared
        until it ends, so a rebuild starting meanwhile waits."""
        statement = "SELECT pg_try_advisory_xact_lock_shared(?)"
        return not self.query(statement, (rebuild_lock_key(name),))[0][0]

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
        their types, without constraints), dropped at commit. The copy is in binary: the
        values are sent as the columns' types, which costs a quarter of the client's CPU
        of writing them out as text."""
        if len(rows) < BULK_ROWS:
            return None
        self._stagings += 1
        staged = f"staged_{self._stagings}_{table}"
        listed = ", ".join(columns)
        self._connection.execute(
            f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP"
            f" AS SELECT {listed} FROM {table} WITH NO DATA"
        )
        with self._connection.cursor() as cursor:
            cursor.execute(f"SELECT {listed} FROM {staged}")
            types = [column.type_code for column in cursor.description]
            copying = f"COPY {staged} ({listed}) FROM STDIN (FORMAT BINARY)"
            with cursor.copy(copying) as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        return staged


class PostgresViewStore(ViewStore):
    def __init__(self, conninfo: str, wait_seconds: float, pool_size: int = 4) -> None:
        """``wait_seconds``: how long a transaction waits for a pooled connection before
        the store is taken to be down."""
        self._conninfo = conninfo
        self._pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=pool_size,
            open=True,
            kwargs={"autocommit": False},
            timeout=wait_seconds,
        )

    @contextmanager
    def transaction(
        self, write: bool = True, plans_by_text: bool = False
    ) -> Iterator[ViewTransaction]:
        with self._pool.connection() as connection:
            # Set before BEGIN, so it costs no round trip; writers keep the default.
            connection.isolation_level = None if write else IsolationLevel.REPEATABLE_READ
            with connection.transaction():
                if plans_by_text:
                    # Prepared statements (psycopg prepares a statement from its sixth
                    # execution on a connection) then keep one plan, not one per execution.
                    connection.execute("SET LOCAL plan_cache_mode = force_generic_plan")
                transaction = _PostgresTransaction(connection)
                yield transaction
                transaction.flush_deferred()

    def create_tables(self, statements: Sequence[str]) -> None:
        """One process at a time: ``CREATE TABLE IF NOT EXISTS`` run by two at once on a
        new database fails in one of them with a duplicate type."""
        with self.transaction() as tx:
            tx.execute("SELECT pg_advisory_xact_lock(?)", (VIEWS_SCHEMA_LOCK,))
            for statement in (POSITIONS_DDL, *statements):
                tx.execute(_without_rowid_option(statement))

    @contextmanager
    def rebuild_lock(self, name: str) -> Iterator[None]:
        """The view's advisory lock, held by a connection of its own for the rebuild."""
        key = rebuild_lock_key(name)
        with psycopg.connect(self._conninfo, autocommit=True) as connection:

            def try_lock() -> bool:
                row = connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
                return row is not None and bool(row[0])

            wait_for_lock(try_lock, name)
            yield

    def close(self) -> None:
        self._pool.close()


def values_rows(width: int, rows: int) -> str:
    """The rows of a VALUES list: ``rows`` times ``width`` placeholders."""
    row = f"({', '.join(['?'] * width)})"
    return ", ".join([row] * rows)


def _without_rowid_option(ddl: str) -> str:
    return ddl.removesuffix(" WITHOUT ROWID")


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def _null_if_zero(value: str, column: str, zeros_as_nulls: Collection[str]) -> str:
    return f"NULLIF({value}, 0)" if column in zeros_as_nulls else value
