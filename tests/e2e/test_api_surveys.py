"""The satisfaction survey over HTTP: responses in, the unit's SKM out."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from infra.settings import Settings

WORKED_EXAMPLE = (
    [3, 3, 2, 4, 3, 3, 4, 2, 3],
    [4, 3, 3, 4, 3, 3, 4, 2, 3],
    [3, 3, 3, 4, 3, 3, 3, 2, 3],
)


EQUAL = [1 / 9] * 9
FIRST_DOUBLE = [0.2] + [0.1] * 8  # persyaratan weighs twice each other element


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The server's settings, with the ADUAN_SKM_WEIGHTS a test passes as its parameter."""
    weights = getattr(request, "param", {})
    return Settings(**{**settings.model_dump(), "skm_weights": weights})


def skm(client: TestClient, **params: Any) -> Any:
    client.app.state.projections.catch_up()  # type: ignore[attr-defined]
    query = {"from": "2026-11-01", "to": "2026-12-01", **params}
    return client.get("/v1/units/disdukcapil/skm", params=query)


def test_responses_give_the_worked_example_index_and_grade(
    client: TestClient, units: list[str]
) -> None:
    for scores in WORKED_EXAMPLE:
        body = {"scores": scores, "profile": {"sex": "perempuan", "age_band": "25-34"}}
        response = client.post("/v1/units/disdukcapil/survey-responses", json=body)
        assert response.status_code == 201
    report = skm(client, service_users=100)
    assert report.status_code == 200
    body = report.json()
    assert body["responses"] == 3
    assert body["index"] == 3.074  # 83/27 = 3.07407..., rounded down to 4 decimals
    assert body["converted_index"] == 76.85
    assert (body["grade"], body["grade_meaning"]) == ("B", "baik")
    assert body["elements"][0] == {"element": "persyaratan", "average": 3.3333, "weight": 1 / 9}
    assert (body["required_sample"], body["sample_sufficient"]) == (80, False)


# Just under a band edge: 524 points over 19 x 9 answers, converted 76.608... (C); 1,367 over
# 43 x 9, converted 88.307... (B). Rounded to the nearest they would show 76.61 and 88.31,
# the edges of B and A.
UNDER_B = [[4, 3, 3, 3, 3, 3, 3, 3, 3]] * 18 + [[2, 2, 2, 2, 2, 2, 2, 3, 3]]
UNDER_A = [[4, 3, 4, 3, 4, 3, 4, 3, 4]] * 34 + [[4, 3, 4, 3, 4, 3, 4, 3, 3]] * 9


@pytest.mark.parametrize(
    ("responses", "index", "converted_index", "grade"),
    [(UNDER_B, 3.0643, 76.60, "C"), (UNDER_A, 3.5322, 88.30, "B")],
)
def test_the_index_shown_is_rounded_down_into_its_grades_band(
    client: TestClient,
    units: list[str],
    responses: list[list[int]],
    index: float,
    converted_index: float,
    grade: str,
) -> None:
    for scores in responses:
        response = client.post("/v1/units/disdukcapil/survey-responses", json={"scores": scores})
        assert response.status_code == 201
    body = skm(client).json()
    assert (body["index"], body["converted_index"], body["grade"]) == (
        index,
        converted_index,
        grade,
    )


@pytest.mark.parametrize(
    ("settings", "index", "converted_index", "weights"),
    [
        # By hand: 0.2 x 10/3 + 0.1 x (9 + 8 + 12 + 9 + 9 + 11 + 6 + 9)/3 = 2/3 + 73/30 = 3.1.
        ({"disdukcapil": FIRST_DOUBLE}, 3.1, 77.5, FIRST_DOUBLE),
        ({"*": FIRST_DOUBLE, "rsud": EQUAL}, 3.1, 77.5, FIRST_DOUBLE),
        # Another unit's weights leave this one equally weighted, as with none set.
        ({"rsud": FIRST_DOUBLE}, 3.074, 76.85, EQUAL),
        # 0.111 nine times sums to 0.999: scaled, each is exactly 1/9.
        ({"*": [0.111] * 9}, 3.074, 76.85, EQUAL),
    ],
    indirect=["settings"],
)
def test_configured_weights_give_the_weighted_index_and_are_shown(
    client: TestClient,
    units: list[str],
    index: float,
    converted_index: float,
    weights: list[float],
) -> None:
    for scores in WORKED_EXAMPLE:
        client.post("/v1/units/disdukcapil/survey-responses", json={"scores": scores})
    body = skm(client).json()
    assert (body["index"], body["converted_index"], body["grade"]) == (
        index,
        converted_index,
        "B",
    )
    assert [element["weight"] for element in body["elements"]] == weights


def test_a_period_without_responses_has_no_index(client: TestClient, units: list[str]) -> None:
    body = skm(client).json()
    assert body["responses"] == 0
    assert body["index"] is None
    assert body["grade"] is None
    assert body["sample_sufficient"] is None


def test_responses_outside_the_period_are_not_counted(client: TestClient, units: list[str]) -> None:
    client.post("/v1/units/disdukcapil/survey-responses", json={"scores": [4] * 9})
    assert skm(client, **{"from": "2026-12-01", "to": "2027-01-01"}).json()["responses"] == 0
    assert skm(client).json()["responses"] == 1


def test_wrong_number_of_scores_is_422(client: TestClient, units: list[str]) -> None:
    response = client.post("/v1/units/disdukcapil/survey-responses", json={"scores": [3] * 8})
    assert response.status_code == 422
    assert response.json()["field"] == "scores"


def test_a_score_of_five_is_422_naming_it(client: TestClient, units: list[str]) -> None:
    response = client.post("/v1/units/disdukcapil/survey-responses", json={"scores": [5] * 9})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("body.scores")


def test_unknown_unit_is_404(client: TestClient, units: list[str]) -> None:
    response = client.post("/v1/units/nowhere/survey-responses", json={"scores": [3] * 9})
    assert response.status_code == 404
    assert client.get("/v1/units/nowhere/skm?from=2026-01-01&to=2027-01-01").status_code == 404


def test_period_must_run_forward(client: TestClient, units: list[str]) -> None:
    response = skm(client, **{"from": "2026-12-01", "to": "2026-11-01"})
    assert response.status_code == 422
    assert response.json()["field"] == "to"
