"""GET /v1/audit/events: every event of the ledger, attributable (who, role, when, which
complaint, which unit at the time, why), for auditors and admins, filtered and paged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.values import Role
from infra.cloudevents import event_id
from services.ledger import ComplaintLedger
from tests.support import MutableClock, originator_uuid

Headers = Callable[..., dict[str, str]]
Filer = Callable[..., dict[str, Any]]
PERSONAL_VALUES = ("Siti Aminah", "3205123456780001", "081234567890", "siti@example.id")


@pytest.fixture
def history(
    client: TestClient, file_complaint: Filer, token: Headers, clock: MutableClock
) -> dict[str, Any]:
    """Units registered; on Monday a complaint filed, verified and routed to the RSUD; on
    Tuesday another rejected as spam."""
    coordinator = token(Role.COORDINATOR, subject="rina")
    routed = file_complaint()
    url = f"/v1/complaints/{routed['id']}"
    assert client.post(f"{url}/verify", headers=coordinator).status_code == 200
    forward = client.post(f"{url}/forward", json={"unit_id": "rsud"}, headers=coordinator)
    assert forward.status_code == 200
    clock.advance(timedelta(days=1))
    rejected = file_complaint()
    reject = client.post(
        f"/v1/complaints/{rejected['id']}/reject", json={"reason": "spam"}, headers=coordinator
    )
    assert reject.status_code == 200
    client.app.state.projections.catch_up()  # type: ignore[attr-defined]
    return {"routed": routed, "rejected": rejected}


def audit(client: TestClient, headers: dict[str, str], query: str = "") -> Any:
    return client.get(f"/v1/audit/events{query}", headers=headers)


def all_rows(client: TestClient, headers: dict[str, str], query: str = "") -> list[Any]:
    response = audit(client, headers, query)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    items: list[Any] = response.json()["items"]
    return items


def test_every_event_of_the_log_is_a_row_in_log_order_named_as_on_kafka(
    client: TestClient, history: dict[str, Any], token: Headers
) -> None:
    ledger: ComplaintLedger = client.app.state.ledger  # type: ignore[attr-defined]
    log = ledger.recorder.select_notifications(0, 1000)

    rows = all_rows(client, token(Role.AUDITOR), "?page_size=1000")

    assert [row["position"] for row in rows] == [n.id for n in log]
    assert [row["event_id"] for row in rows] == [
        str(event_id(originator_uuid(n), n.originator_version)) for n in log
    ]
    assert [row["aggregate_id"] for row in rows] == [str(n.originator_id) for n in log]
    types = [row["event_type"] for row in rows]
    assert types[:3] == [
        "aduan.unit.Registered", "aduan.unit_directory.Started", "aduan.unit_directory.UnitAdded"
    ]  # fmt: skip
    assert types.count("aduan.complaint.Filed") == 2
    assert types.count("aduan.personal_data_read.Recorded") == 3  # each action's response


def test_rows_say_who_acted_in_which_role_on_which_complaint_in_which_unit_and_why(
    client: TestClient, history: dict[str, Any], token: Headers
) -> None:
    routed, rejected = history["routed"]["id"], history["rejected"]["id"]

    rows = all_rows(client, token(Role.ADMIN), "?page_size=1000")

    def row_of(event_type: str, complaint_id: str) -> tuple[Any, ...]:
        (row,) = [
            r for r in rows if r["event_type"] == event_type and r["complaint_id"] == complaint_id
        ]
        return (row["actor_id"], row["actor_role"], row["unit_id"], row["reason"])

    assert row_of("aduan.complaint.Filed", routed) == ("public", "complainant", "disdukcapil", None)
    assert row_of("aduan.tracking.Assigned", routed) == (None, None, "disdukcapil", None)
    assert row_of("aduan.complaint.Verified", routed) == (
        "rina",
        "coordinator",
        "disdukcapil",
        None,
    )
    assert row_of("aduan.complaint.Forwarded", routed) == ("rina", "coordinator", "rsud", None)
    assert row_of("aduan.complaint.Rejected", rejected) == (
        "rina", "coordinator", "disdukcapil", "spam"
    )  # fmt: skip
    reads = [r for r in rows if r["event_type"] == "aduan.personal_data_read.Recorded"]
    assert [(r["complaint_id"], r["unit_id"], r["reason"]) for r in reads] == [
        (routed, "disdukcapil", "act on the complaint (verify)"),
        (routed, "rsud", "act on the complaint (forward)"),
        (rejected, "disdukcapil", "act on the complaint (reject)"),
    ]
    registered = [r for r in rows if r["event_type"] == "aduan.unit.Registered"]
    assert {(r["actor_id"], r["actor_role"], r["unit_id"]) for r in registered} == {
        ("admin-test", "admin", "disdukcapil"), ("admin-test", "admin", "rsud")
    }  # fmt: skip


def test_the_trail_carries_no_personal_data_or_free_text(
    client: TestClient, history: dict[str, Any], token: Headers
) -> None:
    response = audit(client, token(Role.AUDITOR), "?page_size=1000")

    for value in (*PERSONAL_VALUES, "KTP-el belum jadi", history["routed"]["access_token"]):
        assert value not in response.text


def test_actor_and_unit_filters_keep_only_matching_rows(
    client: TestClient, history: dict[str, Any], token: Headers
) -> None:
    auditor = token(Role.AUDITOR)

    by_rina = all_rows(client, auditor, "?actor=rina")
    in_rsud = all_rows(client, auditor, "?unit_id=rsud")
    both = all_rows(client, auditor, "?actor=rina&unit_id=disdukcapil")

    assert len(by_rina) == 6 and {r["actor_id"] for r in by_rina} == {"rina"}
    assert [r["event_type"] for r in in_rsud] == [
        "aduan.unit.Registered", "aduan.unit_directory.UnitAdded",
        "aduan.complaint.Forwarded", "aduan.personal_data_read.Recorded",
    ]  # fmt: skip
    assert len(both) == 4 and {r["unit_id"] for r in both} == {"disdukcapil"}


def timed_by_the_ledger(rows: list[Any]) -> list[Any]:
    """Rows of events that carry the ledger clock's time; units, the unit directory and
    tracking numbers carry none, so theirs is when they were stored (the wall clock's)."""
    kinds = ("aduan.complaint.", "aduan.personal_data_read.")
    return [row for row in rows if row["event_type"].startswith(kinds)]


def test_from_and_to_bound_the_time_by_jakarta_dates(
    client: TestClient, history: dict[str, Any], token: Headers
) -> None:
    auditor = token(Role.AUDITOR)

    def rows(query: str) -> list[Any]:
        return timed_by_the_ledger(all_rows(client, auditor, query))

    monday = rows("?from=2026-11-23&to=2026-11-24&page_size=1000")
    tuesday = rows("?from=2026-11-24&page_size=1000")
    before = rows("?to=2026-11-23")

    assert len(monday) == 5 and {r["complaint_id"] for r in monday} == {history["routed"]["id"]}
    assert [r["event_type"] for r in tuesday] == [
        "aduan.complaint.Filed", "aduan.complaint.Rejected", "aduan.personal_data_read.Recorded"
    ]  # fmt: skip
    assert before == []


def test_a_day_starts_at_midnight_in_jakarta(
    client: TestClient, units: list[str], file_complaint: Filer, token: Headers,
    clock: MutableClock,
) -> None:  # fmt: skip
    auditor = token(Role.AUDITOR)
    clock.advance(timedelta(hours=14) - timedelta(microseconds=1))  # Monday 23:59:59.999999
    monday = file_complaint()
    clock.advance(timedelta(microseconds=1))  # Tuesday 00:00 in Jakarta
    tuesday = file_complaint()
    client.app.state.projections.catch_up()  # type: ignore[attr-defined]

    rows = timed_by_the_ledger(all_rows(client, auditor, "?from=2026-11-24&to=2026-11-25"))
    earlier = timed_by_the_ledger(all_rows(client, auditor, "?to=2026-11-24"))

    assert [(r["complaint_id"], r["at"]) for r in rows] == [(tuesday["id"], "2026-11-23T17:00:00Z")]
    assert [r["complaint_id"] for r in earlier] == [monday["id"]]


def test_pages_follow_the_cursor_to_the_end_without_gaps_or_repeats(
    client: TestClient, history: dict[str, Any], token: Headers
) -> None:
    auditor = token(Role.AUDITOR)
    everything = all_rows(client, auditor, "?page_size=1000")
    seen: list[Any] = []
    query = "?page_size=4"

    while True:
        page = audit(client, auditor, query).json()
        assert len(page["items"]) <= 4
        seen.extend(page["items"])
        if page["next_cursor"] is None:
            break
        query = f"?page_size=4&cursor={page['next_cursor']}"

    assert seen == everything
    assert len(everything) > 8


@pytest.mark.parametrize(
    ("role", "unit_ids"),
    [(Role.COORDINATOR, ()), (Role.OFFICER, ("rsud",)), (Role.SUPERVISOR, ("rsud",))],
)
def test_other_staff_roles_are_refused_403(
    client: TestClient, token: Headers, role: Role, unit_ids: tuple[str, ...]
) -> None:
    response = audit(client, token(role, *unit_ids))

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_a_complainant_is_refused_403_and_no_token_is_401(
    client: TestClient, file_complaint: Filer
) -> None:
    filed = file_complaint()

    complainant = audit(client, {"X-Access-Token": filed["access_token"]})
    nobody = audit(client, {})

    assert (complainant.status_code, complainant.json()["code"]) == (403, "forbidden")
    assert (nobody.status_code, nobody.json()["code"]) == (401, "authentication_required")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2026-11-24&to=2026-11-24", "to"),
        ("?cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("?cursor=WyItZmlsZWRfYXQiLDEsImEiXQ==", "cursor"),  # a work-queue cursor
        ("?page_size=0", "query.page_size"),
        ("?page_size=1001", "query.page_size"),
        ("?from=yesterday", "query.from"),
        (f"?actor={'x' * 201}", "query.actor"),
    ],
)
def test_bad_queries_are_422_naming_the_field(
    client: TestClient, units: list[str], token: Headers, query: str, field: str
) -> None:
    response = audit(client, token(Role.AUDITOR), query)

    assert response.status_code == 422
    body = response.json()
    assert body.get("field") == field or [e["field"] for e in body["errors"]] == [field]


def test_a_read_s_aggregate_is_its_own_and_its_complaint_is_named(
    client: TestClient, history: dict[str, Any], token: Headers
) -> None:
    rows = all_rows(client, token(Role.AUDITOR), "?page_size=1000")

    reads = [r for r in rows if r["event_type"] == "aduan.personal_data_read.Recorded"]

    assert all(UUID(r["aggregate_id"]) != UUID(r["complaint_id"]) for r in reads)
