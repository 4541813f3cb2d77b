"""Fresh, empty stores for one measurement: a new SQLite file, or a PostgreSQL database
created for the run and dropped after it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import psycopg
from psycopg import sql

STORES = ("sqlite", "postgres")
DEFAULT_POSTGRES_URL = "postgresql://aduan:aduan@127.0.0.1:5432/aduan_bench"


@contextmanager
def fresh_store(kind: str, workdir: Path, postgres_url: str) -> Iterator[str]:
    """Yield the ADUAN_DATABASE_URL of an empty store of ``kind``."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir.resolve() / f'aduan-{uuid4().hex[:8]}.db'}"
        return
    _recreate_database(postgres_url)
    try:
        yield postgres_url
    finally:
        _drop_database(postgres_url)


def sqlite_version() -> str:
    return sqlite3.sqlite_version


def postgres_version(postgres_url: str) -> str:
    with _maintenance_connection(postgres_url) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def _recreate_database(postgres_url: str) -> None:
    _drop_database(postgres_url)
    owner = urlsplit(postgres_url).username or "aduan"
    _administer(
        postgres_url,
        sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(_database_name(postgres_url)), sql.Identifier(owner)
        ),
    )


def _drop_database(postgres_url: str) -> None:
    _administer(
        postgres_url,
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(_database_name(postgres_url))
        ),
    )


def _administer(postgres_url: str, statement: sql.Composed) -> None:
    with _maintenance_connection(postgres_url) as connection:
        connection.execute(statement)


@contextmanager
def _maintenance_connection(postgres_url: str) -> Iterator[psycopg.Connection[Any]]:
    """The same server and role, connected to the ``postgres`` database."""
    maintenance_url = urlunsplit(urlsplit(postgres_url)._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5) as connection:
            yield connection
    except psycopg.Error as error:
        raise SystemExit(
            f"cannot manage the bench database at {_without_password(postgres_url)}: {error}\n"
            "Start PostgreSQL with `make postgres` (the role needs CREATEDB), "
            "or run with --store sqlite."
        ) from error


def _database_name(postgres_url: str) -> str:
    name = urlsplit(postgres_url).path.lstrip("/")
    if not name:
        raise SystemExit(f"{postgres_url} names no database; end it with /aduan_bench")
    return name


def _without_password(postgres_url: str) -> str:
    parts = urlsplit(postgres_url)
    if parts.password is None:
        return postgres_url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
