"""Settings are checked when they are read, with messages that say what to write."""

from __future__ import annotations

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
