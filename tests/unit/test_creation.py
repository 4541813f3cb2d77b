"""Aggregates made from their created event are what calling the class makes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.calendar import WorkingCalendar
from domain.complaint import Complaint
from domain.creation import created, topic_of
from domain.deadlines import filing_deadlines
from domain.sla import SlaPolicy
from domain.tracking import TrackingIndex
from tests.unit.conftest import FILING_DETAILS

FILED_AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
MOMENTS = {"timestamp", "_created_on", "_modified_on"}  # when the object was made


def without_moments(state: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in state.items() if key not in MOMENTS}


def assert_made_alike(ours: Aggregate, libraries: Aggregate) -> None:
    (our_event,) = ours.collect_events()
    (library_event,) = libraries.collect_events()
    assert type(our_event) is type(library_event)
    assert without_moments(vars(our_event)) == without_moments(vars(library_event))
    assert without_moments(vars(ours)) == without_moments(vars(libraries))


def test_a_complaint_filed_is_the_complaint_its_class_makes() -> None:
    policy, complaint_id = SlaPolicy(), uuid4()
    deadlines = filing_deadlines(policy, WorkingCalendar(), FILED_AT)
    fields = {**FILING_DETAILS, "at": FILED_AT, "policy": policy, "deadlines": deadlines}

    filed = Complaint.file(id=complaint_id, policy=policy, calendar=WorkingCalendar(), **{
        key: value for key, value in fields.items() if key not in ("policy", "deadlines")
    })  # fmt: skip

    assert_made_alike(filed, Complaint(id=complaint_id, **fields))


def test_a_tracking_number_assigned_is_the_index_its_class_makes() -> None:
    complaint_id = uuid4()
    assigned = TrackingIndex.assign("ADU-TEST000001", complaint_id)

    made = TrackingIndex(
        id=assigned.id, tracking_number="ADU-TEST000001", complaint_id=complaint_id
    )

    assert_made_alike(assigned, made)


def test_the_topic_is_the_one_the_library_names_the_class_by() -> None:
    for aggregate_class in (Complaint, TrackingIndex):
        assert topic_of(aggregate_class) == get_topic(aggregate_class)


def test_a_made_aggregate_is_at_its_first_version_with_its_event_pending() -> None:
    complaint_id = uuid4()

    index = created(
        TrackingIndex,
        TrackingIndex.Assigned,  # type: ignore[attr-defined]
        id=complaint_id,
        tracking_number="ADU-TEST000002",
        complaint_id=complaint_id,
    )

    assert (index.id, index.version, len(index.pending_events)) == (complaint_id, 1, 1)
