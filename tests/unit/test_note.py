"""Signed notes and checkpoints against the C2SP signed-note and tlog-checkpoint formats,
with golang.org/x/mod/sumdb/note's published example as the known-good vector."""

from __future__ import annotations

import base64
import hashlib

import pytest

from infra.transparency.note import (
    Checkpoint,
    NoteError,
    NoteSigner,
    NoteVerifier,
    open_checkpoint,
)

GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ORIGIN = "aduan.example/ledger"


def test_signing_the_go_example_gives_its_published_note_byte_for_byte() -> None:
    signer = NoteSigner.from_text(GO_SIGNER)
    assert signer.text == GO_SIGNER
    assert signer.verifier.text == GO_VERIFIER
    assert signer.sign(GO_TEXT) == GO_NOTE


def test_the_go_example_note_opens_with_its_verifier_key() -> None:
    assert NoteVerifier.from_text(GO_VERIFIER).open(GO_NOTE) == GO_TEXT


def test_the_verifier_key_is_name_key_hash_and_the_typed_public_key() -> None:
    verifier = NoteVerifier.from_text(GO_VERIFIER)
    name, hash_hex, material = GO_VERIFIER.split("+", 2)
    public_key = base64.b64decode(material)[1:]
    assert (verifier.name, verifier.public_key) == (name, public_key)
    expected = hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]
    assert hash_hex == expected.hex()


def test_an_edited_text_does_not_open() -> None:
    verifier = NoteVerifier.from_text(GO_VERIFIER)
    with pytest.raises(NoteError, match="does not verify"):
        verifier.open(GO_NOTE.replace("cryptography", "cryptographY"))


def test_a_note_signed_by_another_key_does_not_open() -> None:
    other = NoteSigner.generate("PeterNeumann")
    with pytest.raises(NoteError, match="no signature by PeterNeumann"):
        NoteVerifier.from_text(GO_VERIFIER).open(other.sign(GO_TEXT))


@pytest.mark.parametrize(
    "bad_key",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # hash
        "PeterNeumenn+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # name
        "PeterNeumann+c74f20a3+AhpcAQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # type
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # length
        "PeterNeumann+c74f20a3",
        "",
    ],
)
def test_a_malformed_verifier_key_is_refused(bad_key: str) -> None:
    with pytest.raises(NoteError):
        NoteVerifier.from_text(bad_key)


@pytest.mark.parametrize(
    "bad_note",
    [GO_TEXT, GO_NOTE.rstrip("\n"), GO_NOTE.replace("\u2014", "-"), GO_TEXT + "\nno signature\n"],
)
def test_a_malformed_note_is_refused(bad_note: str) -> None:
    with pytest.raises(NoteError):
        NoteVerifier.from_text(GO_VERIFIER).open(bad_note)


def test_a_checkpoint_is_origin_size_and_base64_root_each_on_a_line() -> None:
    root = hashlib.sha256(b"root").digest()
    checkpoint = Checkpoint(ORIGIN, 1234, root)
    assert checkpoint.body == f"{ORIGIN}\n1234\n{base64.b64encode(root).decode()}\n"
    assert Checkpoint.parse(checkpoint.body) == checkpoint


def test_a_signed_checkpoint_opens_with_the_logs_key_and_names_its_origin() -> None:
    signer = NoteSigner.generate(ORIGIN)
    checkpoint = Checkpoint(ORIGIN, 7, hashlib.sha256(b"seven").digest())
    note = checkpoint.sign(signer)
    assert note.startswith(checkpoint.body + "\n\u2014 " + ORIGIN + " ")
    assert open_checkpoint(note, NoteVerifier.from_text(signer.verifier.text)) == checkpoint


def test_a_checkpoint_of_another_origin_is_refused_even_when_signed() -> None:
    signer = NoteSigner.generate(ORIGIN)
    note = Checkpoint("elsewhere.example/log", 7, bytes(32)).sign(signer)
    with pytest.raises(NoteError, match=r"not of aduan\.example/ledger"):
        open_checkpoint(note, signer.verifier)


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n07\n{base64.b64encode(bytes(32)).decode()}\n",
        f"{ORIGIN}\n-1\n{base64.b64encode(bytes(32)).decode()}\n",
        f"{ORIGIN}\n7\n{base64.b64encode(bytes(31)).decode()}\n",
        f"{ORIGIN}\n7\n",
        f"\n7\n{base64.b64encode(bytes(32)).decode()}\n",
    ],
)
def test_a_malformed_checkpoint_is_refused(body: str) -> None:
    with pytest.raises(NoteError):
        Checkpoint.parse(body)


def test_a_signing_key_round_trips_through_its_text() -> None:
    signer = NoteSigner.generate(ORIGIN)
    again = NoteSigner.from_text(signer.text)
    assert again.verifier == signer.verifier
    assert signer.text.startswith(f"PRIVATE+KEY+{ORIGIN}+")


def test_a_key_name_with_a_space_or_plus_is_refused() -> None:
    for name in ("two words", "a+b", ""):
        with pytest.raises(NoteError, match="key name"):
            NoteSigner.generate(name)
