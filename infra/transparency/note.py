"""C2SP signed-note with Ed25519 keys, and the C2SP tlog-checkpoint it carries.

A note is its text (ending in a newline), a blank line, and signature lines
``— <key name> <base64(key hash || signature)>``. The key hash is the first four bytes of
SHA-256(name || "\\n" || 0x01 || public key); keys are written as Go's
``golang.org/x/mod/sumdb/note`` writes them, so standard tools read them:
``<name>+<hex key hash>+<base64(0x01 || public key)>`` to verify, and
``PRIVATE+KEY+<name>+<hex key hash>+<base64(0x01 || seed)>`` to sign.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space
PRIVATE_PREFIX = "PRIVATE+KEY+"
_NAME = re.compile(r"[^\s+]+")
_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")


class NoteError(ValueError):
    """A key, a note or a checkpoint that is malformed or does not verify."""


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise NoteError(f"a key name must be non-empty, without spaces or '+': {name!r}")
    return name


def _decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise NoteError(f"{what} is not base64") from None


def _parse_key(text: str, what: str) -> tuple[str, bytes, bytes]:
    """(name, key hash, key bytes) of ``name+hash+base64``; the base64 may hold '+'."""
    name, hash_hex, encoded = [*text.strip().split("+", 2), "", ""][:3]
    if not re.fullmatch(r"[0-9a-f]{8}", hash_hex):
        raise NoteError(f"{what} must read <name>+<8 hex digits>+<base64>")
    material = _decode(encoded, what)
    if len(material) != 33 or material[:1] != ED25519:
        raise NoteError(f"{what} is not an Ed25519 note key")
    return _check_name(name), bytes.fromhex(hash_hex), material[1:]


@dataclass(frozen=True)
class NoteVerifier:
    name: str
    public_key: bytes

    @classmethod
    def from_text(cls, text: str) -> NoteVerifier:
        name, claimed_hash, public_key = _parse_key(text, "the verifier key")
        if key_hash(name, public_key) != claimed_hash:
            raise NoteError("the verifier key's hash does not match its name and key")
        return cls(name, public_key)

    @property
    def key_hash(self) -> bytes:
        return key_hash(self.name, self.public_key)

    @property
    def text(self) -> str:
        material = base64.b64encode(ED25519 + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{material}"

    def open(self, note: str) -> str:
        """The note's text, once a signature by this key verifies; else NoteError."""
        text, signatures = split_note(note)
        for name, blob in signatures:
            if name == self.name and blob[:4] == self.key_hash:
                try:
                    Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                        blob[4:], text.encode()
                    )
                except InvalidSignature:
                    raise NoteError(f"the signature by {self.name} does not verify") from None
                return text
        raise NoteError(f"the note carries no signature by {self.name}")


@dataclass(frozen=True)
class NoteSigner:
    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> NoteSigner:
        return cls(_check_name(name), Ed25519PrivateKey.generate())

    @classmethod
    def from_text(cls, text: str) -> NoteSigner:
        if not text.strip().startswith(PRIVATE_PREFIX):
            raise NoteError(f"a signing key starts with {PRIVATE_PREFIX}")
        name, claimed_hash, seed = _parse_key(
            text.strip().removeprefix(PRIVATE_PREFIX), "the signing key"
        )
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(seed))
        if signer.verifier.key_hash != claimed_hash:
            raise NoteError("the signing key's hash does not match its name and key")
        return signer

    @property
    def verifier(self) -> NoteVerifier:
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return NoteVerifier(self.name, public)

    @property
    def text(self) -> str:
        seed = self.private_key.private_bytes_raw()
        material = base64.b64encode(ED25519 + seed).decode()
        return f"{PRIVATE_PREFIX}{self.name}+{self.verifier.key_hash.hex()}+{material}"

    def sign(self, text: str) -> str:
        if not text.endswith("\n"):
            raise NoteError("a note's text ends with a newline")
        signature = self.private_key.sign(text.encode())
        blob = base64.b64encode(self.verifier.key_hash + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {blob}\n"


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The text and the (key name, key hash || signature) of each signature line."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("a signed note is its text, a blank line, then signature lines")
    text, signatures = note[: cut + 1], []
    for line in note[cut + 2 : -1].split("\n"):
        name, _, blob = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        if not line.startswith(SIGNATURE_PREFIX) or not _NAME.fullmatch(name):
            raise NoteError(f"not a signature line: {line!r}")
        signatures.append((name, _decode(blob, "a signature")))
    return text, signatures


@dataclass(frozen=True)
class Checkpoint:
    """A C2SP tlog-checkpoint: the log's origin, its tree size and root hash."""

    origin: str
    tree_size: int
    root_hash: bytes

    @property
    def body(self) -> str:
        root = base64.b64encode(self.root_hash).decode()
        return f"{self.origin}\n{self.tree_size}\n{root}\n"

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "" or not lines[0]:
            raise NoteError("a checkpoint is an origin, a tree size and a root hash, a line each")
        if not _TREE_SIZE.fullmatch(lines[1]):
            raise NoteError(f"a checkpoint's tree size is a decimal number: {lines[1]!r}")
        root = _decode(lines[2], "a checkpoint's root hash")
        if len(root) != 32:
            raise NoteError("a checkpoint's root hash is 32 bytes")
        return cls(lines[0], int(lines[1]), root)

    def sign(self, signer: NoteSigner) -> str:
        return signer.sign(self.body)


def open_checkpoint(note: str, verifier: NoteVerifier) -> Checkpoint:
    """The checkpoint of a note signed by ``verifier``'s key, whose origin is the key's
    name; NoteError otherwise."""
    checkpoint = Checkpoint.parse(verifier.open(note))
    if checkpoint.origin != verifier.name:
        raise NoteError(f"the checkpoint is of {checkpoint.origin}, not of {verifier.name}")
    return checkpoint
