"""RFC 9162 section 2.1 Merkle tree math, standard library only.

A tree of ``size`` leaves is stored as the hashes of its complete subtrees: the node
``(level, index)`` is the root of the perfect subtree over leaves
``[index * 2**level, (index + 1) * 2**level)``. Every proof element the RFC defines is the
root of a range of leaves, and every such range is a run of complete subtrees, so any
proof for any tree size is a handful of stored nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from hashlib import sha256

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = sha256(b"").digest()
Node = tuple[int, int]  # (level, index)
Range = tuple[int, int]  # leaves [start, end)


def leaf_hash(leaf_input: bytes) -> bytes:
    return sha256(LEAF_PREFIX + leaf_input).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(NODE_PREFIX + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two smaller than ``size`` (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def complete_subtrees(start: int, end: int) -> list[Node]:
    """The complete subtrees, left to right, whose roots make up MTH(D[start:end]) for the
    ranges proofs use: ``start`` a multiple of the largest power of two below ``end - start``
    (a complete subtree, or a tree's right edge)."""
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its complete subtrees' roots, left to right: the smaller
    subtrees on the right join first, as the RFC's recursion splits."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(left, root)
    return root


def range_hash(span: Range, nodes: Mapping[Node, bytes]) -> bytes:
    return fold([nodes[node] for node in complete_subtrees(*span)])


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose roots are PATH(index, D[size]), in the RFC's order (leaf first)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The ranges whose roots are PROOF(first, D[second]) (RFC 9162 2.1.4.1)."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    ranges: list[Range] = []
    start, end, whole = 0, second, True
    m = first  # relative to start
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def proof_nodes(ranges: Sequence[Range]) -> set[Node]:
    return {node for span in ranges for node in complete_subtrees(*span)}


def frontier_nodes(size: int) -> list[Node]:
    """The complete subtrees of a tree of ``size`` leaves, largest first: what appending
    needs, and what its root is folded from."""
    return complete_subtrees(0, size)


NodeRun = tuple[int, int, list[bytes]]  # (level, index of the first, hashes left to right)


def append_levels(
    size: int, frontier: dict[int, bytes], leaf_hashes: Sequence[bytes]
) -> list[NodeRun]:
    """Append ``leaf_hashes`` to a tree of ``size`` leaves whose complete subtrees'
    roots are ``frontier`` (level -> hash; updated in place). Returns the new nodes above
    the leaves a level at a time: at each level they are consecutive."""
    new_size = size + len(leaf_hashes)
    created: list[NodeRun] = []
    hashes, first, level = list(leaf_hashes), size, 0
    while level < new_size.bit_length():
        if first & 1:  # the left sibling is the old tree's subtree at this level
            hashes, first = [frontier[level], *hashes], first - 1
        if len(hashes) & 1:
            frontier[level] = hashes[-1]
        else:
            frontier.pop(level, None)
        pairs = iter(hashes)  # an odd one out stays in the frontier
        hashes = [
            sha256(NODE_PREFIX + left + right).digest()
            for left, right in zip(pairs, pairs, strict=False)
        ]
        first >>= 1
        level += 1
        if hashes:
            created.append((level, first, hashes))
    return created


def joined(runs: Iterable[NodeRun]) -> list[NodeRun]:
    """The runs of appends one after another, one a level: their nodes follow on."""
    levels: dict[int, NodeRun] = {}
    for level, first, hashes in runs:
        if level in levels:
            levels[level][2].extend(hashes)
        else:
            levels[level] = (level, first, list(hashes))
    return list(levels.values())


def append_leaves(
    size: int, frontier: dict[int, bytes], leaf_hashes: Sequence[bytes]
) -> list[tuple[int, int, bytes]]:
    """``append_levels``, node by node: ``(level, index, hash)``."""
    return [
        (level, first + offset, digest)
        for level, first, hashes in append_levels(size, frontier, leaf_hashes)
        for offset, digest in enumerate(hashes)
    ]


def frontier_root(frontier: Mapping[int, bytes]) -> bytes:
    return fold([frontier[level] for level in sorted(frontier, reverse=True)])
