"""What the ledger routes answer: signed checkpoints, leaves, inclusion and consistency
proofs, and a complaint's receipt, all read from the tree's tables."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.errors import NotFoundError, RuleViolationError
from infra.transparency.event_rows import EventRows, leaf_input
from infra.transparency.merkle import (
    Range,
    consistency_ranges,
    inclusion_ranges,
    proof_nodes,
    range_hash,
)
from infra.transparency.note import NoteVerifier
from infra.transparency.tree_store import StoredCheckpoint, TreeStore


class LedgerProofs:
    def __init__(self, rows: EventRows, store: TreeStore, verifier: NoteVerifier) -> None:
        self.rows, self.store, self.verifier = rows, store, verifier

    def checkpoint(self, tree_size: int | None = None) -> StoredCheckpoint:
        found = self.store.checkpoint(tree_size)
        if found is not None:
            return found
        if tree_size is None:
            raise NotFoundError("No checkpoint yet: the log's first one follows its first event.")
        latest = self.store.checkpoint()
        hint = f" The latest is of tree size {latest.tree_size}." if latest else ""
        raise NotFoundError(f"No checkpoint of tree size {tree_size}.{hint}", tree_size=tree_size)

    def leaf(self, index: int) -> dict[str, Any]:
        leaves = self.store.leaves_between(index, index + 1)
        if not leaves:
            size, _ = self.store.last_leaf()
            raise NotFoundError(f"No leaf {index}: the tree has {size} leaves.", index=index)
        _, notification_id, digest = leaves[0]
        row = self.rows.at(notification_id)
        return {
            "index": index,
            "notification_id": notification_id,
            "leaf_input": leaf_input(row).decode() if row is not None else None,
            "leaf_hash": bytes(digest).hex(),
        }

    def inclusion(self, index: int, tree_size: int | None) -> dict[str, Any]:
        size, checkpoint = self._tree_size(tree_size)
        if index >= size:
            raise RuleViolationError(
                f"index must be below tree_size ({size}).", field="index", tree_size=size
            )
        ranges = inclusion_ranges(index, size)
        hashes = self._hashes([*ranges, (index, index + 1), (0, size)])
        if tree_size is not None:
            checkpoint = self.store.checkpoint(size)
        return {
            "index": index,
            "tree_size": size,
            "leaf_hash": hashes[(index, index + 1)].hex(),
            "root_hash": hashes[(0, size)].hex(),
            "inclusion_path": [hashes[span].hex() for span in ranges],
            "checkpoint": checkpoint.note if checkpoint else None,
        }

    def consistency(self, first: int, second: int) -> dict[str, Any]:
        self._tree_size(second, "second")
        if first > second:
            raise RuleViolationError("first must not exceed second.", field="first")
        ranges = consistency_ranges(first, second)
        hashes = self._hashes([*ranges, (0, first), (0, second)])
        checkpoints = (self.store.checkpoint(first), self.store.checkpoint(second))
        return {
            "first": first,
            "second": second,
            "first_root": hashes[(0, first)].hex(),
            "second_root": hashes[(0, second)].hex(),
            "proof": [hashes[span].hex() for span in ranges],
            "first_checkpoint": checkpoints[0].note if checkpoints[0] else None,
            "second_checkpoint": checkpoints[1].note if checkpoints[1] else None,
        }

    def receipt(self, originator_id: UUID) -> dict[str, Any]:
        """Where each of an aggregate's events is in the tree, each proved against the
        latest checkpoint (events after it: their leaf, if any, and no proof yet)."""
        rows = self.rows.of(originator_id)
        leaves = self.store.leaves_of([row[0] for row in rows])
        checkpoint = self.store.checkpoint()
        size = checkpoint.tree_size if checkpoint else 0
        covered = [leaves[row[0]][0] for row in rows if row[0] in leaves]
        paths = {index: inclusion_ranges(index, size) for index in covered if index < size}
        hashes = self._hashes([span for ranges in paths.values() for span in ranges])
        events = []
        for row in rows:
            leaf = leaves.get(row[0])
            path = paths.get(leaf[0]) if leaf else None
            events.append({
                "notification_id": row[0],
                "originator_version": row[2],
                "topic": row[3],
                "leaf_index": leaf[0] if leaf else None,
                "leaf_input": leaf_input(row).decode(),
                "leaf_hash": bytes(leaf[2]).hex() if leaf else None,
                "inclusion_path": [hashes[s].hex() for s in path] if path is not None else None,
            })  # fmt: skip
        return {
            "originator_id": str(originator_id),
            "tree_size": checkpoint.tree_size if checkpoint else None,
            "root_hash": checkpoint.root_hash.hex() if checkpoint else None,
            "checkpoint": checkpoint.note if checkpoint else None,
            "public_key": self.verifier.text,
            "events": events,
        }

    def _tree_size(
        self, tree_size: int | None, field: str = "tree_size"
    ) -> tuple[int, StoredCheckpoint | None]:
        """``tree_size`` checked against the tree; unset: the latest checkpoint's (and it)."""
        if tree_size is None:
            latest = self.checkpoint()
            return latest.tree_size, latest
        size, _ = self.store.last_leaf()
        if tree_size > size:
            raise RuleViolationError(
                f"{field} {tree_size} is beyond the tree, which has {size} leaves.", field=field
            )
        return tree_size, None

    def _hashes(self, ranges: list[Range]) -> dict[Range, bytes]:
        nodes = self.store.nodes(proof_nodes(ranges))
        return {span: range_hash(span, nodes) for span in ranges}
