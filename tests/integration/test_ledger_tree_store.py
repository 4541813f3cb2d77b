"""The tree's tables on both stores: nodes are kept at every other level (2, 4, ...), and
the store still answers for every complete subtree, a node between kept levels hashed from
its two children, so proofs and the follower's frontier see the whole tree."""

from __future__ import annotations

from hashlib import sha256

from infra.transparency.merkle import append_levels, joined, node_hash
from infra.transparency.tree_store import TreeStore
from services.ledger import ComplaintLedger
from tests.ledger_support import query

SIZE = 300  # complete subtrees up to level 8
APPENDS = (1, 2, 37, 60, 200)  # appends of several sizes, as the follower makes them


def subtree_root(hashes: list[bytes]) -> bytes:
    """The root over a power-of-two run of leaf hashes, by RFC 9162's recursion."""
    if len(hashes) == 1:
        return hashes[0]
    half = len(hashes) // 2
    return node_hash(subtree_root(hashes[:half]), subtree_root(hashes[half:]))


def grown_store(ledger: ComplaintLedger) -> tuple[TreeStore, list[bytes]]:
    store = TreeStore(ledger.recorder)
    leaves = [sha256(f"leaf {number}".encode()).digest() for number in range(SIZE)]
    frontier: dict[int, bytes] = {}
    size = 0
    for count in APPENDS:
        batch = leaves[size : size + count]
        nodes = joined(append_levels(size, frontier, batch))
        store.append((size, list(range(size + 1, size + count + 1)), batch), nodes, [])
        size += count
    return store, leaves


def test_only_every_other_level_of_nodes_is_stored(store_url: str, ledger: ComplaintLedger) -> None:
    grown_store(ledger)
    counts = dict(query(store_url, "SELECT level, COUNT(*) FROM ledger_nodes GROUP BY level"))
    assert counts == {level: SIZE >> level for level in (2, 4, 6, 8)}


def test_every_complete_subtree_is_answered_with_its_root(ledger: ComplaintLedger) -> None:
    store, leaves = grown_store(ledger)
    every = [(level, index) for level in range(9) for index in range(SIZE >> level)]
    found = store.nodes(every)
    assert found.keys() == set(every)
    for (level, index), digest in found.items():
        assert digest == subtree_root(leaves[index << level : (index + 1) << level])


def test_a_subtree_beyond_the_tree_is_not_answered(ledger: ComplaintLedger) -> None:
    store, _ = grown_store(ledger)
    assert store.nodes([(1, SIZE // 2), (3, SIZE // 8), (2, SIZE // 4)]) == {}
