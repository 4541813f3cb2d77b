"""The SKM formula against worked examples by hand, band edges included."""

from __future__ import annotations

from fractions import Fraction

import pytest

from domain.errors import RuleViolationError
from domain.skm import (
    IKM_2004,
    SKM_2017,
    ElementSet,
    grade_of,
    krejcie_morgan_sample,
    skm_index,
)


def test_worked_example_of_three_respondents_on_nine_elements() -> None:
    # By hand: element sums 10,9,8,12,9,9,11,6,9 over 3 respondents; NRR sum = 83/3;
    # index = 83/27 = 3.0740...; converted = 2075/27 = 76.851... -> B (76.61 - 88.30).
    responses = [
        [3, 3, 2, 4, 3, 3, 4, 2, 3],
        [4, 3, 3, 4, 3, 3, 4, 2, 3],
        [3, 3, 3, 4, 3, 3, 3, 2, 3],
    ]
    result = skm_index(SKM_2017, responses)
    assert result is not None
    assert result.element_averages[0] == Fraction(10, 3)
    assert result.index == Fraction(83, 27)
    assert result.converted_index == Fraction(2075, 27)
    assert (result.grade, result.grade_meaning) == ("B", "baik")
    assert result.responses == 3


def test_all_fours_give_the_top_index_and_all_ones_the_bottom() -> None:
    top = skm_index(SKM_2017, [[4] * 9])
    bottom = skm_index(SKM_2017, [[1] * 9])
    assert top is not None and bottom is not None
    assert (top.index, top.converted_index, top.grade) == (Fraction(4), Fraction(100), "A")
    assert (bottom.index, bottom.converted_index, bottom.grade) == (Fraction(1), Fraction(25), "D")


@pytest.mark.parametrize(
    ("converted", "grade"),
    [
        ("100", "A"), ("88.31", "A"), ("88.309999", "B"), ("88.30", "B"), ("76.61", "B"),
        ("76.605", "C"), ("76.60", "C"), ("65.00", "C"), ("64.999", "D"), ("25", "D"),
    ],
)  # fmt: skip
def test_grade_bands_are_half_open_with_no_gaps(converted: str, grade: str) -> None:
    assert grade_of(Fraction(converted))[0] == grade


@pytest.mark.parametrize(
    ("converted", "grade"),
    [
        ("100", "A"), ("81.26", "A"), ("81.259999", "B"), ("81.25", "B"), ("62.51", "B"),
        ("62.505", "C"), ("62.50", "C"), ("43.76", "C"), ("43.755", "D"), ("25", "D"),
    ],
)  # fmt: skip
def test_the_2004_set_is_graded_by_the_2004_table(converted: str, grade: str) -> None:
    """KEP/25/M.PAN/2/2004: D 25.00-43.75, C 43.76-62.50, B 62.51-81.25, A 81.26-100."""
    assert grade_of(Fraction(converted), IKM_2004.grade_bands)[0] == grade


def test_one_index_gets_each_regulation_s_own_grade() -> None:
    # One respondent, eight 3s and six 2s on the fourteen elements: index 36/14 = 2.571...,
    # converted 64.28...: B by the 2004 table (from 62.51), D by the 2017 one (below 65).
    result = skm_index(IKM_2004, [[3] * 8 + [2] * 6])
    assert result is not None
    assert result.converted_index == Fraction(36 * 25, 14)
    assert result.grade == "B"
    assert grade_of(result.converted_index, SKM_2017.grade_bands)[0] == "D"
    assert IKM_2004.reweighted([Fraction(1, 14)] * 14).grade_bands == IKM_2004.grade_bands


def test_weights_may_differ_if_they_sum_to_one() -> None:
    weights = (Fraction(1, 2), Fraction(1, 4), Fraction(1, 4))
    custom = ElementSet("custom", ("a", "b", "c"), weights)
    result = skm_index(custom, [[4, 2, 2]])
    assert result is not None
    assert result.index == Fraction(3)  # 4/2 + 2/4 + 2/4


def test_weights_not_summing_to_one_are_refused() -> None:
    with pytest.raises(RuleViolationError, match="sum to 1"):
        ElementSet("bad", ("a", "b"), (Fraction(1, 2), Fraction(1, 3)))


def test_configured_weights_are_scaled_to_sum_to_exactly_one() -> None:
    # Nine times 0.111 is 0.999, within the tolerance: each weight becomes exactly 1/9.
    reweighted = SKM_2017.reweighted([Fraction("0.111")] * 9)
    assert reweighted.weights == (Fraction(1, 9),) * 9
    assert reweighted.elements == SKM_2017.elements


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (["0.125"] * 8, "9 weights, not 8"),
        (["0"] + ["0.125"] * 8, "above 0"),
        (["-0.1", "0.2"] + ["0.1"] * 7, "above 0"),
        (["0.2"] * 2 + ["0.1"] * 7, "sum to 1.1"),
        (["0.1105"] * 9, "sum to 0.9945"),
    ],
)
def test_configured_weights_need_one_per_element_above_zero_summing_to_one(
    weights: list[str], message: str
) -> None:
    with pytest.raises(RuleViolationError, match=message):
        SKM_2017.reweighted([Fraction(weight) for weight in weights])


def test_the_2004_fourteen_element_set_works() -> None:
    assert len(IKM_2004.elements) == 14
    result = skm_index(IKM_2004, [[3] * 14, [4] * 14])
    assert result is not None
    assert result.converted_index == Fraction(175, 2)  # 3.5 x 25 = 87.5 -> A (from 81.26)
    assert result.grade == "A"


def test_a_score_outside_one_to_four_or_a_missing_one_is_refused() -> None:
    with pytest.raises(RuleViolationError, match="1 to 4"):
        skm_index(SKM_2017, [[5, 3, 3, 3, 3, 3, 3, 3, 3]])
    with pytest.raises(RuleViolationError, match="one score per element"):
        skm_index(SKM_2017, [[3] * 8])


def test_no_responses_give_no_index() -> None:
    assert skm_index(SKM_2017, []) is None


@pytest.mark.parametrize(
    ("population", "sample"), [(10, 10), (100, 80), (1000, 278), (10000, 370), (0, 0)]
)
def test_krejcie_morgan_table(population: int, sample: int) -> None:
    assert krejcie_morgan_sample(population) == sample
