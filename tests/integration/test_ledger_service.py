"""The ledger service on real stores: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from eventsourcing.application import project_aggregate

from domain.errors import (
    AlreadyExistsError,
    ConcurrentUpdateError,
    NotFoundError,
    RuleViolationError,
    StaleVersionError,
)
from domain.sla import SlaPolicy
from domain.values import Actor, ResolutionOutcome, Role, Status
from services.commands import Command, Feedback, Forward, Resolve, Respond, Verify
from services.ledger import ComplaintLedger
from services.principals import ComplainantKey, Principal, Staff
from tests.support import file_complaint

if TYPE_CHECKING:  # fixtures' types, for annotations only: conftest is not imported
    from tests.conftest import MakeLedger
    from tests.support import MutableClock

ADMIN = Actor("admin-1", Role.ADMIN)
COORDINATOR = Staff("koordinator-1", Role.COORDINATOR)
OFFICER = Staff("penghubung-1", Role.OFFICER, frozenset({"disdukcapil"}))
OTHER_UNIT_OFFICER = Staff("penghubung-2", Role.OFFICER, frozenset({"rsud"}))
STEP = timedelta(hours=1)

# Filed Monday 23 Nov 2026, 10:00 in Jakarta (the clock's start), under the default policy.
VERIFY_DUE = datetime(2026, 11, 26, 17, tzinfo=UTC)  # 3 working days: end of Thursday, WIB
ANSWER_DUE = datetime(2026, 12, 7, 17, tzinfo=UTC)  # 14 days
RESOLUTION_DUE = datetime(2027, 1, 22, 17, tzinfo=UTC)  # 60 days
FIRST_RESPONSE_DUE = datetime(2026, 11, 30, 17, tzinfo=UTC)  # 5 working days after forwarding


@pytest.fixture
def units(ledger: ComplaintLedger) -> list[str]:
    for unit_id, name in (("disdukcapil", "Disdukcapil"), ("rsud", "RSUD dr. Slamet")):
        ledger.register_unit(ADMIN, unit_id, name, None, SlaPolicy())
    return ["disdukcapil", "rsud"]


def file_and_route(ledger: ComplaintLedger, **overrides: Any) -> dict[str, Any]:
    """Filed, verified and forwarded to Disdukcapil, where OFFICER works."""
    filed = file_complaint(ledger, **overrides)
    ledger.perform(filed["id"], COORDINATOR, Verify())
    ledger.perform(filed["id"], COORDINATOR, Forward(unit_id="disdukcapil"))
    return filed


def test_filed_complaint_is_read_back_with_its_deadlines(
    ledger: ComplaintLedger, make_ledger: MakeLedger, units: list[str]
) -> None:
    filed = file_complaint(ledger)

    reloaded = make_ledger().get_complaint(filed["id"], COORDINATOR)

    assert (reloaded["status"], reloaded["version"]) == (Status.SUBMITTED, 1)
    assert reloaded["deadlines"] == {
        "verify": VERIFY_DUE,
        "answer": ANSWER_DUE,
        "resolution": RESOLUTION_DUE,
    }
    assert reloaded["complainant"]["name"] == "Siti Aminah"


def test_complaint_whole_life_is_persisted_and_reloaded(
    ledger: ComplaintLedger, make_ledger: MakeLedger, clock: MutableClock, units: list[str]
) -> None:
    filed = file_complaint(ledger)
    key = ComplainantKey(filed["access_token"])
    steps: list[tuple[Principal, Command]] = [
        (COORDINATOR, Verify()),
        (COORDINATOR, Forward(unit_id="disdukcapil")),
        (OFFICER, Respond(message="Sedang kami periksa.")),
        (OFFICER, Resolve(resolution="KTP-el sudah dicetak.", outcome=ResolutionOutcome.FIXED)),
        (key, Feedback(satisfied=True)),
    ]
    for principal, command in steps:
        clock.advance(STEP)
        ledger.perform(filed["id"], principal, command)

    fresh = make_ledger()
    complaint = fresh.get_complaint(filed["id"], COORDINATOR)
    history = fresh.history(filed["id"], COORDINATOR)

    assert (complaint["status"], complaint["version"], complaint["deadlines"]) == (
        Status.CLOSED,
        7,
        {},
    )
    assert [(event["version"], event["type"]) for event in history] == [
        (1, "Filed"),
        (2, "Verified"),
        (3, "Forwarded"),
        (4, "Responded"),
        (5, "Resolved"),
        (6, "FeedbackGiven"),
        (7, "Closed"),
    ]
    assert [event["at"] for event in history] == [
        filed["filed_at"] + STEP * n for n in (0, 1, 2, 3, 4, 5, 5)
    ]
    assert complaint == ledger.get_complaint(filed["id"], COORDINATOR)


def test_complaint_read_from_its_snapshot_equals_the_replayed_one(
    ledger: ComplaintLedger, make_ledger: MakeLedger, clock: MutableClock, units: list[str]
) -> None:
    """A snapshot is stored at every 50th event; loading from it equals replaying them all."""
    complaint_id = file_and_route(ledger)["id"]
    for reply in range(4, 51):
        clock.advance(STEP)
        ledger.perform(complaint_id, OFFICER, Respond(message=f"Tanggapan ke-{reply}."))
    clock.advance(STEP)
    ledger.perform(
        complaint_id, OFFICER, Resolve(resolution="Selesai.", outcome=ResolutionOutcome.FIXED)
    )

    fresh = make_ledger()
    assert fresh.snapshots is not None
    assert [s.originator_version for s in fresh.snapshots.get(complaint_id)] == [50]
    replayed = project_aggregate(None, fresh.events.get(complaint_id))
    loaded = fresh.load_complaint(complaint_id)
    assert (loaded.version, loaded.status) == (51, Status.RESOLVED)
    assert vars(loaded) == vars(replayed)


def test_forwarded_complaint_is_read_back_with_the_first_response_deadline(
    ledger: ComplaintLedger, make_ledger: MakeLedger, units: list[str]
) -> None:
    filed = file_and_route(ledger)

    reloaded = make_ledger().get_complaint(filed["id"], OFFICER)

    assert (reloaded["status"], reloaded["version"]) == (Status.FORWARDED, 3)
    assert reloaded["deadlines"] == {
        "first_response": FIRST_RESPONSE_DUE,
        "answer": ANSWER_DUE,
        "resolution": RESOLUTION_DUE,
    }


def test_officer_of_another_unit_gets_not_found(ledger: ComplaintLedger, units: list[str]) -> None:
    complaint_id = file_and_route(ledger)["id"]

    with pytest.raises(NotFoundError):
        ledger.get_complaint(complaint_id, OTHER_UNIT_OFFICER)
    with pytest.raises(NotFoundError):
        ledger.history(complaint_id, OTHER_UNIT_OFFICER)
    with pytest.raises(NotFoundError):
        ledger.perform(complaint_id, OTHER_UNIT_OFFICER, Respond(message="Bukan urusan kami."))
    assert ledger.get_complaint(complaint_id, OFFICER)["version"] == 3


def test_anonymous_complainant_is_hidden_from_officers(
    ledger: ComplaintLedger, units: list[str]
) -> None:
    complaint_id = file_and_route(ledger, anonymous=True)["id"]

    complaint = ledger.get_complaint(complaint_id, OFFICER)
    filed_event = ledger.history(complaint_id, OFFICER)[0]

    assert (complaint["complainant"], complaint["complainant_hidden"]) == (None, True)
    assert filed_event["data"]["complainant"] == "hidden"


def test_anonymous_complainant_is_visible_to_coordinators(
    ledger: ComplaintLedger, units: list[str]
) -> None:
    complaint_id = file_and_route(ledger, anonymous=True)["id"]

    complaint = ledger.get_complaint(complaint_id, COORDINATOR)
    filed_event = ledger.history(complaint_id, COORDINATOR)[0]

    assert complaint["complainant"]["name"] == "Siti Aminah"
    assert filed_event["data"]["complainant"]["name"] == "Siti Aminah"


def test_confidential_complaint_is_not_trackable_without_its_access_token(
    ledger: ComplaintLedger, units: list[str]
) -> None:
    filed = file_complaint(ledger, confidential=True)

    with pytest.raises(NotFoundError):
        ledger.track(filed["tracking_number"], None)
    with pytest.raises(NotFoundError):
        ledger.track(filed["tracking_number"], ComplainantKey("aduan_not-the-token"))


def test_confidential_complaint_is_trackable_with_its_access_token(
    ledger: ComplaintLedger, units: list[str]
) -> None:
    filed = file_complaint(ledger, confidential=True)

    tracked = ledger.track(filed["tracking_number"], ComplainantKey(filed["access_token"]))

    assert (tracked["tracking_number"], tracked["status"]) == (
        filed["tracking_number"],
        Status.SUBMITTED,
    )
    assert [entry["type"] for entry in tracked["timeline"]] == ["Filed"]


@pytest.mark.parametrize(
    "typed",
    [str.lower, lambda number: f"  {number.lower().removeprefix('adu-')} "],
    ids=["lower-case", "without-prefix"],
)
def test_tracking_number_is_found_whatever_its_case(
    ledger: ComplaintLedger, units: list[str], typed: Any
) -> None:
    filed = file_complaint(ledger)

    tracked = ledger.track(typed(filed["tracking_number"]), None)

    assert tracked["tracking_number"] == filed["tracking_number"]
    assert "complainant" not in tracked


def test_unknown_tracking_number_is_not_found(ledger: ComplaintLedger, units: list[str]) -> None:
    with pytest.raises(NotFoundError):
        ledger.track("ADU-0000000000", None)


def test_stale_expected_version_is_refused(ledger: ComplaintLedger, units: list[str]) -> None:
    filed = file_complaint(ledger)
    ledger.perform(filed["id"], COORDINATOR, Verify(), expected_version=1)

    with pytest.raises(StaleVersionError) as raised:
        ledger.perform(filed["id"], COORDINATOR, Forward(unit_id="rsud"), expected_version=1)

    assert raised.value.context == {"current_version": 2}
    assert ledger.get_complaint(filed["id"], COORDINATOR)["status"] == Status.VERIFIED


def test_concurrent_save_of_the_same_version_is_refused(
    ledger: ComplaintLedger, make_ledger: MakeLedger, clock: MutableClock, units: list[str]
) -> None:
    """Two processes load version 1; the first saves while the second is mid-command."""
    complaint_id = file_complaint(ledger)["id"]
    first = Staff("koordinator-pertama", Role.COORDINATOR)
    second = Staff("koordinator-kedua", Role.COORDINATOR)

    def clock_read_while_the_first_saves() -> datetime:
        ledger.perform(complaint_id, first, Verify(), expected_version=1)
        return clock.now()

    racing_ledger = make_ledger(clock_read_while_the_first_saves)

    with pytest.raises(ConcurrentUpdateError):
        racing_ledger.perform(complaint_id, second, Verify(), expected_version=1)

    history = make_ledger().history(complaint_id, COORDINATOR)
    assert [(event["type"], event["actor"]["id"]) for event in history] == [
        ("Filed", "public"),
        ("Verified", "koordinator-pertama"),
    ]


def test_missed_verify_deadline_is_recorded_once(
    ledger: ComplaintLedger, make_ledger: MakeLedger, clock: MutableClock, units: list[str]
) -> None:
    complaint_id = file_complaint(ledger)["id"]
    clock.advance(VERIFY_DUE - clock.now() + timedelta(minutes=1))

    recorded = ledger.apply_time(complaint_id, clock.now())
    again = make_ledger().apply_time(complaint_id, clock.now() + STEP)

    history = ledger.history(complaint_id, COORDINATOR)
    assert (recorded, again) == (1, 0)
    assert [event["type"] for event in history] == ["Filed", "DeadlineMissed"]
    assert history[-1]["data"] == {"deadline": "verify", "due": VERIFY_DUE}
    assert history[-1]["actor"] == {"id": "system:clock", "role": Role.SYSTEM}


def test_apply_time_before_any_deadline_records_nothing(
    ledger: ComplaintLedger, units: list[str]
) -> None:
    complaint_id = file_complaint(ledger)["id"]

    assert ledger.apply_time(complaint_id, VERIFY_DUE - timedelta(seconds=1)) == 0
    assert ledger.get_complaint(complaint_id, COORDINATOR)["version"] == 1


def test_registered_unit_is_read_back(ledger: ComplaintLedger, make_ledger: MakeLedger) -> None:
    policy = SlaPolicy(verify_working_days=2, resolution_days=30)
    ledger.register_unit(ADMIN, "dinkes", "Dinas Kesehatan", None, policy)

    unit = make_ledger().get_unit("dinkes")

    assert unit == {
        "unit_id": "dinkes",
        "name": "Dinas Kesehatan",
        "parent_id": None,
        "sla": {
            "verify_working_days": 2,
            "first_response_working_days": 5,
            "answer_days": 14,
            "resolution_days": 30,
            "info_window_days": 30,
            "feedback_window_days": 10,
        },
    }


def test_units_are_listed_in_registration_order(
    ledger: ComplaintLedger, make_ledger: MakeLedger
) -> None:
    for unit_id, parent_id in (("rsud", None), ("dinkes", None), ("puskesmas-1", "dinkes")):
        ledger.register_unit(ADMIN, unit_id, unit_id.title(), parent_id, SlaPolicy())

    listed = make_ledger().list_units()

    assert [(unit["unit_id"], unit["parent_id"]) for unit in listed] == [
        ("rsud", None),
        ("dinkes", None),
        ("puskesmas-1", "dinkes"),
    ]


def test_unit_id_is_registered_only_once(ledger: ComplaintLedger, units: list[str]) -> None:
    with pytest.raises(AlreadyExistsError):
        ledger.register_unit(ADMIN, "rsud", "RSUD baru", None, SlaPolicy())

    assert [unit["unit_id"] for unit in ledger.list_units()] == ["disdukcapil", "rsud"]


def test_unit_with_an_unknown_parent_is_refused(ledger: ComplaintLedger) -> None:
    with pytest.raises(RuleViolationError) as raised:
        ledger.register_unit(ADMIN, "puskesmas-1", "Puskesmas", "dinkes", SlaPolicy())

    assert raised.value.context == {"field": "parent_id"}
    assert ledger.list_units() == []


def test_unknown_unit_is_not_found(ledger: ComplaintLedger) -> None:
    with pytest.raises(NotFoundError):
        ledger.get_unit("dinkes")
