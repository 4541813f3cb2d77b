"""`aduan simulate`'s history: made through the ledger, plausible, and what the views show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from eventsourcing.utils import get_topic

from domain.complaint import Complaint
from domain.values import Status
from infra.event_store import sqlite_path
from projections.metrics_queries import Cohort, summary
from services.ledger import ComplaintLedger
from services.projection_host import ProjectionHost, open_view_store
from services.simulation.scenario import Scenario, SimulatedClock, Simulation, SimulationReport

if TYPE_CHECKING:
    from tests.conftest import MakeLedger

END = datetime(2026, 11, 20, 9, tzinfo=UTC)
COMPLAINTS, DAYS = 120, 40


@dataclass
class Simulated:
    report: SimulationReport
    ledger: ComplaintLedger
    host: ProjectionHost


@pytest.fixture
def simulated(store_url: str, make_ledger: MakeLedger) -> Iterator[Simulated]:
    scenario = Scenario(3, COMPLAINTS, DAYS, end=END)
    clock = SimulatedClock(scenario.start)
    ledger = make_ledger(clock)
    host = ProjectionHost(ledger, open_view_store(sqlite_path(store_url), store_url))
    report = Simulation(ledger, clock, host, scenario, "permenpanrb-14-2017").run()
    yield Simulated(report, ledger, host)
    host.stop()


def test_every_complaint_is_filed_within_the_period_and_counted_by_status(
    simulated: Simulated,
) -> None:
    report, host = simulated.report, simulated.host
    assert report.complaints == COMPLAINTS
    assert sum(report.by_status.values()) == COMPLAINTS
    filed_range = host.store.query("SELECT MIN(filed_at), MAX(filed_at) FROM complaints_view")[0]
    start_micros = int((END - timedelta(days=DAYS)).timestamp() * 1e6)
    assert start_micros <= filed_range[0] <= filed_range[1] < int(END.timestamp() * 1e6)
    facts = summary(
        host.store,
        Cohort(END.date() - timedelta(days=DAYS + 1), END.date() + timedelta(days=1)),
        END,
    )
    assert facts["received"] == COMPLAINTS


def test_the_history_has_every_kind_of_outcome_in_plausible_shares(
    simulated: Simulated,
) -> None:
    report = simulated.report
    statuses = Counter(report.by_status)
    for status in (Status.CLOSED, Status.REJECTED, Status.WITHDRAWN, Status.IN_PROGRESS):
        assert statuses[str(status)] > 0, status
    assert 0.05 <= statuses[str(Status.REJECTED)] / COMPLAINTS <= 0.30
    assert statuses[str(Status.CLOSED)] > COMPLAINTS / 10
    assert report.survey_responses == int(COMPLAINTS * 0.4)
    assert report.promises > 0


def test_a_few_complaints_are_filed_after_the_30_day_limit(simulated: Simulated) -> None:
    rows = simulated.host.store.query("SELECT filed_after_limit, COUNT(*) FROM complaints_view"
                                      " GROUP BY filed_after_limit")  # fmt: skip
    counts = {bool(late): int(count) for late, count in rows}
    assert 0 < counts[True] <= COMPLAINTS * 0.15
    assert counts[True] + counts[False] == COMPLAINTS


def test_some_deadlines_are_missed_but_not_most(simulated: Simulated) -> None:
    missed_topic = get_topic(Complaint.DeadlineMissed)  # type: ignore[attr-defined]
    notifications = simulated.ledger.recorder.select_notifications(
        0, 100_000, topics=[missed_topic]
    )
    late_complaints = {n.originator_id for n in notifications}
    assert simulated.report.clock_events >= len(notifications) > 0
    assert len(late_complaints) < COMPLAINTS / 2
