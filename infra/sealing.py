"""AES-256-GCM sealing of one piece of personal data with a key of its own.

The sealed text is base64 of nonce (12 random bytes) and ciphertext with its tag. The
``ref`` that names the key is bound in as associated data, so a sealed value cannot be
moved under another reference and still open.
"""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.random_bytes import random_bytes

NONCE_BYTES = 12
KEY_BYTES = 32  # AES-256


class UnsealError(Exception):
    """The sealed value does not open with this key and reference."""


def new_key() -> bytes:
    return random_bytes(KEY_BYTES)


def seal(key: bytes, ref: str, plaintext: bytes) -> str:
    nonce = random_bytes(NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, plaintext, ref.encode())
    return base64.b64encode(sealed).decode("ascii")


def unseal(key: bytes, ref: str, sealed_text: str) -> bytes:
    try:
        sealed = base64.b64decode(sealed_text, validate=True)
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], ref.encode())
    except (ValueError, InvalidTag) as error:
        raise UnsealError(f"sealed data {ref} does not open: {error!r}") from error
