"""The key that signs staff tokens: from settings, or made once and kept in a file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from infra.key_files import key_file
from infra.settings import Settings


def resolve_secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    return _key_from_file(key_file(settings, settings.secret_key_file, "secret.key"))


def _key_from_file(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created readable by the owner only; a concurrent creator's key wins if it was first.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(key)
    return key
