"""Where a key made on first start is kept: beside the SQLite store, so every command that
opens the store finds it from any directory; on PostgreSQL, in ``var/``."""

from __future__ import annotations

from pathlib import Path

from infra.event_store import sqlite_path
from infra.settings import Settings


def key_file(settings: Settings, configured: Path | None, name: str) -> Path:
    if configured is not None:
        return configured
    store = sqlite_path(settings.database_url)
    return (store.parent if store is not None else Path("var")) / name
