"""For random histories, every metric equals a brute-force computation from the raw events."""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.calendar import JAKARTA, WorkingCalendar
from domain.complaint import Complaint
from domain.errors import DomainError
from domain.sla import STAFF_DEADLINES, SlaPolicy
from domain.values import Actor, ResolutionOutcome, Role
from infra.event_store import persistence_env, sqlite_path
from infra.settings import Settings
from projections.metrics_queries import Cohort, summary
from services import commands
from services.filing import Filing
from services.ledger import ComplaintLedger
from services.principals import ComplainantKey, Staff
from services.projection_host import ProjectionHost, open_view_store
from tests.support import START, MutableClock

UNITS = ("dinsos", "dinkes")
DURATION_KEYS = (("triage", "triage"), ("first_response", "response"), ("resolution", "resolution"))
COORDINATOR = Staff("co", Role.COORDINATOR)
OFFICERS = {unit: Staff(f"officer-{unit}", Role.OFFICER, frozenset({unit})) for unit in UNITS}


class World:
    """A ledger on a fresh SQLite file, its projections, and the complaints filed so far."""

    def __init__(self, path: Path) -> None:
        self.clock = MutableClock()
        url = f"sqlite:///{path}"
        self.ledger = ComplaintLedger(
            persistence_env(Settings(database_url=url)), WorkingCalendar(), self.clock.now
        )
        for unit in UNITS:
            self.ledger.register_unit(Actor("admin", Role.ADMIN), unit, unit, None, SlaPolicy())
        self.host = ProjectionHost(self.ledger, open_view_store(sqlite_path(url), url))
        self.complaints: list[tuple[UUID, str]] = []
        self.slots: dict[int, int] = {}  # a history's complaint number -> its filing order

    def close(self) -> None:
        self.host.stop()
        self.ledger.close()

    def step(self, name: str, slot: int, amount: int) -> None:
        if name == "file":
            filed = self.ledger.file(
                Filing(unit_id=UNITS[amount % 2], title="Aduan", description="Layanan lambat."),
                None,
            )
            self.slots[slot] = len(self.complaints)
            self.complaints.append((filed["id"], filed["access_token"]))
        elif name == "wait":
            self.clock.advance(timedelta(hours=amount))
        elif name == "tick":
            for complaint_id, _ in self.complaints:
                self.ledger.apply_time(complaint_id, self.clock.now())
        else:
            complaint_id, token = self.complaints[self.slots[slot]]
            principal, command = self._command(name, complaint_id, token, amount)
            # A move the complaint's status or window does not allow is skipped.
            with contextlib.suppress(DomainError):
                self.ledger.perform(complaint_id, principal, command)

    def _command(
        self, name: str, complaint_id: UUID, token: str, amount: int
    ) -> tuple[Any, commands.Command]:
        unit = self.ledger.load_complaint(complaint_id).unit_id
        complainant = ComplainantKey(token)
        table: dict[str, tuple[Any, commands.Command]] = {
            "verify": (COORDINATOR, commands.Verify(category=f"c{amount % 3}")),
            "reject": (COORDINATOR, commands.Reject(reason="spam")),
            "request-info": (COORDINATOR, commands.RequestInfo(questions="Kapan?")),
            "supplement": (complainant, commands.Supplement(information="Kemarin.")),
            "forward": (COORDINATOR, commands.Forward(unit_id=UNITS[amount % 2])),
            "respond": (OFFICERS[unit], commands.Respond(message="Diproses.")),
            "resolve": (
                OFFICERS[unit],
                commands.Resolve(
                    resolution="Selesai.", outcome=list(ResolutionOutcome)[amount % 3]
                ),
            ),
            "feedback-yes": (complainant, commands.Feedback(satisfied=True, rating=1 + amount)),
            "feedback-no": (complainant, commands.Feedback(satisfied=False)),
            "reopen": (complainant, commands.Reopen(reason="Belum beres.")),
            "withdraw": (complainant, commands.Withdraw()),
        }
        return table[name]


def brute_force(world: World, cohort: Cohort, now: datetime) -> dict[str, Any]:
    """The summary's definitions, computed from each complaint's raw events alone."""
    calendar = WorkingCalendar()
    rows = []
    for complaint_id, _ in world.complaints:
        events = list(world.ledger.events.get(complaint_id))
        rows.append(_facts(events, calendar, now))
    start = datetime.combine(cohort.filed_from, datetime.min.time(), tzinfo=JAKARTA)
    end = datetime.combine(cohort.filed_to, datetime.min.time(), tzinfo=JAKARTA)
    chosen = [
        row
        for row in rows
        if start <= row["filed_at"] < end and cohort.unit_id in (None, row["unit_id"])
    ]

    def share(numerator: int, denominator: int) -> float | None:
        return numerator / denominator if denominator else None

    def count(predicate: Any) -> int:
        return sum(1 for row in chosen if predicate(row))

    resolved = [row for row in chosen if row["resolved_at"] is not None]
    triaged = [row for row in chosen if row["triage"] is not None]
    responded = [row for row in chosen if row["response"] is not None]
    ratings = [rating for row in chosen for rating in row["ratings"]]
    feedback = [satisfied for row in chosen for satisfied in row["feedback"]]
    return {
        "received": len(chosen),
        "rejected": count(lambda row: row["status"] == "rejected"),
        "withdrawn": count(lambda row: row["status"] == "withdrawn"),
        "closed": count(lambda row: row["status"] == "closed"),
        "open": count(
            lambda row: row["status"] not in ("resolved", "closed", "rejected", "withdrawn")
        ),
        "resolved": len(resolved),
        "fixed": count(lambda row: row["resolved_at"] is not None and row["last_outcome_fixed"]),
        "overdue_now": count(lambda row: row["overdue"]),
        "completion_rate": share(len(resolved), len(chosen)),
        "verify_on_time_rate": share(sum(r["triage"][0] for r in triaged), len(triaged)),
        "response_on_time_rate": share(sum(r["response"][0] for r in responded), len(responded)),
        "resolution_on_time_rate": share(sum(r["resolution"][0] for r in resolved), len(resolved)),
        "reopen_rate": share(count(lambda row: row["reopened"]), len(resolved)),
        "satisfied_rate": share(sum(feedback), len(feedback)),
        "average_rating": share(sum(ratings), len(ratings)),
        "durations": {
            name: _percentiles([row[key] for row in chosen if row[key] is not None])
            for name, key in DURATION_KEYS
        },
    }


def _facts(events: list[Any], calendar: WorkingCalendar, now: datetime) -> dict[str, Any]:
    filed = events[0]
    verify_due, resolution_due = filed.deadlines["verify"], filed.deadlines["resolution"]
    facts: dict[str, Any] = {
        "filed_at": filed.at, "unit_id": filed.unit_id, "triage": None, "response": None,
        "resolution": None, "resolved_at": None, "last_outcome_fixed": False,
        "reopened": False, "feedback": [], "ratings": [],
    }  # fmt: skip
    routing: Any = None
    for event in events[1:]:
        kind = type(event).__name__
        if kind == "Supplemented":
            verify_due = event.deadlines.get("verify", verify_due)
            resolution_due = event.deadlines.get("resolution", resolution_due)
        if kind in ("Verified", "Rejected", "InfoRequested") and facts["triage"] is None:
            facts["triage"] = _timing(filed.at, event.at, verify_due, calendar)
        if kind == "Forwarded":
            facts["unit_id"] = event.unit_id
            routing = routing if facts["response"] is not None else event
        if kind == "Responded" and facts["response"] is None and routing is not None:
            facts["response"] = _timing(routing.at, event.at, routing.first_response_due, calendar)
        if kind == "Resolved":
            facts["last_outcome_fixed"] = event.outcome is ResolutionOutcome.FIXED
            if facts["resolved_at"] is None:
                facts["resolved_at"] = event.at
                facts["resolution"] = _timing(filed.at, event.at, resolution_due, calendar)
        facts["reopened"] = facts["reopened"] or kind == "Reopened"
        if kind == "FeedbackGiven":
            facts["feedback"].append(int(event.satisfied))
            if event.rating is not None:
                facts["ratings"].append(event.rating)
    complaint: Complaint | None = None
    for event in events:
        complaint = event.mutate(complaint)
    assert complaint is not None
    facts["status"] = str(complaint.status)
    staff_dues = [due for k, due in complaint.active_deadlines().items() if k in STAFF_DEADLINES]
    facts["overdue"] = bool(staff_dues) and min(staff_dues) <= now
    return facts


def _timing(start: datetime, at: datetime, due: datetime, calendar: WorkingCalendar) -> tuple:
    hours = (at - start).total_seconds() / 3600
    return (int(at <= due), hours, calendar.working_days_between(start, at))


def _percentiles(timings: list[tuple]) -> dict[str, Any]:
    hours = sorted(timing[1] for timing in timings)
    days = sorted(timing[2] for timing in timings)

    def rank(values: list[Any], percent: int) -> Any:
        return values[math.ceil(percent / 100 * len(values)) - 1] if values else None

    return {
        "count": len(timings),
        "p50_hours": rank(hours, 50),
        "p90_hours": rank(hours, 90),
        "p50_working_days": rank(days, 50),
        "p90_working_days": rank(days, 90),
    }


def assert_metrics_match(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual.keys() == expected.keys()
    for name, value in expected.items():
        if name == "durations":
            for duration, stats in value.items():
                for stat, number in stats.items():
                    assert actual[name][duration][stat] == pytest.approx(number), (duration, stat)
        else:
            assert actual[name] == pytest.approx(value), name


@pytest.fixture
def world_factory() -> Iterator[Any]:
    worlds: list[World] = []
    directory = tempfile.TemporaryDirectory()

    def make() -> World:
        world = World(Path(directory.name) / f"w{len(worlds)}.db")
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        world.close()
    directory.cleanup()


PATHS = (
    ("verify", "forward", "respond", "resolve", "feedback-yes"),
    ("verify", "forward", "respond", "resolve", "feedback-no", "reopen", "respond", "resolve"),
    ("request-info", "supplement", "verify", "forward", "forward", "respond", "resolve"),
    ("verify", "reject"),
    ("request-info", "withdraw"),
    ("verify", "forward", "respond", "respond", "resolve", "feedback-no"),
)


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    """Several complaints, each walking a lifecycle path cut short at random, their steps
    interleaved, with waits and clock ticks between them. A step is (action, complaint, n)."""
    paths = draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=6))
    pending = [["file", *path[: draw(st.integers(0, len(path)))]] for path in paths]
    steps: list[tuple[str, int, int]] = []
    while any(pending):
        slot = draw(st.sampled_from([i for i, queue in enumerate(pending) if queue]))
        steps.append((pending[slot].pop(0), slot, draw(st.integers(0, 4))))
        steps.append(("wait", slot, draw(st.sampled_from([1, 7, 30, 80, 200]))))
        if draw(st.booleans()):
            steps.append(("tick", slot, 0))
    return steps


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=histories(), unit=st.sampled_from([None, *UNITS]), span=st.integers(1, 40))
def test_every_summary_metric_equals_a_brute_force_count_from_the_events(
    world_factory: Any, steps: list[tuple[str, int, int]], unit: str | None, span: int
) -> None:
    world = world_factory()
    for name, slot, amount in steps:
        world.step(name, slot, amount)
    world.host.catch_up()
    first_day = START.date() - timedelta(days=1)
    cohort = Cohort(first_day, first_day + timedelta(days=span), unit)
    now = world.clock.now()
    assert_metrics_match(summary(world.host.store, cohort, now), brute_force(world, cohort, now))


def test_a_known_history_gives_the_known_rates(world_factory: Any) -> None:
    world = world_factory()
    known_history = [
        ("file", 0, 0),
        ("file", 1, 1),
        ("verify", 0, 0),
        ("forward", 0, 0),
        ("wait", 0, 30),
        ("respond", 0, 0),
        ("resolve", 0, 0),
        ("feedback-yes", 0, 2),
    ]
    for step in known_history:
        world.step(*step)
    world.host.catch_up()
    metrics = summary(
        world.host.store, Cohort(date(2026, 11, 1), date(2026, 12, 1)), world.clock.now()
    )
    assert (metrics["received"], metrics["resolved"], metrics["closed"]) == (2, 1, 1)
    assert metrics["completion_rate"] == 0.5
    assert metrics["verify_on_time_rate"] == 1.0
    assert metrics["average_rating"] == 3.0
    assert metrics["durations"]["first_response"]["p50_hours"] == 30.0
