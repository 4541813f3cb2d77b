"""The metrics over HTTP: summary, units, timeseries and aging of a known history, who may
ask for which unit, and bad questions refused with the field named.

The history, from the clock's start (Monday 23 Nov 2026, 10:00 in Jakarta): three
complaints filed, two to Disdukcapil and one to RSUD. The first is verified and routed at
once, then answered and resolved 2 h 0 min 18 s later (2.005 h: 2.01 h rounded); the
second is verified then; the third rejected an hour later (3.01 h after filing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.calendar import JAKARTA
from domain.values import Role
from tests.support import MutableClock

Headers = Callable[..., dict[str, str]]
Filer = Callable[..., dict[str, Any]]
Ask = Callable[..., Response]
NOVEMBER = {"from": "2026-11-01", "to": "2026-12-01"}
ANSWER_DUE = datetime(2026, 12, 8, tzinfo=JAKARTA)  # of the second: 14 days after filing


@pytest.fixture
def ask(client: TestClient, token: Headers) -> Ask:
    """GET /v1/metrics/<what> once the views have caught up (as a coordinator by default)."""

    def get(what: str, headers: dict[str, str] | None = None, **params: Any) -> Response:
        client.app.state.projections.catch_up()  # type: ignore[attr-defined]
        chosen = token(Role.COORDINATOR) if headers is None else headers
        response: Response = client.get(f"/v1/metrics/{what}", params=params, headers=chosen)
        return response

    return get


@pytest.fixture
def history(
    client: TestClient, file_complaint: Filer, token: Headers, clock: MutableClock
) -> list[dict[str, Any]]:
    coordinator, officer = token(Role.COORDINATOR), token(Role.OFFICER, "disdukcapil")

    def act(complaint: dict[str, Any], action: str, who: dict[str, str], **body: Any) -> None:
        response = client.post(
            f"/v1/complaints/{complaint['id']}/{action}", json=body or None, headers=who
        )
        assert response.status_code == 200, response.text

    first, second, third = file_complaint(), file_complaint(), file_complaint(unit_id="rsud")
    act(first, "verify", coordinator)
    act(first, "forward", coordinator, unit_id="disdukcapil")
    clock.advance(timedelta(hours=2, seconds=18))
    act(first, "respond", officer, message="Sedang kami cetak.")
    act(first, "resolve", officer, resolution="Sudah dicetak.", outcome="fixed")
    act(second, "verify", coordinator)
    clock.advance(timedelta(hours=1))
    act(third, "reject", coordinator, reason="unclear")
    return [first, second, third]


def test_summary_of_a_known_history(ask: Ask, history: list[dict[str, Any]]) -> None:
    response = ask("summary", **NOVEMBER)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "received": 3, "rejected": 1, "withdrawn": 0, "closed": 0, "open": 1, "resolved": 1,
        "fixed": 1, "overdue_now": 0, "completion_rate": 1 / 3, "verify_on_time_rate": 1.0,
        "response_on_time_rate": 1.0, "resolution_on_time_rate": 1.0, "reopen_rate": 0.0,
        "satisfied_rate": None, "average_rating": None,
        "durations": {
            "triage": {"count": 3, "p50_hours": 2.01, "p90_hours": 3.01,
                       "p50_working_days": 0, "p90_working_days": 0},
            "first_response": {"count": 1, "p50_hours": 2.01, "p90_hours": 2.01,
                               "p50_working_days": 0, "p90_working_days": 0},
            "resolution": {"count": 1, "p50_hours": 2.01, "p90_hours": 2.01,
                           "p50_working_days": 0, "p90_working_days": 0},
        },
    }  # fmt: skip


def test_a_summary_outside_the_history_counts_nothing(
    ask: Ask, history: list[dict[str, Any]]
) -> None:
    body = ask("summary", **{"from": "2026-11-24", "to": "2027-02-01"}).json()
    assert (body["received"], body["completion_rate"], body["durations"]["triage"]) == (
        0,
        None,
        {"count": 0, "p50_hours": None, "p90_hours": None,
         "p50_working_days": None, "p90_working_days": None},
    )  # fmt: skip


def test_a_unit_s_summary_counts_the_complaints_routed_to_it_now(
    client: TestClient, ask: Ask, history: list[dict[str, Any]], token: Headers
) -> None:
    second = history[1]
    response = client.post(
        f"/v1/complaints/{second['id']}/forward",
        json={"unit_id": "rsud"},
        headers=token(Role.COORDINATOR),
    )
    assert response.status_code == 200, response.text
    rsud = ask("summary", unit_id="rsud", **NOVEMBER).json()
    disdukcapil = ask("summary", unit_id="disdukcapil", **NOVEMBER).json()
    assert (rsud["received"], rsud["rejected"], rsud["open"]) == (2, 1, 1)
    assert rsud["durations"]["triage"]["p50_hours"] == 2.01  # the second's, moved along
    assert (disdukcapil["received"], disdukcapil["resolved"], disdukcapil["open"]) == (1, 1, 0)
    triage = disdukcapil["durations"]["triage"]
    assert (triage["count"], triage["p90_hours"]) == (1, 0.0)  # the second's left with it


def test_overdue_now_counts_a_complaint_from_the_moment_its_deadline_ends(
    ask: Ask, history: list[dict[str, Any]], clock: MutableClock
) -> None:
    clock.advance(ANSWER_DUE - clock.now() - timedelta(microseconds=1))
    before = ask("summary", **NOVEMBER).json()["overdue_now"]
    clock.advance(timedelta(microseconds=1))
    assert (before, ask("summary", **NOVEMBER).json()["overdue_now"]) == (0, 1)


def test_units_are_ranked_by_completion_rate(ask: Ask, history: list[dict[str, Any]]) -> None:
    response = ask("units", min_sample=1, **NOVEMBER)
    assert response.status_code == 200, response.text
    ranking = [(row["unit_id"], row["received"], row["resolved"], row["rank"])
               for row in response.json()]  # fmt: skip
    assert ranking == [("disdukcapil", 2, 1, 1), ("rsud", 1, 0, 2)]


def test_every_registered_unit_has_a_row_those_with_nothing_filed_unranked_with_zeros(
    client: TestClient, ask: Ask, history: list[dict[str, Any]], token: Headers
) -> None:
    response = client.post(
        "/v1/units", json={"unit_id": "samsat", "name": "Samsat"}, headers=token(Role.ADMIN)
    )
    assert response.status_code == 201, response.text

    rows = ask("units", min_sample=1, **NOVEMBER).json()

    assert [(row["unit_id"], row["rank"]) for row in rows] == [
        ("disdukcapil", 1), ("rsud", 2), ("samsat", None)
    ]  # fmt: skip
    assert rows[2] == {
        "unit_id": "samsat", "received": 0, "resolved": 0, "completion_rate": None,
        "resolution_on_time_rate": None, "verify_on_time_rate": None,
        "response_on_time_rate": None, "rank": None,
    }  # fmt: skip
    supervisor = token(Role.SUPERVISOR, "samsat")
    assert [row["unit_id"] for row in ask("units", headers=supervisor, **NOVEMBER).json()] == [
        "samsat"
    ]


def test_timeseries_counts_received_and_first_resolved_per_day(
    ask: Ask, history: list[dict[str, Any]]
) -> None:
    response = ask("timeseries", **{"from": "2026-11-22", "to": "2026-11-25"})
    assert response.status_code == 200, response.text
    assert response.json() == [
        {"bucket": "2026-11-22", "received": 0, "resolved": 0},
        {"bucket": "2026-11-23", "received": 3, "resolved": 1},
        {"bucket": "2026-11-24", "received": 0, "resolved": 0},
    ]
    by_month = ask("timeseries", interval="month", unit_id="rsud", **NOVEMBER).json()
    assert by_month == [{"bucket": "2026-11-01", "received": 1, "resolved": 0}]


def test_aging_counts_the_open_complaint(ask: Ask, history: list[dict[str, Any]]) -> None:
    body = ask("aging").json()
    assert (body["open"], body["buckets"]["0-3"], body["by_channel"]) == (
        1,
        1,
        {"web": {"0-3": 1, "4-7": 0, "8-14": 0, "15-30": 0, "31-60": 0, ">60": 0}},
    )


@pytest.mark.parametrize("unit_id", ["*", "Dinas Sosial", "x" * 64, ""])
def test_a_malformed_unit_id_is_422_naming_it(ask: Ask, units: list[str], unit_id: str) -> None:
    for what, period in (("summary", NOVEMBER), ("timeseries", NOVEMBER), ("aging", {})):
        response = ask(what, unit_id=unit_id, **period)
        assert response.status_code == 422, (what, response.text)
        assert response.json()["errors"][0]["field"] == "query.unit_id"


@pytest.mark.parametrize(
    ("first", "end"), [("0001-01-01", "0001-02-01"), ("9999-12-01", "9999-12-31")]
)
def test_a_period_at_the_ends_of_the_calendar_counts_nothing(
    ask: Ask, units: list[str], first: str, end: str
) -> None:
    for what in ("summary", "units", "timeseries"):
        response = ask(what, **{"from": first, "to": end})
        assert response.status_code == 200, (what, response.text)
    assert ask("summary", **{"from": first, "to": end}).json()["received"] == 0


def test_a_period_that_ends_before_it_starts_is_422(ask: Ask, units: list[str]) -> None:
    response = ask("summary", **{"from": "2026-11-02", "to": "2026-11-02"})
    assert (response.status_code, response.json()["field"]) == (422, "to")


def test_an_officer_asks_only_for_their_own_unit(
    ask: Ask, history: list[dict[str, Any]], token: Headers
) -> None:
    officer = token(Role.OFFICER, "disdukcapil")
    own = ask("summary", headers=officer, **NOVEMBER)
    other = ask("summary", headers=officer, unit_id="rsud", **NOVEMBER)
    assert (own.status_code, own.json()["received"]) == (200, 2)
    assert (other.status_code, other.json()["field"]) == (403, "unit_id")
    assert [row["unit_id"] for row in ask("units", headers=officer, **NOVEMBER).json()] == [
        "disdukcapil"
    ]
