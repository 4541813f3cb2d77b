"""The key that signs checkpoints: from settings, or made once and kept in a file."""

from __future__ import annotations

import os
from pathlib import Path

from infra.key_files import key_file
from infra.settings import Settings
from infra.transparency.note import NoteError, NoteSigner


class SigningKeyError(ValueError):
    """The signing key cannot be used; the message says why and what to do."""


def resolve_signer(settings: Settings) -> NoteSigner:
    """The signing key; unset and not yet in its file, it is made and kept there."""
    return _signer(settings, make_if_missing=True)


def resolve_existing_signer(settings: Settings) -> NoteSigner:
    """The signing key the log was signed with, for checks that must not make a new one."""
    return _signer(settings, make_if_missing=False)


def _signer(settings: Settings, make_if_missing: bool) -> NoteSigner:
    if settings.ledger_signing_key:
        signer = _parse(settings.ledger_signing_key, "ADUAN_LEDGER_SIGNING_KEY")
    else:
        path = key_file(settings, settings.ledger_signing_key_file, "ledger.key")
        if not make_if_missing and not path.exists():
            raise SigningKeyError(
                f"No signing key at {path}: the log's checkpoints are signed with the key made "
                "when it was first followed (by aduan serve, or aduan ledger follow). Set "
                "ADUAN_LEDGER_SIGNING_KEY_FILE to that file, or ADUAN_LEDGER_SIGNING_KEY to the "
                "key."
            )
        signer = _parse(_key_from_file(path, settings.ledger_origin), str(path))
    if signer.name != settings.ledger_origin:
        raise SigningKeyError(
            f"The signing key is named {signer.name} but ADUAN_LEDGER_ORIGIN is "
            f"{settings.ledger_origin}: a log's checkpoints are signed under its origin. Set "
            "the origin the key was made for, or a key made for this origin."
        )
    return signer


def _parse(text: str, where: str) -> NoteSigner:
    try:
        return NoteSigner.from_text(text)
    except NoteError as error:
        raise SigningKeyError(f"{where}: {error}") from None


def _key_from_file(path: Path, origin: str) -> str:
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = NoteSigner.generate(origin).text
    # Created readable by the owner only; a concurrent creator's key wins if it was first.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(key + "\n")
    return key
