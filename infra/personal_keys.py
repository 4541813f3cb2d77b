"""The keys that complainants' personal data is sealed with, kept apart from the events.

On SQLite they live in a file of their own beside the event store (``aduan.keys.db``), so
a copy of the event log carries no key; on PostgreSQL in the table ``personal_data_keys``.
Erasing destroys a key: the row keeps its reference, its complaint and when it was erased,
and the key bytes are overwritten (SQLite's ``secure_delete`` and a WAL checkpoint; on
PostgreSQL the table is vacuumed, so the old row version does not linger).
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool

from infra.event_store import POSTGRES_FACTORY_TOPIC, POSTGRES_POOL_WAIT_SECONDS
from infra.schema_lock import hold_schema_lock

TABLE = "personal_data_keys"
KEYS_PER_STATEMENT = 200  # four parameters each: under the oldest SQLite limit (999)
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (ref TEXT PRIMARY KEY, complaint_id TEXT NOT NULL,"
    " key BYTEA, created_at TEXT NOT NULL, erased_at TEXT)"
)


@dataclass(frozen=True)
class PersonalKey:
    ref: str
    complaint_id: str
    key: bytes
    created_at: datetime


@dataclass(frozen=True)
class KeyRecord:
    ref: str
    complaint_id: str
    key: bytes | None  # None once erased
    erased_at: str | None


class PersonalKeys(ABC):
    @abstractmethod
    def put(self, keys: Sequence[PersonalKey]) -> None:
        """Store new keys durably (a key already stored is left as it is)."""

    @abstractmethod
    def find(self, ref: str) -> KeyRecord | None: ...

    @abstractmethod
    def destroy(self, ref: str, at: datetime) -> None: ...

    @abstractmethod
    def close(self) -> None: ...


class MemoryPersonalKeys(PersonalKeys):
    """For a ledger kept in memory (its events are not kept either)."""

    def __init__(self) -> None:
        self._records: dict[str, KeyRecord] = {}

    def put(self, keys: Sequence[PersonalKey]) -> None:
        for k in keys:
            self._records.setdefault(k.ref, KeyRecord(k.ref, k.complaint_id, k.key, None))

    def find(self, ref: str) -> KeyRecord | None:
        return self._records.get(ref)

    def destroy(self, ref: str, at: datetime) -> None:
        record = self._records[ref]
        self._records[ref] = KeyRecord(ref, record.complaint_id, None, at.isoformat())

    def close(self) -> None:
        self._records.clear()


class SQLitePersonalKeys(PersonalKeys):
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")  # a lost key is lost data
        self._connection.execute("PRAGMA secure_delete=ON")
        self._connection.execute(DDL.replace("BYTEA", "BLOB"))

    def put(self, keys: Sequence[PersonalKey]) -> None:
        """One statement (its own transaction) for up to KEYS_PER_STATEMENT keys: a group
        commit's keys cost one wait for SQLite, not one per key. Keys are stored before the
        events that need them, so keys left by a later statement's failure are only unused."""
        with self._lock:
            for start in range(0, len(keys), KEYS_PER_STATEMENT):
                chunk = keys[start : start + KEYS_PER_STATEMENT]
                values = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
                self._connection.execute(
                    f"INSERT OR IGNORE INTO {TABLE} (ref, complaint_id, key, created_at)"
                    f" VALUES {values}",
                    [value for key in chunk for value in _row(key)],
                )

    def find(self, ref: str) -> KeyRecord | None:
        with self._lock:
            row = self._connection.execute(
                f"SELECT ref, complaint_id, key, erased_at FROM {TABLE} WHERE ref = ?", (ref,)
            ).fetchone()
        return KeyRecord(row[0], row[1], row[2], row[3]) if row else None

    def destroy(self, ref: str, at: datetime) -> None:
        with self._lock:
            self._connection.execute(
                f"UPDATE {TABLE} SET key = NULL, erased_at = COALESCE(erased_at, ?) WHERE ref = ?",
                (at.isoformat(), ref),
            )
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _row(key: PersonalKey) -> tuple[str, str, bytes, str]:
    return key.ref, key.complaint_id, key.key, key.created_at.isoformat()


class PostgresPersonalKeys(PersonalKeys):
    def __init__(self, conninfo: str) -> None:
        self._pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=4,
            open=True,
            kwargs={"autocommit": True},
            timeout=POSTGRES_POOL_WAIT_SECONDS,
        )
        with self._pool.connection() as connection, connection.transaction():
            hold_schema_lock(connection)
            connection.execute(DDL)

    def put(self, keys: Sequence[PersonalKey]) -> None:
        with self._pool.connection() as connection, connection.transaction():
            connection.cursor().executemany(
                f"INSERT INTO {TABLE} (ref, complaint_id, key, created_at)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (ref) DO NOTHING",
                [_row(key) for key in keys],
            )

    def find(self, ref: str) -> KeyRecord | None:
        with self._pool.connection() as connection:
            row = connection.execute(
                f"SELECT ref, complaint_id, key, erased_at FROM {TABLE} WHERE ref = %s", (ref,)
            ).fetchone()
        return KeyRecord(row[0], row[1], row[2] and bytes(row[2]), row[3]) if row else None

    def destroy(self, ref: str, at: datetime) -> None:
        with self._pool.connection() as connection:
            connection.execute(
                f"UPDATE {TABLE} SET key = NULL, erased_at = COALESCE(erased_at, %s)"
                " WHERE ref = %s",
                (at.isoformat(), ref),
            )
            connection.execute(f"VACUUM {TABLE}")

    def close(self) -> None:
        self._pool.close()


def open_personal_keys(env: Mapping[str, str]) -> PersonalKeys:
    """The key store that goes with the event store the eventsourcing ``env`` describes."""
    module = env.get("PERSISTENCE_MODULE", "")
    if module == "eventsourcing.sqlite":
        database = Path(env.get("SQLITE_DBNAME", ":memory:"))
        if str(database) != ":memory:":
            return SQLitePersonalKeys(database.with_name(f"{database.stem}.keys.db"))
    elif module in ("eventsourcing.postgres", POSTGRES_FACTORY_TOPIC):
        return PostgresPersonalKeys(_conninfo(env))
    return MemoryPersonalKeys()


def _conninfo(env: Mapping[str, str]) -> str:
    return make_conninfo(
        dbname=env.get("POSTGRES_DBNAME"),
        host=env.get("POSTGRES_HOST", "127.0.0.1"),
        port=env.get("POSTGRES_PORT", "5432"),
        user=env.get("POSTGRES_USER"),
        password=env.get("POSTGRES_PASSWORD", ""),
    )
