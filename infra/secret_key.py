"""The key that signs staff tokens: from settings, or made once and kept in a file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from infra.key_files import key_file
from infra.settings import SECRET_KEY_MIN_LENGTH, Settings


class SecretKeyError(ValueError):
    """The key file holds a key too short to sign tokens; the message says what to do."""


def resolve_secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    return _key_from_file(key_file(settings, settings.secret_key_file, "secret.key"))


def _key_from_file(path: Path) -> str:
    if path.exists():
        return _long_enough(path, path.read_text().strip())
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


def _long_enough(path: Path, key: str) -> str:
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise SecretKeyError(
            f"the token key in {path} has {len(key)} characters; it needs at least "
            f"{SECRET_KEY_MIN_LENGTH}. Delete the file to have a new key made (tokens signed "
            "with the old one stop working), or write a longer key in it."
        )
    return key
