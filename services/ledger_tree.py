"""The tree follower: reads the event log after it is written (never inside a filing's
transaction, so filing never waits on it), appends every event to the Merkle tree in log
order, and publishes a signed checkpoint every N events or T seconds.

Each batch's leaves, nodes and checkpoint go in one transaction, and where the tree stands
is read back from the store at every pass: a crash loses at most the batch in progress, and
the next pass appends it again, exactly once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from infra.transparency.event_rows import EventRow, EventRows, leaf_input
from infra.transparency.merkle import (
    append_leaves,
    frontier_nodes,
    frontier_root,
    leaf_hash,
)
from infra.transparency.note import Checkpoint, NoteSigner
from infra.transparency.tree_store import StoredCheckpoint, TreeStore

log = logging.getLogger("aduan.ledger")
Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]
BATCH = 5000
RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class CheckpointPolicy:
    every_events: int
    every_seconds: float


@dataclass
class _Tree:
    size: int
    position: int  # notification id of the last leaf
    frontier: dict[int, bytes]
    last_checkpoint: StoredCheckpoint | None


class TreeFollower:
    def __init__(
        self,
        rows: EventRows,
        store: TreeStore,
        signer: NoteSigner,
        policy: CheckpointPolicy,
        clock: Clock,
    ) -> None:
        self.rows, self.store, self.signer = rows, store, signer
        self.policy, self.clock = policy, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def status(self) -> tuple[int, int, int]:
        """(tree size, notification id of its last leaf, the log's last notification id)."""
        size, position = self.store.last_leaf()
        return size, position, self.rows.last_notification_id()

    def catch_up(
        self, stop: threading.Event | None = None, progress: Progress | None = None
    ) -> int:
        """Append every event up to the log's current end (or until ``stop``), with
        checkpoints as the policy says; returns how many were appended."""
        tree = self._load()
        end = self.rows.last_notification_id()
        start, appended = tree.position, 0
        while tree.position < end and not (stop is not None and stop.is_set()):
            batch = self.rows.after(tree.position, self._batch_size(tree))
            if not batch:
                break
            self._append(tree, batch)
            appended += len(batch)
            if progress is not None:
                progress(tree.position - start, end - start)
        if self._checkpoint_due(tree, ignore_count=True):
            self.store.append([], [], self._checkpoint(tree.size, frontier_root(tree.frontier)))
        return appended

    def _batch_size(self, tree: _Tree) -> int:
        """Up to the next checkpoint by count, so that a backlog gets one every N events."""
        last_size = tree.last_checkpoint.tree_size if tree.last_checkpoint else 0
        return max(1, min(BATCH, self.policy.every_events - (tree.size - last_size)))

    def _load(self) -> _Tree:
        size, position = self.store.last_leaf()
        nodes = self.store.nodes(frontier_nodes(size))
        frontier = {level: nodes[(level, index)] for level, index in frontier_nodes(size)}
        return _Tree(size, position, frontier, self.store.checkpoint())

    def _append(self, tree: _Tree, batch: list[EventRow]) -> None:
        hashes = [leaf_hash(leaf_input(row)) for row in batch]
        frontier = dict(tree.frontier)
        nodes = append_leaves(tree.size, frontier, hashes)
        pairs = enumerate(zip(batch, hashes, strict=True))
        leaves = [(tree.size + offset, row[0], digest) for offset, (row, digest) in pairs]
        grown = _Tree(tree.size + len(batch), batch[-1][0], frontier, tree.last_checkpoint)
        checkpoint = None
        if self._checkpoint_due(grown, ignore_count=False):
            checkpoint = self._checkpoint(grown.size, frontier_root(frontier))
        self.store.append(leaves, nodes, checkpoint)
        tree.size, tree.position, tree.frontier = grown.size, grown.position, frontier
        tree.last_checkpoint = checkpoint or tree.last_checkpoint

    def _checkpoint_due(self, tree: _Tree, ignore_count: bool) -> bool:
        last = tree.last_checkpoint
        if last is None:
            return tree.size > 0
        if tree.size == last.tree_size:
            return False
        if not ignore_count and tree.size - last.tree_size >= self.policy.every_events:
            return True
        waited = self.clock() - datetime.fromisoformat(last.created_at)
        return waited.total_seconds() >= self.policy.every_seconds

    def _checkpoint(self, size: int, root: bytes) -> StoredCheckpoint:
        note = Checkpoint(self.signer.name, size, root).sign(self.signer)
        return StoredCheckpoint(size, root, self.clock().isoformat(), note)

    def follow(self, stop: threading.Event, poll_seconds: float = 0.2) -> None:
        while not stop.is_set():
            try:
                self.catch_up(stop)
            except Exception:  # logged and retried: the follower never dies of it
                log.exception("the tree follower failed; retrying in %.0fs", RETRY_SECONDS)
                stop.wait(RETRY_SECONDS)
                continue
            stop.wait(poll_seconds)

    def start(self) -> None:
        """Follow in a background thread until ``stop()`` (the server's in-process mode)."""
        self._thread = threading.Thread(target=self.follow, args=(self._stop,), name="ledger")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
