"""The work queue over HTTP: GET /v1/complaints filters, sorts, pages and scopes the
complaints view; GET /v1/projections shows how far each view has followed the log."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.values import Role
from tests.support import MutableClock

Headers = Callable[..., dict[str, str]]
Filer = Callable[..., dict[str, Any]]
Queue = Callable[..., Response]
PERSONAL_VALUES = ("Siti Aminah", "3205123456780001", "081234567890", "siti@example.id")
SORTS = ("-filed_at", "filed_at", "next_due", "-updated_at", "updated_at")
ITEM_FIELDS = {
    "id", "tracking_number", "status", "unit_id", "category", "channel", "kind",
    "maladministration", "title", "anonymous", "confidential", "filed_after_limit", "filed_at",
    "updated_at", "version", "next_due",
}  # fmt: skip
VERIFY_DUE = datetime(2026, 11, 26, 17, tzinfo=UTC)  # filed at the clock's start


@pytest.fixture
def queue(client: TestClient, token: Headers) -> Queue:
    """GET /v1/complaints once the views have caught up (as a coordinator by default)."""

    def get(headers: dict[str, str] | None = None, **params: Any) -> Response:
        client.app.state.projections.catch_up()  # type: ignore[attr-defined]
        chosen = token(Role.COORDINATOR) if headers is None else headers
        response: Response = client.get("/v1/complaints", params=params, headers=chosen)
        return response

    return get


@pytest.fixture
def act(client: TestClient, token: Headers) -> Callable[..., None]:
    """Takes an action (as a coordinator unless told) and insists it succeeds."""

    def post(
        complaint: dict[str, Any],
        action: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        response = client.post(
            f"/v1/complaints/{complaint['id']}/{action}",
            json=body,
            headers=token(Role.COORDINATOR) if headers is None else headers,
        )
        assert response.status_code == 200, response.text

    return post


def ids(response: Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def id_set(*complaints: dict[str, Any]) -> set[str]:
    return {str(complaint["id"]) for complaint in complaints}


# Filters ------------------------------------------------------------------------------


def test_status_filter_keeps_only_complaints_in_that_status(
    queue: Queue, file_complaint: Filer, act: Callable[..., None]
) -> None:
    submitted, verified = file_complaint(), file_complaint()
    act(verified, "verify")

    assert ids(queue(status="verified")) == [str(verified["id"])]
    assert ids(queue(status="submitted")) == [str(submitted["id"])]


def test_status_filter_takes_a_comma_separated_list(
    queue: Queue, file_complaint: Filer, act: Callable[..., None]
) -> None:
    submitted, verified, asked = file_complaint(), file_complaint(), file_complaint()
    act(verified, "verify")
    act(asked, "request-info", {"questions": "Nomor KK?"})

    assert set(ids(queue(status="verified, info_requested"))) == id_set(verified, asked)
    assert set(ids(queue(status="submitted,verified"))) == id_set(submitted, verified)


def test_unknown_status_is_refused_naming_the_status_field(queue: Queue, units: list[str]) -> None:
    response = queue(status="verified,lost")

    assert (response.status_code, response.json()["code"]) == (422, "rule_violation")
    assert response.json()["field"] == "status"
    assert "lost" in response.json()["message"]


def test_unit_category_channel_and_kind_filters_each_keep_only_matching_complaints(
    queue: Queue, file_complaint: Filer
) -> None:
    plain = file_complaint()
    hospital = file_complaint(unit_id="rsud", category="kesehatan")
    by_sms = file_complaint(channel="sms", category=None)
    idea = file_complaint(kind="aspirasi", category=None)

    assert ids(queue(unit_id="rsud")) == [str(hospital["id"])]
    assert set(ids(queue(unit_id="disdukcapil"))) == id_set(plain, by_sms, idea)
    assert ids(queue(category="kesehatan")) == [str(hospital["id"])]
    assert ids(queue(channel="sms")) == [str(by_sms["id"])]
    assert ids(queue(kind="aspirasi")) == [str(idea["id"])]
    assert ids(queue(unit_id="rsud", channel="sms")) == []


def test_overdue_keeps_complaints_past_a_running_team_deadline(
    queue: Queue, file_complaint: Filer, act: Callable[..., None], clock: MutableClock
) -> None:
    late = file_complaint()
    verified = file_complaint()
    act(verified, "verify")  # its next team deadline is the answer, ten days later
    waiting = file_complaint()
    act(waiting, "request-info", {"questions": "Nomor KK?"})  # the complainant's turn
    clock.advance(VERIFY_DUE - clock.now() + timedelta(hours=1))
    fresh = file_complaint()

    assert ids(queue(overdue="true")) == [str(late["id"])]
    assert set(ids(queue(overdue="false"))) == id_set(verified, waiting, fresh)


def test_filed_after_limit_keeps_complaints_filed_more_than_30_days_after_the_incident(
    queue: Queue, file_complaint: Filer
) -> None:
    late = file_complaint(incident_date="2026-10-01")
    in_time = file_complaint(incident_date="2026-11-20")
    undated = file_complaint(incident_date=None)

    assert ids(queue(filed_after_limit="true")) == [str(late["id"])]
    assert set(ids(queue(filed_after_limit="false"))) == id_set(in_time, undated)
    marks = {item["id"]: item["filed_after_limit"] for item in queue().json()["items"]}
    assert marks == {str(late["id"]): True, str(in_time["id"]): False, str(undated["id"]): False}


def test_q_matches_title_and_description_whatever_the_case(
    queue: Queue, file_complaint: Filer
) -> None:
    in_title = file_complaint(title="Jalan RUSAK di Garut", description="Sudah sebulan begini.")
    in_description = file_complaint(title="Lampu mati", description="Dekat jalan rusak itu.")
    file_complaint(title="Antrean panjang", description="Loket hanya satu yang buka.")

    assert set(ids(queue(q="jAlAn Rusak"))) == id_set(in_title, in_description)
    assert ids(queue(q="LAMPU")) == [str(in_description["id"])]


def test_q_treats_percent_and_underscore_as_plain_characters(
    queue: Queue, file_complaint: Filer
) -> None:
    percent = file_complaint(title="Tarif naik 100% tanpa kabar")
    underscore = file_complaint(title="Akun user_rsud terkunci")
    file_complaint(title="Tarif naik 1000 rupiah", description="Parkir di user rsud mahal.")

    assert ids(queue(q="100%")) == [str(percent["id"])]
    assert ids(queue(q="%")) == [str(percent["id"])]
    assert ids(queue(q="user_rsud")) == [str(underscore["id"])]
    assert ids(queue(q="_")) == [str(underscore["id"])]


def test_from_and_to_bound_the_filing_date_in_jakarta(
    queue: Queue, file_complaint: Filer, clock: MutableClock
) -> None:
    monday = file_complaint()  # Monday 23 Nov, 10:00 in Jakarta
    clock.advance(timedelta(hours=14, minutes=30))
    tuesday_early = file_complaint()  # Tuesday 24 Nov, 00:30 in Jakarta; Monday in UTC
    clock.advance(timedelta(days=1, hours=9))
    wednesday = file_complaint()  # Wednesday 25 Nov, 09:30 in Jakarta

    assert set(ids(queue(**{"from": "2026-11-24"}))) == id_set(tuesday_early, wednesday)
    assert ids(queue(to="2026-11-24")) == [str(monday["id"])]
    assert ids(queue(**{"from": "2026-11-24", "to": "2026-11-25"})) == [str(tuesday_early["id"])]
    assert ids(queue(**{"from": "2026-11-26"})) == []


@pytest.mark.parametrize("end", ["2026-04-01", "2026-05-01"])
def test_a_period_that_does_not_run_forward_is_refused_naming_to(
    queue: Queue, units: list[str], end: str
) -> None:
    response = queue(**{"from": "2026-05-01", "to": end})

    assert (response.status_code, response.json()["field"]) == (422, "to")


# Sorting and paging -------------------------------------------------------------------


@pytest.fixture
def mixed_queue(
    file_complaint: Filer, act: Callable[..., None], clock: MutableClock, token: Headers
) -> list[dict[str, Any]]:
    """Seven complaints with ties in filing and update times and a mix of next deadlines."""
    officer = token(Role.OFFICER, "disdukcapil", "rsud")
    first_pair = [file_complaint(), file_complaint()]  # filed at the same moment
    clock.advance(timedelta(hours=3))
    second_three = [file_complaint(unit_id="rsud") for _ in range(3)]
    clock.advance(timedelta(hours=3))
    last_pair = [file_complaint(), file_complaint()]
    clock.advance(timedelta(hours=1))
    act(first_pair[0], "verify")  # updated now; next due: the answer
    act(second_three[0], "request-info", {"questions": "Foto?"})  # no team deadline running
    act(second_three[1], "request-info", {"questions": "Foto?"})  # (a tie on next_due)
    clock.advance(timedelta(hours=1))
    act(last_pair[0], "verify")
    act(last_pair[0], "forward", {"unit_id": "disdukcapil"})  # next due: the first response
    act(last_pair[0], "respond", {"message": "Diproses."}, officer)  # next due: resolution
    return first_pair + second_three + last_pair


def sort_key(item: dict[str, Any], sort: str) -> tuple[Any, ...]:
    column = sort.removeprefix("-")
    value = item[column]
    # No running team deadline sorts after every deadline.
    return (value is None, datetime.fromisoformat(value) if value else None, item["id"])


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_orders_the_queue_and_breaks_ties_by_id(
    queue: Queue, mixed_queue: list[dict[str, Any]], sort: str
) -> None:
    response = queue(sort=sort, page_size=200)

    items = response.json()["items"]
    expected = sorted(items, key=lambda item: sort_key(item, sort), reverse=sort.startswith("-"))
    values = [item[sort.removeprefix("-")] for item in items]
    assert len(items) == len(mixed_queue)
    assert len(set(values)) < len(values)  # there are ties to break
    assert [item["id"] for item in items] == [item["id"] for item in expected]


def test_default_sort_is_newest_filing_first(
    queue: Queue, mixed_queue: list[dict[str, Any]]
) -> None:
    assert ids(queue()) == ids(queue(sort="-filed_at"))
    assert ids(queue())[-1] in id_set(*mixed_queue[:2])


@pytest.mark.parametrize("sort", SORTS)
def test_cursor_pages_walk_every_complaint_exactly_once(
    queue: Queue, mixed_queue: list[dict[str, Any]], sort: str
) -> None:
    everything = ids(queue(sort=sort, page_size=200))
    walked: list[str] = []
    pages, cursor = 0, None
    while True:
        params = {"sort": sort, "page_size": 2} | ({"cursor": cursor} if cursor else {})
        page = queue(**params)
        assert page.status_code == 200, page.text
        walked += ids(page)
        pages += 1
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
        assert pages < 10, "the cursor never reached the end"

    assert walked == everything
    assert len(set(walked)) == len(mixed_queue)
    assert pages == 4  # seven complaints, two a page


def test_cursor_pages_keep_the_filters(queue: Queue, mixed_queue: list[dict[str, Any]]) -> None:
    first = queue(unit_id="rsud", page_size=2)
    second = queue(unit_id="rsud", page_size=2, cursor=first.json()["next_cursor"])

    assert ids(first) + ids(second) == ids(queue(unit_id="rsud"))
    assert second.json()["next_cursor"] is None


def forged_cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "bm90LWpzb24",  # base64 of "not-json"
        forged_cursor(["-filed_at", "yesterday", "some-id"]),
        forged_cursor(["-filed_at", 1]),
        forged_cursor({"sort": "-filed_at"}),
        forged_cursor(["-filed_at", 2**63, "some-id"]),  # beyond any stored number
    ],
    ids=["garbage", "not-json", "text-value", "too-short", "object", "huge-number"],
)
def test_damaged_cursor_is_refused_naming_the_cursor(
    queue: Queue, mixed_queue: list[dict[str, Any]], cursor: str
) -> None:
    response = queue(cursor=cursor)

    assert (response.status_code, response.json()["code"]) == (422, "rule_violation")
    assert response.json()["field"] == "cursor"


def test_cursor_from_another_sort_order_is_refused_naming_the_cursor(
    queue: Queue, mixed_queue: list[dict[str, Any]]
) -> None:
    cursor = queue(sort="filed_at", page_size=2).json()["next_cursor"]

    response = queue(sort="next_due", page_size=2, cursor=cursor)

    assert (response.status_code, response.json()["field"]) == (422, "cursor")


@pytest.mark.parametrize("page_size", [0, 201, -1])
def test_page_size_out_of_range_is_refused(queue: Queue, units: list[str], page_size: int) -> None:
    response = queue(page_size=page_size)

    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert "page_size" in response.json()["message"]


def test_unknown_sort_is_refused(queue: Queue, units: list[str]) -> None:
    response = queue(sort="title")

    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert "sort" in response.json()["message"]


# Who sees what ------------------------------------------------------------------------


@pytest.fixture
def routed(file_complaint: Filer, act: Callable[..., None]) -> dict[str, dict[str, Any]]:
    """Complaints filed with Disdukcapil or RSUD, routed or not."""
    complaints = {
        "disdukcapil-unrouted": file_complaint(),
        "disdukcapil-routed": file_complaint(),
        "rsud-routed": file_complaint(unit_id="rsud"),
        "moved-to-rsud": file_complaint(),
    }
    for name, unit in (
        ("disdukcapil-routed", "disdukcapil"),
        ("rsud-routed", "rsud"),
        ("moved-to-rsud", "rsud"),
    ):
        act(complaints[name], "verify")
        act(complaints[name], "forward", {"unit_id": unit})
    return complaints


def test_officer_sees_only_complaints_routed_to_their_unit(
    queue: Queue, routed: dict[str, dict[str, Any]], token: Headers
) -> None:
    officer = token(Role.OFFICER, "disdukcapil")

    assert ids(queue(officer)) == [str(routed["disdukcapil-routed"]["id"])]
    assert ids(queue(officer, unit_id="rsud")) == []
    assert ids(queue(officer, status="submitted")) == []


def test_supervisor_sees_every_complaint_of_their_unit_routed_or_not(
    queue: Queue, routed: dict[str, dict[str, Any]], token: Headers
) -> None:
    supervisor = token(Role.SUPERVISOR, "disdukcapil")

    assert set(ids(queue(supervisor))) == id_set(
        routed["disdukcapil-unrouted"], routed["disdukcapil-routed"]
    )


def test_coordinator_sees_every_complaint(
    queue: Queue, routed: dict[str, dict[str, Any]], token: Headers
) -> None:
    assert set(ids(queue(token(Role.COORDINATOR)))) == id_set(*routed.values())


def test_queue_without_credentials_is_401(client: TestClient, file_complaint: Filer) -> None:
    file_complaint()

    response = client.get("/v1/complaints")

    assert (response.status_code, response.json()["code"]) == (401, "authentication_required")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_queue_with_a_complainant_access_token_is_403(
    client: TestClient, file_complaint: Filer
) -> None:
    filed = file_complaint()

    response = client.get("/v1/complaints", headers={"X-Access-Token": filed["access_token"]})

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert filed["title"] not in response.text


def test_queue_items_carry_no_personal_data(
    queue: Queue, file_complaint: Filer, token: Headers
) -> None:
    file_complaint()
    file_complaint(anonymous=True, confidential=True)

    for role, unit_ids in ((Role.COORDINATOR, ()), (Role.SUPERVISOR, ("disdukcapil",))):
        response = queue(token(role, *unit_ids))

        assert response.status_code == 200
        assert len(response.json()["items"]) == 2
        assert all(set(item) == ITEM_FIELDS for item in response.json()["items"])
        for value in PERSONAL_VALUES:
            assert value not in response.text


# Projection status ----------------------------------------------------------------------


def test_projections_show_each_views_position_log_end_and_lag_to_staff(
    client: TestClient, file_complaint: Filer, token: Headers
) -> None:
    file_complaint()
    file_complaint()
    client.app.state.projections.catch_up()  # type: ignore[attr-defined]
    log_end = client.app.state.ledger.recorder.max_notification_id()  # type: ignore[attr-defined]

    response = client.get("/v1/projections", headers=token(Role.OFFICER, "rsud"))

    assert response.status_code == 200
    assert response.json() == [
        {"name": "complaints", "position": log_end, "log_position": log_end, "lag": 0},
        {"name": "metrics", "position": log_end, "log_position": log_end, "lag": 0},
        {"name": "skm", "position": log_end, "log_position": log_end, "lag": 0},
        {"name": "promises", "position": log_end, "log_position": log_end, "lag": 0},
        {"name": "audit", "position": log_end, "log_position": log_end, "lag": 0},
    ]


def test_projections_without_a_token_is_401(client: TestClient) -> None:
    response = client.get("/v1/projections")

    assert (response.status_code, response.json()["code"]) == (401, "authentication_required")
