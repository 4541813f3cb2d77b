"""Settings are checked when they are read, with messages that say what to write."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest
from pydantic import ValidationError

from infra.settings import Settings


def test_an_unknown_skm_element_set_is_refused_naming_the_allowed_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADUAN_SKM_ELEMENT_SET", "skm-2017")
    with pytest.raises(ValidationError, match="skm_element_set") as refused:
        Settings()
    assert "use one of: permenpanrb-14-2017, kep-25-m-pan-2-2004" in str(refused.value)


@pytest.mark.parametrize("name", ["permenpanrb-14-2017", "kep-25-m-pan-2-2004"])
def test_each_defined_skm_element_set_is_accepted(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("ADUAN_SKM_ELEMENT_SET", name)
    assert Settings().skm_element_set == name


def test_skm_weights_are_unset_by_default() -> None:
    assert Settings().skm_weights == {}


def test_skm_weights_per_unit_and_for_every_other_unit_are_read_from_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    weights = {"disdukcapil": [0.2] + [0.1] * 8, "*": [0.111] * 9}
    monkeypatch.setenv("ADUAN_SKM_WEIGHTS", json.dumps(weights))
    read = Settings().skm_weights
    assert read["disdukcapil"] == [Decimal("0.2")] + [Decimal("0.1")] * 8
    assert read["*"] == [Decimal("0.111")] * 9


def test_skm_weights_follow_the_configured_element_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADUAN_SKM_ELEMENT_SET", "kep-25-m-pan-2-2004")
    monkeypatch.setenv("ADUAN_SKM_WEIGHTS", json.dumps({"*": [0.0714] * 14}))
    assert len(Settings().skm_weights["*"]) == 14


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"rsud": [0.125] * 8},
         "the weights for rsud: Give one weight per element of permenpanrb-14-2017: 9 weights, "
         "not 8"),
        ({"*": [0] + [0.125] * 8}, r"the weights for \*: Every weight is above 0"),
        ({"rsud": [0.2, 0.2] + [0.1] * 7},
         "the weights for rsud: The weights sum to 1.1; they must sum to 1"),
        ({"Dinas Sosial": [0.5, 0.5]}, r"'Dinas Sosial' is neither a unit id nor \*"),
        ({"rsud": [math.nan] + [0.125] * 8}, "finite number"),
        ({"rsud": ["a lot"] + [0.125] * 8}, "valid decimal"),
    ],
)  # fmt: skip
def test_skm_weights_that_do_not_fit_are_refused_saying_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, weights: dict[str, list[object]], message: str
) -> None:
    monkeypatch.setenv("ADUAN_SKM_WEIGHTS", json.dumps(weights))
    with pytest.raises(ValidationError, match="skm_weights") as refused:
        Settings()
    assert refused.match(message)
