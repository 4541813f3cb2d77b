"""Turns ``ADUAN_DATABASE_URL`` into the eventsourcing library's environment."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from infra.settings import Settings

TRANSCODER_TOPIC = "infra.transcoder:OrjsonTranscoder"
SQLITE_RECORDER_TOPIC = "infra.sqlite_recorder:MultiRowSQLiteRecorder"
POSTGRES_FACTORY_TOPIC = "infra.postgres_recorder:EventStorePostgresFactory"


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
        if not path.name:
            raise DatabaseUrlError(f"{url!r} names no file; write sqlite:///var/aduan.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10",
            "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER_TOPIC,
        }
    parts = urlsplit(url)
    if parts.scheme in ("postgresql", "postgres"):
        dbname = parts.path.lstrip("/")
        if not dbname or not parts.username:
            raise DatabaseUrlError(
                f"{url!r} needs a user and a database: "
                "postgresql://user:password@127.0.0.1:5432/aduan"
            )
        return {
            "PERSISTENCE_MODULE": POSTGRES_FACTORY_TOPIC,
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_LOCK_TIMEOUT": "5",
        }
    raise DatabaseUrlError(
        f"Unsupported ADUAN_DATABASE_URL {url!r}: use sqlite:///var/aduan.db, "
        "or postgresql://user:password@host:5432/dbname"
    )
