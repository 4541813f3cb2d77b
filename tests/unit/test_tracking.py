"""Tracking numbers and the id of the index entry each one is stored under."""

from __future__ import annotations

from uuid import NAMESPACE_URL, uuid5

from hypothesis import given
from hypothesis import strategies as st

from domain.tracking import TRACKING_ALPHABET, format_tracking_number, tracking_aggregate_id


@given(st.integers(min_value=0, max_value=2**50 - 1))
def test_a_tracking_number_is_stored_under_the_name_based_uuid_of_its_text(bits: int) -> None:
    number = format_tracking_number(bits)

    assert tracking_aggregate_id(number) == uuid5(NAMESPACE_URL, f"aduan:tracking:{number}")


def test_a_tracking_number_is_ten_characters_of_the_alphabet_after_the_prefix() -> None:
    number = format_tracking_number(2**50 - 1)

    assert number.startswith("ADU-") and len(number) == 14
    assert set(number.removeprefix("ADU-")) <= set(TRACKING_ALPHABET)
