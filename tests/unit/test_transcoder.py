"""Every domain event survives the store's mapper with its types intact."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper

from domain.calendar import WorkingCalendar
from domain.complaint import Complaint
from domain.sla import SlaPolicy
from domain.tracking import TrackingIndex
from domain.unit import ServiceUnit, UnitDirectory
from domain.values import (
    Actor,
    Complainant,
    Location,
    Maladministration,
    RejectReason,
    ResolutionOutcome,
    Role,
)
from infra.transcoder import OrjsonTranscoder
from services.ledger import ComplaintLedger
from tests.support import event_class

CAL = WorkingCalendar()
POLICY = SlaPolicy(verify_working_days=2, answer_days=21)
FILED_AT = datetime(2026, 11, 23, 3, tzinfo=UTC)
COORDINATOR = Actor("koordinator-1", Role.COORDINATOR)
OFFICER = Actor("penghubung-1", Role.OFFICER)
COMPLAINANT = Actor("public", Role.COMPLAINANT)
FileComplaint = Callable[..., Complaint]


def at(hours: int) -> datetime:
    return FILED_AT + timedelta(hours=hours)


def handled_complaint(file_complaint: FileComplaint) -> Complaint:
    """A complaint taken through every Complaint event but Rejected and Withdrawn."""
    complaint = file_complaint(
        at=FILED_AT,
        policy=POLICY,
        category="kependudukan",
        incident_date=date(2026, 11, 20),
        location=Location(address="Jl. Asia Afrika 1, Bandung", latitude=-6.92, longitude=107.6),
        anonymous=True,
        complainant=Complainant(name="Siti", nik="3273010101900001", phone="0812000000"),
    )
    complaint.apply_time(FILED_AT + timedelta(days=5))
    complaint.request_info(COORDINATOR, at(130), "Nomor antrean?", CAL)
    complaint.supplement(COMPLAINANT, at(140), "A-17", CAL)
    complaint.verify(COORDINATOR, at(141), maladministration=Maladministration.PENUNDAAN_BERLARUT)
    complaint.forward(COORDINATOR, at(142), "rsud", POLICY, CAL, note="Wewenang RSUD")
    complaint.respond(OFFICER, at(143), "Kami periksa.")
    complaint.resolve(OFFICER, at(144), "Sudah dicetak.", ResolutionOutcome.FIXED, CAL)
    complaint.give_feedback(COMPLAINANT, at(145), satisfied=False, rating=2, comment="Salah")
    complaint.reopen(COMPLAINANT, at(146), "Nama salah cetak.")
    complaint.resolve(OFFICER, at(147), "Dicetak ulang.", ResolutionOutcome.FIXED, CAL)
    complaint.give_feedback(COMPLAINANT, at(148), satisfied=True, rating=5)
    return complaint


@pytest.fixture(scope="module")
def mapper() -> Mapper[UUID]:
    transcoder = OrjsonTranscoder()
    # The ledger's registration does not use the application instance.
    ComplaintLedger.register_transcodings(None, transcoder)  # type: ignore[arg-type]
    return Mapper(transcoder=transcoder)


@pytest.fixture
def complaint(file_complaint: FileComplaint) -> Complaint:
    return handled_complaint(file_complaint)


@pytest.fixture
def events(file_complaint: FileComplaint, complaint: Complaint) -> list[Any]:
    rejected = file_complaint(at=FILED_AT)
    rejected.reject(COORDINATOR, at(1), RejectReason.DUPLICATE, duplicate_of=complaint.id)
    withdrawn = file_complaint(at=FILED_AT)
    withdrawn.withdraw(COMPLAINANT, at(1), note="Sudah beres")
    unit = ServiceUnit.register(
        unit_id="rsud", name="RSUD Kota", parent_id="dinkes", policy=POLICY, actor=COORDINATOR
    )
    directory = UnitDirectory.start()
    directory.add("rsud")
    tracking = TrackingIndex.assign("ADU-TEST000001", complaint.id)
    return [
        event
        for aggregate in (complaint, rejected, withdrawn, unit, directory, tracking)
        for event in aggregate.collect_events()
    ]


def round_trip(mapper: Mapper[UUID], event: Any) -> Any:
    return mapper.to_domain_event(mapper.to_stored_event(event))


def assert_same_types(before: Any, after: Any, path: str) -> None:
    assert type(after) is type(before), (path, before, after)
    if isinstance(before, datetime):
        assert after.utcoffset() == before.utcoffset() is not None, path
    elif dataclasses.is_dataclass(before):
        for field in dataclasses.fields(before):
            name = field.name
            assert_same_types(getattr(before, name), getattr(after, name), f"{path}.{name}")
    elif isinstance(before, dict):
        # JSON object keys are strings: StrEnum keys come back as the equal plain strings.
        assert sorted(map(str, after)) == sorted(map(str, before)), path
        for key, value in before.items():
            assert_same_types(value, after[str(key)], f"{path}[{key}]")
    elif isinstance(before, list):
        for index, (item_before, item_after) in enumerate(zip(before, after, strict=True)):
            assert_same_types(item_before, item_after, f"{path}[{index}]")


def event_types(aggregate_class: type[Aggregate]) -> set[type]:
    return {
        value
        for value in vars(aggregate_class).values()
        if isinstance(value, type)
        and issubclass(value, Aggregate.Event)
        and value not in (aggregate_class.Event, aggregate_class.Created)
    }


def test_sample_holds_every_complaint_and_unit_event_type(events: list[Any]) -> None:
    expected = (
        event_types(Complaint)
        | event_types(ServiceUnit)
        | event_types(UnitDirectory)
        | event_types(TrackingIndex)
    )

    assert {type(event) for event in events} == expected
    assert len(expected) == 13 + 1 + 2 + 1  # guards the discovery above


def test_every_event_keeps_its_state_and_types_through_the_mapper(
    mapper: Mapper[UUID], events: list[Any]
) -> None:
    for event in events:
        restored = round_trip(mapper, event)

        assert type(restored) is type(event)
        assert vars(restored) == vars(event), type(event).__qualname__
        assert_same_types(vars(event), vars(restored), type(event).__qualname__)


def test_filed_event_keeps_its_value_objects(mapper: Mapper[UUID], complaint: Complaint) -> None:
    filed = next(
        event
        for event in complaint.collect_events()
        if isinstance(event, event_class(Complaint, "Filed"))
    )
    restored = round_trip(mapper, filed)

    assert isinstance(restored.originator_id, UUID)
    assert restored.location == Location("Jl. Asia Afrika 1, Bandung", -6.92, 107.6)
    assert restored.complainant.nik == "3273010101900001"
    assert restored.policy == POLICY
    assert restored.actor == COMPLAINANT
    assert type(restored.incident_date) is date
    assert restored.at.tzinfo is not None


def test_rejected_event_keeps_the_original_complaint_id(
    mapper: Mapper[UUID], events: list[Any], complaint: Complaint
) -> None:
    rejected = next(
        event for event in events if isinstance(event, event_class(Complaint, "Rejected"))
    )

    restored = round_trip(mapper, rejected)

    assert isinstance(restored.duplicate_of, UUID)
    assert restored.duplicate_of == complaint.id
    assert restored.reason is RejectReason.DUPLICATE


def test_replay_of_stored_events_equals_the_in_memory_complaint(
    mapper: Mapper[UUID], file_complaint: FileComplaint
) -> None:
    complaint = handled_complaint(file_complaint)
    stored = [mapper.to_stored_event(event) for event in complaint.collect_events()]

    replayed: Complaint | None = None
    for stored_event in stored:
        event = mapper.to_domain_event(stored_event)
        assert isinstance(event, Complaint.Event)
        replayed = event.mutate(replayed)

    assert isinstance(replayed, Complaint)
    assert vars(replayed) == vars(complaint)


def test_decoding_some_fields_gives_them_as_a_full_decode_would(
    mapper: Mapper[UUID], complaint: Complaint
) -> None:
    filed = next(e for e in complaint.collect_events() if isinstance(e, Complaint.Filed))  # type: ignore[attr-defined]
    stored = mapper.to_stored_event(filed)
    transcoder = mapper.transcoder
    assert isinstance(transcoder, OrjsonTranscoder)

    some = transcoder.decode_fields(stored.state, ("deadlines", "complainant", "no_such_field"))

    full = transcoder.decode(stored.state)
    assert some == {"deadlines": full["deadlines"], "complainant": full["complainant"]}
    assert some["deadlines"] == vars(filed)["deadlines"]
    assert all(isinstance(due, datetime) for due in some["deadlines"].values())
    assert some["complainant"] == vars(filed)["complainant"]
