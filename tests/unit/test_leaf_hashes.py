"""The batch leaf hashing the follower and verify use gives, row for row, the leaf hash of
the contract's leaf input, whatever the strings hold."""

from __future__ import annotations

from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from infra.transparency.event_rows import EventRow, leaf_hashes, leaf_input
from infra.transparency.merkle import leaf_hash

bigints = st.integers(min_value=0, max_value=2**63 - 1)
rows = st.tuples(
    bigints,
    st.text(),  # a canonical UUID in practice; quotes, backslashes, controls, any Unicode here
    bigints,
    st.text(),
    st.binary(max_size=3000),
)


@given(st.lists(rows, max_size=20))
def test_batch_leaf_hashes_equal_the_hash_of_each_contract_leaf_input(
    batch: list[EventRow],
) -> None:
    assert leaf_hashes(batch) == [leaf_hash(leaf_input(row)) for row in batch]


@given(st.lists(st.tuples(bigints, st.uuids(), bigints, st.text(), st.binary(max_size=100)),
                max_size=20))  # fmt: skip
def test_ids_as_sqlite_keeps_them_hash_as_the_canonical_uuid(
    batch: list[tuple[int, UUID, int, str, bytes]],
) -> None:
    as_stored = [(n, uuid.hex, version, topic, state) for n, uuid, version, topic, state in batch]
    canonical = [(n, str(uuid), version, topic, state) for n, uuid, version, topic, state in batch]
    assert leaf_hashes(as_stored, hex_ids=True) == [leaf_hash(leaf_input(row)) for row in canonical]


def test_a_leaf_input_is_compact_json_with_sorted_keys() -> None:
    row = (7, "0b1e2f3a-0000-4000-8000-000000000001", 2, 'a "topic"', b"state")
    assert leaf_input(row) == (
        b'{"notification_id":7,"originator_id":"0b1e2f3a-0000-4000-8000-000000000001",'
        b'"originator_version":2,"state_sha256":'
        b'"4ba69735ca53765ed6a709edb56c6ea236b7193a3b29a6b390c346f0f4340e4e",'
        b'"topic":"a \\"topic\\""}'
    )
