"""Turns ``ADUAN_DATABASE_URL`` into the eventsourcing library's environment."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from infra.settings import Settings

TRANSCODER_TOPIC = "infra.transcoder:OrjsonTranscoder"
SQLITE_RECORDER_TOPIC = "infra.sqlite_recorder:MultiRowSQLiteRecorder"
POSTGRES_FACTORY_TOPIC = "infra.postgres_recorder:EventStorePostgresFactory"
POSTGRES_URL_EXAMPLE = "postgresql://user:password@127.0.0.1:5432/aduan"
# How long a statement waits for a pooled connection, in every pool of PostgreSQL's (events,
# views, personal keys). When PostgreSQL is down a pool has none to give, and a request is
# then answered 503 after a few such waits (the event store tries a statement three times:
# infra.postgres_recorder), not after the pools' default 30 s a try.
POSTGRES_POOL_WAIT_SECONDS = 2
SQLITE_URL_EXAMPLE = "sqlite:///var/aduan.db"


class DatabaseUrlError(ValueError):
    """The database URL cannot be used; the message says what to write instead."""


def persistence_env(settings: Settings) -> dict[str, str]:
    env = {"TRANSCODER_TOPIC": TRANSCODER_TOPIC}
    env.update(_store_env(settings.database_url, settings.postgres_pool_size))
    return env


def sqlite_path(database_url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (three slashes: relative, four: absolute)."""
    if not database_url.startswith("sqlite:///"):
        return None
    return Path(database_url.removeprefix("sqlite:///"))


def _store_env(url: str, pool_size: int) -> dict[str, str]:
    path = sqlite_path(url)
    if path is not None:
        _make_sqlite_file(url, path)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10",
            "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER_TOPIC,
        }
    parts, port = _split_url(url)
    if parts.scheme in ("postgresql", "postgres"):
        dbname = parts.path.lstrip("/")
        if not dbname or not parts.username:
            raise DatabaseUrlError(f"{url!r} needs a user and a database: {POSTGRES_URL_EXAMPLE}")
        return {
            "PERSISTENCE_MODULE": POSTGRES_FACTORY_TOPIC,
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(port or 5432),
            "POSTGRES_USER": unquote(parts.username),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_LOCK_TIMEOUT": "5",
            "POSTGRES_CONNECT_TIMEOUT": str(POSTGRES_POOL_WAIT_SECONDS),
        }
    raise DatabaseUrlError(
        f"Unsupported ADUAN_DATABASE_URL {url!r}: use {SQLITE_URL_EXAMPLE}, "
        f"or {POSTGRES_URL_EXAMPLE}"
    )


def _split_url(url: str) -> tuple[SplitResult, int | None]:
    """The URL's parts and its port, refused with what to write when either cannot be read."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # a port out of range or not a number, a broken IPv6 host
        raise DatabaseUrlError(
            f"{url!r} is not a usable URL ({error}); write {POSTGRES_URL_EXAMPLE} "
            f"or {SQLITE_URL_EXAMPLE}"
        ) from None
    if port == 0:
        raise DatabaseUrlError(
            f"{url!r} names port 0; write the server's port, e.g. {POSTGRES_URL_EXAMPLE}"
        )
    return parts, port


def _make_sqlite_file(url: str, path: Path) -> None:
    """Creates the store's file (empty, which SQLite takes as a new database) and its
    directory, refusing a path where no file can be made with what to write instead."""
    if not path.name:
        raise DatabaseUrlError(f"{url!r} names no file; write {SQLITE_URL_EXAMPLE}")
    if path.is_dir():
        raise DatabaseUrlError(
            f"{url!r} names the directory {path}; name a file in it: sqlite:///{path / 'aduan.db'}"
        )
    not_a_directory = next(
        (parent for parent in path.parents if parent.exists() and not parent.is_dir()), None
    )
    if not_a_directory is not None:
        raise DatabaseUrlError(
            f"{url!r} puts the store under {not_a_directory}, which is a file, not a "
            f"directory; name a file in a directory, e.g. {SQLITE_URL_EXAMPLE}"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.open("ab").close()
    except OSError as error:
        raise DatabaseUrlError(
            f"{url!r}: cannot create {path} ({error.strerror}); name a file in a directory "
            f"you can write to, e.g. {SQLITE_URL_EXAMPLE}"
        ) from None
