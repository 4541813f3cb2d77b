"""The Merkle tree against RFC 9162 section 2.1, computed independently here by the RFC's
own recursive definitions, and against the RFC 6962 test vectors."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infra.transparency.merkle import (
    EMPTY_ROOT,
    Node,
    append_leaves,
    consistency_ranges,
    frontier_nodes,
    frontier_root,
    inclusion_ranges,
    leaf_hash,
    proof_nodes,
    range_hash,
)
from infra.transparency.proofs import verify_consistency, verify_inclusion

# The RFC 6962 test tree (certificate-transparency's and Go's tlog tests use it).
VECTOR_LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]  # fmt: skip
VECTOR_ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]  # fmt: skip


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def largest_power_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes]) -> bytes:
    """MTH as RFC 9162 2.1.1 writes it."""
    if not leaves:
        return sha(b"")
    if len(leaves) == 1:
        return sha(b"\x00" + leaves[0])
    k = largest_power_below(len(leaves))
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) as RFC 9162 2.1.3.1 writes it."""
    if len(leaves) == 1:
        return []
    k = largest_power_below(len(leaves))
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) as RFC 9162 2.1.4.1 writes it."""
    if m == len(leaves):
        return [] if whole else [mth(leaves)]
    k = largest_power_below(len(leaves))
    if m <= k:
        return [*subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def make_leaves(count: int) -> list[bytes]:
    return [f"leaf {number}".encode() for number in range(count)]


def build(leaves: list[bytes], batches: list[int]) -> tuple[dict[Node, bytes], dict[int, bytes]]:
    """Every stored node of a tree built by appending ``leaves`` in batches of the sizes
    given (the last batch takes the rest)."""
    nodes: dict[Node, bytes] = {}
    frontier: dict[int, bytes] = {}
    size = 0
    for batch_size in [*batches, len(leaves)]:
        batch = leaves[size : size + batch_size]
        nodes.update(((0, size + offset), leaf_hash(leaf)) for offset, leaf in enumerate(batch))
        for level, index, digest in append_leaves(size, frontier, [leaf_hash(x) for x in batch]):
            nodes[(level, index)] = digest
        size += len(batch)
    return nodes, frontier


def test_the_rfc_6962_test_tree_has_the_published_roots() -> None:
    for size in range(1, 9):
        _, frontier = build(VECTOR_LEAVES[:size], [1] * size)
        assert frontier_root(frontier) == VECTOR_ROOTS[size - 1]


def test_the_empty_tree_has_the_hash_of_nothing() -> None:
    assert frontier_root({}) == EMPTY_ROOT == sha(b"")


def test_the_published_inclusion_proof_of_leaf_5_in_8_verifies() -> None:
    proof = [bytes.fromhex(h) for h in (
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    )]  # fmt: skip
    assert path(5, VECTOR_LEAVES) == proof
    assert verify_inclusion(leaf_hash(VECTOR_LEAVES[5]), 5, 8, proof, VECTOR_ROOTS[7])
    assert not verify_inclusion(leaf_hash(VECTOR_LEAVES[5]), 4, 8, proof, VECTOR_ROOTS[7])


def test_the_published_consistency_proof_from_6_to_8_verifies() -> None:
    proof = [bytes.fromhex(h) for h in (
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    )]  # fmt: skip
    assert subproof(6, VECTOR_LEAVES, True) == proof
    assert verify_consistency(6, 8, VECTOR_ROOTS[5], VECTOR_ROOTS[7], proof)
    assert not verify_consistency(6, 8, VECTOR_ROOTS[4], VECTOR_ROOTS[7], proof)


sizes = st.integers(min_value=1, max_value=300)


@given(size=sizes, batches=st.lists(st.integers(min_value=0, max_value=40), max_size=8))
def test_appending_in_any_batches_gives_the_rfc_root_and_every_complete_subtree(
    size: int, batches: list[int]
) -> None:
    leaves = make_leaves(size)
    nodes, frontier = build(leaves, batches)
    assert frontier_root(frontier) == mth(leaves)
    assert sorted(frontier) == sorted(level for level, _ in frontier_nodes(size))
    for (level, index), digest in nodes.items():
        assert digest == mth(leaves[index << level : (index + 1) << level])
    assert len(nodes) == 2 * size - bin(size).count("1")  # every complete subtree, once


@given(data=st.data(), size=sizes)
def test_inclusion_proofs_from_stored_nodes_are_the_rfc_path_and_verify(
    data: st.DataObject, size: int
) -> None:
    leaves = make_leaves(size)
    nodes, _ = build(leaves, [])
    tree_size = data.draw(st.integers(min_value=1, max_value=size), label="tree_size")
    index = data.draw(st.integers(min_value=0, max_value=tree_size - 1), label="index")
    ranges = inclusion_ranges(index, tree_size)
    assert proof_nodes(ranges) <= nodes.keys()
    proof = [range_hash(span, nodes) for span in ranges]
    root = mth(leaves[:tree_size])
    assert proof == path(index, leaves[:tree_size])
    assert verify_inclusion(leaf_hash(leaves[index]), index, tree_size, proof, root)
    assert not verify_inclusion(leaf_hash(b"another"), index, tree_size, proof, root)
    if tree_size > 1:
        assert not verify_inclusion(leaf_hash(leaves[index]), index, tree_size, proof[:-1], root)


@given(data=st.data(), size=sizes)
def test_consistency_proofs_from_stored_nodes_are_the_rfc_proof_and_verify(
    data: st.DataObject, size: int
) -> None:
    leaves = make_leaves(size)
    nodes, _ = build(leaves, [])
    second = data.draw(st.integers(min_value=1, max_value=size), label="second")
    first = data.draw(st.integers(min_value=1, max_value=second), label="first")
    ranges = consistency_ranges(first, second)
    assert proof_nodes(ranges) <= nodes.keys()
    proof = [range_hash(span, nodes) for span in ranges]
    first_root, second_root = mth(leaves[:first]), mth(leaves[:second])
    assert proof == subproof(first, leaves[:second], True)
    assert verify_consistency(first, second, first_root, second_root, proof)
    forged = mth([*leaves[: first - 1], b"forged"])
    assert not verify_consistency(first, second, forged, second_root, proof)
    if proof:
        assert not verify_consistency(first, second, first_root, second_root, proof[1:])


@pytest.mark.parametrize(("index", "size"), [(0, 0), (3, 3), (-1, 4), (9, 8)])
def test_a_leaf_outside_the_tree_has_no_inclusion_proof(index: int, size: int) -> None:
    assert not verify_inclusion(leaf_hash(b"x"), index, size, [], sha(b""))
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_ranges(index, size)
