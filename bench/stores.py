"""Fresh, empty stores for one measurement: a new SQLite file, or a PostgreSQL database
created for the run and dropped after it. A filled PostgreSQL database can be kept as a
template for later runs, which then start from a copy of it."""

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


def settle_postgres(postgres_url: str) -> None:
    """``VACUUM (ANALYZE)`` a freshly loaded database, as autovacuum would soon after: its
    visibility map and hint bits are then set, and reading it writes nothing. Otherwise
    the first reads of a million fresh rows write their pages again, and autovacuum
    works through them while the measurement runs."""
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def sqlite_version() -> str:
    return sqlite3.sqlite_version


def postgres_version(postgres_url: str) -> str:
    with _maintenance_connection(postgres_url) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def template_note(postgres_url: str, template: str) -> str | None:
    """What was noted on the template database ``template`` when it was kept; None when
    there is no such database."""
    with _maintenance_connection(postgres_url) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (template,),
        ).fetchone()
    return None if row is None else str(row[0] or "")


def copy_template(postgres_url: str, template: str) -> None:
    """Make the run's database a copy of ``template`` (file by file: much faster than
    through the WAL for a large database)."""
    _recreate_database(postgres_url, template)


def keep_as_template(postgres_url: str, template: str, note: str) -> None:
    """Vacuum and analyze the run's database, as a long-lived one would be, then copy it
    (nothing may be connected to it) to ``template`` with ``note`` as its comment."""
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    _create_database(template, postgres_url, _database_name(postgres_url))
    _administer(
        postgres_url,
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(template), sql.Literal(note)),
    )


def _recreate_database(postgres_url: str, template: str | None = None) -> None:
    _drop_database(postgres_url)
    _create_database(_database_name(postgres_url), postgres_url, template)


def _create_database(name: str, postgres_url: str, template: str | None) -> None:
    owner = urlsplit(postgres_url).username or "aduan"
    statement = sql.SQL("CREATE DATABASE {} OWNER {}").format(
        sql.Identifier(name), sql.Identifier(owner)
    )
    if template is not None:
        statement += sql.SQL(" TEMPLATE {} STRATEGY FILE_COPY").format(sql.Identifier(template))
    _administer(postgres_url, statement)


def _drop_database(postgres_url: str) -> None:
    """Drop the run's database. This role's sessions on it are ended first; an autovacuum
    worker busy in it is stopped by DROP DATABASE itself (``WITH (FORCE)`` would need the
    right to signal that worker too, which the role has not)."""
    name = _database_name(postgres_url)
    with _maintenance_connection(postgres_url) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND usename = current_user AND pid <> pg_backend_pid()",
            (name,),
        )
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


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
