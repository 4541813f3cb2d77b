"""The audit view on real stores: one row per event of a kabupaten's history (staff reads
of personal data and confidential complaints included), each equal to what the ledger's
own events say when replayed one by one; rebuilt equal; written idempotently; free of
personal data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from eventsourcing.domain import Aggregate

from infra.cloudevents import event_id, event_type_of_class
from infra.event_store import sqlite_path
from projections import runner as runner_module
from projections.audit_queries import AuditFilter, audit_page
from projections.complaints import from_micros, micros
from services.ledger import ComplaintLedger
from services.projection_host import ProjectionHost, open_view_store
from tests.relay_support import (
    Sensitive,
    add_sensitive_complaints,
    complainants_data,
    simulated_ledger,
)

if TYPE_CHECKING:
    from tests.conftest import MakeLedger

EVERYTHING = 10**7
# The structured reason each kind of event gives, read independently of the projection.
REASONS = {
    "aduan.complaint.Rejected": "reason",
    "aduan.complaint.Closed": "reason",
    "aduan.complaint.Withdrawn": "reason",
    "aduan.complaint.DeadlineMissed": "deadline",
    "aduan.personal_data_read.Recorded": "purpose",
}


@dataclass
class Audited:
    ledger: ComplaintLedger
    host: ProjectionHost
    sensitive: Sensitive


@pytest.fixture
def audited(store_url: str, make_ledger: MakeLedger) -> Iterator[Audited]:
    """The view built while the history was made (the simulation follows it in steps),
    then brought to the log's end."""
    ledger, _clock = simulated_ledger(store_url, make_ledger)
    sensitive = Sensitive()
    add_sensitive_complaints(ledger, sensitive)
    host = ProjectionHost(ledger, open_view_store(sqlite_path(store_url), store_url))
    host.runner("audit").catch_up()
    yield Audited(ledger, host, sensitive)
    host.stop()


def rows(audited: Audited) -> list[dict[str, Any]]:
    return audit_page(audited.host.store, AuditFilter(), 0, EVERYTHING)


def expected_rows(ledger: ComplaintLedger) -> list[dict[str, Any]]:
    """Each event of the log as an audit row, from the aggregates replayed event by event."""
    aggregates: dict[Any, Any] = {}
    expected = []
    for notification in ledger.recorder.select_notifications(0, EVERYTHING):
        event = ledger.mapper.to_domain_event(notification)
        assert isinstance(event, Aggregate.Event)
        aggregate = aggregates[event.originator_id] = event.mutate(
            aggregates.get(event.originator_id)
        )
        state, kind = vars(event), event_type_of_class(type(event))
        complaint_id = state.get("complaint_id")
        if kind.startswith("aduan.complaint."):
            complaint_id = event.originator_id
        if complaint_id is not None:
            unit_id = aggregates[complaint_id].unit_id  # the complaint's unit at that moment
        else:
            unit_id = getattr(aggregate, "unit_id", state.get("unit_id"))
        actor = state.get("actor")
        reason = state.get(REASONS[kind]) if kind in REASONS else None
        expected.append({
            "position": notification.id,
            "event_id": str(event_id(event.originator_id, event.originator_version)),
            "event_type": kind,
            "at": from_micros(micros(state.get("at") or event.timestamp)),
            "actor_id": actor.id if actor else None,
            "actor_role": str(actor.role) if actor else None,
            "aggregate_id": str(event.originator_id),
            "complaint_id": str(complaint_id) if complaint_id else None,
            "unit_id": unit_id,
            "reason": str(reason) if reason is not None else None,
        })  # fmt: skip
    return expected


def test_every_event_is_one_row_equal_to_the_replayed_ledger(audited: Audited) -> None:
    actual = rows(audited)

    assert actual == expected_rows(audited.ledger)
    kinds = {row["event_type"] for row in actual}
    assert len(kinds) == 27  # every event type there is
    assert sum(row["unit_id"] is None for row in actual) == 1  # the unit directory's start
    forwarded = [r for r in actual if r["event_type"] == "aduan.complaint.Forwarded"]
    assert len({r["unit_id"] for r in forwarded}) > 1


@pytest.mark.parametrize("batch", [2, runner_module.REBUILD_BATCH])
def test_rebuilding_the_view_gives_the_same_rows(
    audited: Audited, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In batches of two, events of a complaint often find its unit in the batch before,
    written while they are worked out."""
    monkeypatch.setattr(runner_module, "REBUILD_BATCH", batch)
    before = rows(audited)

    applied = audited.host.runner("audit").rebuild()

    assert applied == len(before)
    assert rows(audited) == before


def test_events_applied_again_by_a_second_writer_change_nothing(audited: Audited) -> None:
    before = rows(audited)
    store = audited.host.store
    # another process that read the log before this one wrote: it starts from the beginning
    with store.transaction() as tx:
        tx.execute("UPDATE projection_positions SET position = 0 WHERE name = 'audit'")

    audited.host.runner("audit").catch_up()

    assert rows(audited) == before


def test_no_personal_data_is_in_any_row(audited: Audited) -> None:
    text = repr(rows(audited))
    personal = complainants_data(audited.ledger)

    assert len(personal) > 100
    assert not [value for value in personal if value in text]
    (stated,) = [s for s in audited.sensitive.strings if s.startswith("tujuan membaca")]
    confidential_text = [s for s in audited.sensitive.strings if s != stated]
    assert not [value for value in confidential_text if value in text]
    assert stated in text  # the purpose staff stated is the read's reason
