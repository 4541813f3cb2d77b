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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from infra.transparency.event_rows import EventRows
from infra.transparency.merkle import NodeRun, append_levels, frontier_nodes, frontier_root, joined
from infra.transparency.note import Checkpoint, NoteSigner
from infra.transparency.overlap import WriteBehind, read_ahead
from infra.transparency.tree_store import Run, StoredCheckpoint, TreeStore
from services.failures import log_failed_pass

log = logging.getLogger("aduan.ledger")
Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]
BATCH = 10_000  # events a transaction, while catching up
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
        start, appended, overlap = tree.position, 0, self.store.separate_server
        with WriteBehind(overlap) as writes:
            for positions, hashes in read_ahead(self._batches(tree.position, end), overlap):
                if stop is not None and stop.is_set():
                    break
                writes.write(self.store.append, *self._grow(tree, positions, hashes))
                appended += len(positions)
                if progress is not None:
                    progress(tree.position - start, end - start)
        if self._checkpoint_due(tree, ignore_count=True):
            checkpoint = self._checkpoint(tree.size, frontier_root(tree.frontier))
            self.store.append((tree.size, [], []), [], [checkpoint])
        return appended

    def _batches(self, position: int, end: int) -> Iterator[tuple[list[int], list[bytes]]]:
        """The log's positions and leaf hashes after ``position``, a batch at a time,
        until a batch reaches ``end``."""
        while position < end:
            positions, hashes = self.rows.leaves_after(position, BATCH)
            if not positions:
                return
            yield positions, hashes
            position = positions[-1]

    def _load(self) -> _Tree:
        size, position = self.store.last_leaf()
        nodes = self.store.nodes(frontier_nodes(size))
        frontier = {level: nodes[(level, index)] for level, index in frontier_nodes(size)}
        return _Tree(size, position, frontier, self.store.checkpoint())

    def _grow(
        self, tree: _Tree, positions: list[int], hashes: list[bytes]
    ) -> tuple[Run, list[NodeRun], list[StoredCheckpoint]]:
        """Grow ``tree`` by the batch, and return what one transaction writes of it: its
        leaves and nodes, and a checkpoint at every point in it where one is due (so a
        backlog gets one every N events). Should the write fail, ``catch_up`` fails with
        it, and the next pass reads the tree back from the store."""
        first = tree.size
        nodes: list[NodeRun] = []
        checkpoints: list[StoredCheckpoint] = []
        done = 0
        while done < len(hashes):
            last_size = tree.last_checkpoint.tree_size if tree.last_checkpoint else 0
            due_in = max(1, self.policy.every_events - (tree.size - last_size))
            segment = hashes[done : done + due_in]
            nodes += append_levels(tree.size, tree.frontier, segment)
            tree.size, done = tree.size + len(segment), done + len(segment)
            if self._checkpoint_due(tree, ignore_count=False):
                tree.last_checkpoint = self._checkpoint(tree.size, frontier_root(tree.frontier))
                checkpoints.append(tree.last_checkpoint)
        tree.position = positions[-1]
        return (first, positions, hashes), joined(nodes), checkpoints

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
            except Exception as error:  # logged and retried: the follower never dies of it
                log_failed_pass(
                    log, error, "the tree follower failed; retrying in %.0fs", RETRY_SECONDS
                )
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
