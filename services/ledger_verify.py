"""``aduan ledger verify``: recompute the tree from the event store and hold the stored
tree and every signed checkpoint to it. The first leaf that differs is named, with what
happened to the log there as far as the rows show it: an event edited, deleted, inserted
or moved."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from infra.transparency.event_rows import EventRows
from infra.transparency.merkle import append_levels, frontier_root
from infra.transparency.note import NoteError, NoteVerifier, open_checkpoint
from infra.transparency.overlap import read_ahead
from infra.transparency.tree_store import Leaf, StoredCheckpoint, TreeNode, TreeStore, kept
from services.ledger_diagnosis import Problem, diagnose

Progress = Callable[[int, int], None]
BATCH = 10_000
_Batch = tuple[int, list[int], list[bytes], list[Leaf], set[TreeNode]]


@dataclass(frozen=True)
class Report:
    leaves: int  # leaves recomputed and found equal
    checkpoints: int  # checkpoints whose signature and root were checked
    not_in_tree: int  # events of the store the follower has not appended yet
    problem: Problem | None


class LedgerVerifier:
    def __init__(self, rows: EventRows, store: TreeStore, verifier: NoteVerifier) -> None:
        self.rows, self.store, self.verifier = rows, store, verifier

    def run(self, progress: Progress | None = None) -> Report:
        size, _ = self.store.last_leaf()
        checkpoints = {checkpoint.tree_size: checkpoint for checkpoint in self.store.checkpoints()}
        frontier: dict[int, bytes] = {}
        done, position, checked = 0, 0, 0
        for batch in read_ahead(self._batches(size), self.store.separate_server):
            end, positions, hashes, tree_leaves, stored = batch
            problem = self._leaves(done, end, positions, hashes, tree_leaves)
            cuts = sorted({end, *(s for s in checkpoints if done < s < end)})
            for start, cut in zip([done, *cuts[:-1]], cuts, strict=True):
                if problem is None:
                    problem = self._nodes(
                        start, frontier, hashes[start - done : cut - done], stored
                    )
                if problem is None and cut in checkpoints:
                    problem = self._checkpoint(checkpoints[cut], frontier)
                    checked += 0 if problem else 1
            if problem is not None:
                return Report(max(done, min(problem.index, end)), checked, 0, problem)
            done, position = end, positions[-1]
            if progress is not None:
                progress(done, size)
        beyond = sorted(s for s in checkpoints if s > size)
        if beyond:
            problem = Problem("checkpoint", beyond[0], None,
                              f"a checkpoint of tree size {beyond[0]} is beyond the tree's "
                              f"{size} leaves")  # fmt: skip
            return Report(done, checked, 0, problem)
        return Report(done, checked, self.rows.count_after(position), None)

    def _batches(self, size: int) -> Iterator[_Batch]:
        """The tree's leaves ``[0, size)``, a batch at a time: its end, the positions and
        leaf hashes of the store's events there (as many), the stored leaves and the stored
        nodes above them."""
        done, position = 0, 0
        while done < size:
            end = min(done + BATCH, size)
            positions, hashes = self.rows.leaves_after(position, end - done)
            tree_leaves = self.store.leaves_between(done, end)
            yield end, positions, hashes, tree_leaves, self.store.nodes_above(done, end)
            done, position = end, positions[-1] if positions else position

    def _leaves(
        self,
        first: int,
        end: int,
        positions: list[int],
        hashes: list[bytes],
        tree_leaves: list[Leaf],
    ) -> Problem | None:
        if (  # the whole batch at once (column by column: no tuple a leaf to build)
            len(tree_leaves) == len(positions) == end - first
            and (tree_leaves[0][0], tree_leaves[-1][0]) == (first, end - 1)  # unique, ordered
            and [leaf[1] for leaf in tree_leaves] == positions
            and [leaf[2] for leaf in tree_leaves] == hashes
        ):
            return None  # else find the first that differs
        for offset in range(end - first):
            if offset >= len(tree_leaves) or tree_leaves[offset][0] != first + offset:
                missing = f"leaf {first + offset} is missing from the stored tree"
                return Problem("tree", first + offset, None, missing)
            _, notification_id, digest = tree_leaves[offset]
            if (
                offset >= len(positions)
                or positions[offset] != notification_id
                or hashes[offset] != bytes(digest)
            ):
                return diagnose(self.rows, self.store, first + offset)
        return None

    def _nodes(
        self,
        first: int,
        frontier: dict[int, bytes],
        hashes: list[bytes],
        stored: set[TreeNode],
    ) -> Problem | None:
        created = [
            (level, start + offset, digest)
            for level, start, digests in append_levels(first, frontier, hashes)
            if kept(level)
            for offset, digest in enumerate(digests)
        ]
        if stored.issuperset(created):
            return None  # all at once; else find the first that differs
        hashes_stored = {(level, index): digest for level, index, digest in stored}
        for level, index, digest in created:
            found = hashes_stored.get((level, index))
            if found != digest:
                return Problem("tree", index << level, None,
                               f"the stored tree's node at level {level}, index {index} "
                               f"differs: expected {digest.hex()}, found "
                               f"{found.hex() if found else 'none'}")  # fmt: skip
        return None

    def _checkpoint(self, stored: StoredCheckpoint, frontier: dict[int, bytes]) -> Problem | None:
        size, root = stored.tree_size, frontier_root(frontier)
        try:
            signed = open_checkpoint(stored.note, self.verifier)
        except NoteError as error:
            return Problem("checkpoint", size, None, f"the checkpoint of tree size {size}: {error}")
        if signed.tree_size != size or signed.root_hash != root or stored.root_hash != root:
            return Problem("checkpoint", size, None,
                           f"the checkpoint of tree size {size} does not match the tree: signed "
                           f"{signed.tree_size} leaves, root {signed.root_hash.hex()}; the log "
                           f"gives root {root.hex()}")  # fmt: skip
        return None
