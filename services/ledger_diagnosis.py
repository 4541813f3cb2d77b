"""What happened at the first leaf that no longer matches the log, as far as the rows tell.

A leaf hash covers the event's log position and its content, so an event that only moved
(renumbered after an insertion or a deletion, or swapped with another) still hashes to its
old leaf once given its old position back: that is how a move is told from an edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.transparency.event_rows import EventRow, EventRows, leaf_input
from infra.transparency.merkle import leaf_hash
from infra.transparency.tree_store import TreeStore

WINDOW = 5000  # leaves either side searched for a moved event


@dataclass(frozen=True)
class Problem:
    kind: str  # edited, deleted, inserted, reordered; tree or checkpoint: the tree's own tables
    index: int  # the first bad position: a leaf index (a tree size, for a checkpoint)
    notification_id: int | None
    message: str


def _hash_at(row: EventRow, notification_id: int) -> bytes:
    """The leaf hash the row's event would have at another log position."""
    return leaf_hash(leaf_input((notification_id, *row[1:])))


def diagnose(rows: EventRows, store: TreeStore, index: int) -> Problem:
    """Leaf ``index`` differs from the store's ``index``-th event: say how."""
    before = store.leaves_between(index - 1, index) if index else []
    found = rows.after(before[0][1] if before else 0, 2)
    nearby = store.leaves_between(max(index - WINDOW, 0), index + WINDOW)
    leaves = {leaf[0]: (leaf[1], bytes(leaf[2])) for leaf in nearby}
    position, digest = leaves[index]
    here = f"leaf {index} (log position {position})"
    if not found or found[0][0] > position:
        after = f"at log position {found[0][0]}" if found else "none: the store ends there"
        return Problem(
            "deleted", index, position, f"{here} was deleted; the store's next event: {after}"
        )
    row = found[0]
    if row[0] < position:
        what = f"an event at log position {row[0]}, not in the tree, was inserted before {here}"
        return Problem("inserted", index, row[0], what)
    moved_later = len(found) > 1 and _hash_at(found[1], position) == digest
    following = leaves.get(index + 1)
    moved_earlier = following is not None and _hash_at(row, following[0]) == following[1]
    if moved_later and moved_earlier:
        what = f"{here} and the next leaf were swapped: events were reordered"
        return Problem("reordered", index, position, what)
    if moved_later:
        what = f"an event was inserted at {here}; the events from there on were renumbered"
        return Problem("inserted", index, position, what)
    if moved_earlier:
        what = f"{here} was deleted; the events after it were renumbered"
        return Problem("deleted", index, position, what)
    return _moved_or_edited(row, index, here, leaves)


def _moved_or_edited(
    row: EventRow, index: int, here: str, leaves: dict[int, tuple[int, bytes]]
) -> Problem:
    position, digest = leaves[index]
    for other, (other_position, other_digest) in leaves.items():
        if other != index and _hash_at(row, other_position) == other_digest:
            what = (f"{here} holds the event of leaf {other} (log position {other_position}): "
                    "events were reordered")  # fmt: skip
            return Problem("reordered", index, position, what)
    recomputed = leaf_hash(leaf_input(row)).hex()
    what = (f"{here} was edited: its leaf hash is {digest.hex()}, the stored event now gives "
            f"{recomputed}")  # fmt: skip
    return Problem("edited", index, position, what)
