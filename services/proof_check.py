"""``aduan ledger verify-proof``: check a receipt, an inclusion proof or a consistency
proof as the API gives it, offline, from the log's public key alone: the checkpoints'
signatures, then the proofs against the roots they sign."""

from __future__ import annotations

from typing import Any

import orjson

from infra.transparency.merkle import leaf_hash
from infra.transparency.note import Checkpoint, NoteError, NoteVerifier, open_checkpoint
from infra.transparency.proofs import verify_consistency, verify_inclusion


class ProofError(ValueError):
    """The document does not prove what it claims; the message says where."""


def check_document(document: Any, verifier: NoteVerifier) -> list[str]:
    """What was verified, a line each; ProofError at the first thing that fails."""
    if not isinstance(document, dict):
        raise ProofError("expected a JSON object: a receipt, an inclusion or a consistency proof")
    try:
        if "events" in document:
            return _receipt(document, verifier)
        if "inclusion_path" in document:
            return _inclusion(document, verifier)
        if "proof" in document:
            return _consistency(document, verifier)
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, ProofError):
            raise
        raise ProofError(f"malformed document: {error!r}") from None
    raise ProofError("not a receipt, an inclusion proof or a consistency proof")


def _signed(note: Any, verifier: NoteVerifier, what: str) -> Checkpoint:
    if not isinstance(note, str):
        raise ProofError(f"{what}: no signed checkpoint in the document")
    try:
        return open_checkpoint(note, verifier)
    except NoteError as error:
        raise ProofError(f"{what}: {error}") from None


def _receipt(document: dict[str, Any], verifier: NoteVerifier) -> list[str]:
    checkpoint = _signed(document["checkpoint"], verifier, "the receipt's checkpoint")
    lines = [f"checkpoint of {checkpoint.tree_size} leaves signed by {verifier.name}"]
    for event in document["events"]:
        lines.append(_receipt_event(event, document["originator_id"], checkpoint))
    return lines


def _receipt_event(event: dict[str, Any], originator_id: str, checkpoint: Checkpoint) -> str:
    version = event["originator_version"]
    leaf = orjson.loads(event["leaf_input"])
    if leaf["originator_id"] != originator_id or leaf["originator_version"] != version:
        raise ProofError(f"event {version}: its leaf is of another event")
    if event["inclusion_path"] is None:
        return f"event {version}: after the checkpoint, not yet provable"
    index = event["leaf_index"]
    digest = leaf_hash(event["leaf_input"].encode())
    if digest.hex() != event["leaf_hash"]:
        raise ProofError(f"event {version}: its leaf input does not hash to its leaf hash")
    path = [bytes.fromhex(node) for node in event["inclusion_path"]]
    if not verify_inclusion(digest, index, checkpoint.tree_size, path, checkpoint.root_hash):
        raise ProofError(f"event {version}: the inclusion proof of leaf {index} fails")
    return f"event {version} ({leaf['topic']}): leaf {index}, included"


def _inclusion(document: dict[str, Any], verifier: NoteVerifier) -> list[str]:
    checkpoint = _signed(document["checkpoint"], verifier, "the proof's checkpoint")
    index, size = document["index"], document["tree_size"]
    if checkpoint.tree_size != size:
        raise ProofError(
            f"the proof is for {size} leaves, its checkpoint signs {checkpoint.tree_size}"
        )
    path = [bytes.fromhex(node) for node in document["inclusion_path"]]
    digest = bytes.fromhex(document["leaf_hash"])
    if not verify_inclusion(digest, index, size, path, checkpoint.root_hash):
        raise ProofError(f"the inclusion proof of leaf {index} fails")
    return [f"checkpoint of {size} leaves signed by {verifier.name}", f"leaf {index}: included"]


def _consistency(document: dict[str, Any], verifier: NoteVerifier) -> list[str]:
    first = _signed(document["first_checkpoint"], verifier, "the first checkpoint")
    second = _signed(document["second_checkpoint"], verifier, "the second checkpoint")
    if (first.tree_size, second.tree_size) != (document["first"], document["second"]):
        raise ProofError("the proof's tree sizes are not its checkpoints'")
    proof = [bytes.fromhex(node) for node in document["proof"]]
    sizes = f"{first.tree_size} to {second.tree_size}"
    if not verify_consistency(first.tree_size, second.tree_size, first.root_hash,
                              second.root_hash, proof):  # fmt: skip
        raise ProofError(f"the consistency proof from {sizes} fails: the log was rewritten")
    return [
        f"checkpoints of {first.tree_size} and {second.tree_size} leaves signed by {verifier.name}",
        f"the tree of {second.tree_size} extends the tree of {first.tree_size}",
    ]
