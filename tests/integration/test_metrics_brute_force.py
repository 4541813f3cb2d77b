"""For random histories, every metric equals a brute-force computation from the raw events,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from fractions import Fraction
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
from domain.values import Actor, RejectReason, ResolutionOutcome, Role
from infra.event_store import persistence_env, sqlite_path
from infra.settings import Settings
from projections.metrics_backlog import aging
from projections.metrics_breakdowns import Interval, timeseries, units
from projections.metrics_queries import Cohort, summary
from services import commands
from services.filing import Filing
from services.ledger import ComplaintLedger
from services.principals import ComplainantKey, Staff
from services.projection_host import ProjectionHost, open_view_store
from tests.support import START, MutableClock, empty_every_table

UNITS = ("dinsos", "dinkes")
DURATION_KEYS = (("triage", "triage"), ("first_response", "response"), ("resolution", "resolution"))
HOUR = 3_600_000_000  # microseconds
Timing = tuple[int, float, int]
"""On time (1 or 0), hours to the nearest hundredth, working days."""
# Waits in microseconds: whole hours, one past 1,000 hours (the duration trees' top node),
# exactly half a hundredth of an hour (rounds up) and just under it (rounds down).
WAITS = st.one_of(
    st.sampled_from([HOUR, 7 * HOUR, 30 * HOUR, 80 * HOUR, 200 * HOUR, 1100 * HOUR]),
    st.sampled_from([18_000_000, 17_999_999]),
    st.integers(1, 300 * HOUR),
)
COORDINATOR = Staff("co", Role.COORDINATOR)
OFFICERS = {unit: Staff(f"officer-{unit}", Role.OFFICER, frozenset({unit})) for unit in UNITS}


class World:
    """A ledger on a fresh store, its projections, and the complaints filed so far."""

    def __init__(self, url: str) -> None:
        self.clock = MutableClock()
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
            self.clock.advance(timedelta(microseconds=amount))
        elif name == "tick":
            for complaint_id, _ in self.complaints:
                self.ledger.apply_time(complaint_id, self.clock.now())
        else:
            complaint_id, token = self.complaints[self.slots[slot]]
            principal, command = self._command(name, complaint_id, token, amount)
            # A move the complaint's status or window does not allow is skipped.
            with contextlib.suppress(DomainError):
                self.ledger.perform(complaint_id, principal, command)

    def earliest_team_deadlines(self) -> list[datetime]:
        """Each complaint's earliest running team deadline, for those that have one."""
        found = []
        for complaint_id, _ in self.complaints:
            running = self.ledger.load_complaint(complaint_id).active_deadlines()
            dues = [due for kind, due in running.items() if kind in STAFF_DEADLINES]
            found.extend(dues and [min(dues)])
        return sorted(found)

    def _command(
        self, name: str, complaint_id: UUID, token: str, amount: int
    ) -> tuple[Any, commands.Command]:
        unit = self.ledger.load_complaint(complaint_id).unit_id
        complainant = ComplainantKey(token)
        table: dict[str, tuple[Any, commands.Command]] = {
            "verify": (COORDINATOR, commands.Verify(category=f"c{amount % 3}")),
            "reject": (COORDINATOR, commands.Reject(reason=RejectReason.SPAM)),
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


def _timing(start: datetime, at: datetime, due: datetime, calendar: WorkingCalendar) -> Timing:
    return (int(at <= due), _hours(at - start), calendar.working_days_between(start, at))


def _hours(duration: timedelta) -> float:
    """In hours to the nearest hundredth, halves up: the API's stated rounding."""
    hundredths, rest = divmod(duration, timedelta(seconds=36))
    return (hundredths + (2 * rest >= timedelta(seconds=36))) / 100


def _percentiles(timings: list[Timing]) -> dict[str, Any]:
    hours = sorted(timing[1] for timing in timings)
    days = sorted(timing[2] for timing in timings)

    def rank(values: list[Any], percent: int) -> Any:
        return values[math.ceil(Fraction(percent, 100) * len(values)) - 1] if values else None

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
        if name == "durations":  # exact: hundredths of an hour and whole days
            assert actual[name] == value
        else:
            assert actual[name] == pytest.approx(value), name


@pytest.fixture
def world_factory(store_url: str, tmp_path: Path) -> Iterator[Callable[[], World]]:
    """Makes a world on an empty store each time (a new SQLite file, or the PostgreSQL
    database emptied), closing the one before."""
    worlds: list[World] = []
    numbers = itertools.count()

    def make() -> World:
        if worlds:
            worlds.pop().close()
        url = store_url
        if sqlite_path(store_url) is None:
            empty_every_table(store_url)
        else:
            url = f"sqlite:///{tmp_path / f'world-{next(numbers)}.db'}"
        worlds.append(World(url))
        return worlds[-1]

    yield make
    for world in worlds:
        world.close()


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
        steps.append(("wait", slot, draw(WAITS)))
        if draw(st.booleans()):
            steps.append(("tick", slot, 0))
    return steps


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=histories(),
    unit=st.sampled_from([None, *UNITS]),
    lead=st.integers(0, 40),
    span=st.integers(1, 120),
    asked_at=st.one_of(st.none(), st.tuples(st.integers(0, 5), st.sampled_from([-1, 0, 1]))),
)
def test_every_summary_metric_equals_a_brute_force_count_from_the_events(
    world_factory: Any,
    steps: list[tuple[str, int, int]],
    unit: str | None,
    lead: int,
    span: int,
    asked_at: tuple[int, int] | None,
) -> None:
    """Cohorts start up to 40 days before the first filing and span up to 120 days, so
    they are made of whole months as well as single days. The summary is asked at the
    last step's time, or at (or a microsecond around) one complaint's earliest running
    team deadline: when it becomes overdue."""
    world = world_factory()
    for name, slot, amount in steps:
        world.step(name, slot, amount)
    world.host.catch_up()
    first_day = START.date() - timedelta(days=lead)
    cohort = Cohort(first_day, first_day + timedelta(days=span), unit)
    now = world.clock.now()
    deadlines = world.earliest_team_deadlines()
    if asked_at is not None and deadlines:
        chosen, offset = asked_at
        now = deadlines[chosen % len(deadlines)] + timedelta(microseconds=offset)
    assert_metrics_match(summary(world.host.store, cohort, now), brute_force(world, cohort, now))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=histories(), unit=st.sampled_from([None, *UNITS]), later=st.integers(-2, 90))
def test_the_aging_backlog_equals_a_brute_force_count_from_the_events(
    world_factory: Any, steps: list[tuple[str, int, int]], unit: str | None, later: int
) -> None:
    """Asked from two days before the last step (filings "in the future" count as new)
    to 90 days after it, so every age bucket is reached."""
    world = world_factory()
    for name, slot, amount in steps:
        world.step(name, slot, amount)
    world.host.catch_up()
    now = world.clock.now() + timedelta(days=later)

    assert aging(world.host.store, unit, now) == brute_force_aging(world, unit, now)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=histories(),
    lead=st.integers(0, 40),
    span=st.integers(1, 120),
    min_sample=st.integers(1, 4),
)
def test_the_units_table_equals_a_brute_force_count_from_the_events(
    world_factory: Any, steps: list[tuple[str, int, int]], lead: int, span: int, min_sample: int
) -> None:
    world = world_factory()
    for name, slot, amount in steps:
        world.step(name, slot, amount)
    world.host.catch_up()
    first_day = START.date() - timedelta(days=lead)
    cohort = Cohort(first_day, first_day + timedelta(days=span))

    table = units(world.host.store, cohort, min_sample, [*UNITS, "empty"])

    assert table == brute_force_units(world, cohort, min_sample, [*UNITS, "empty"])


UNIT_ROW = ("received", "resolved", "completion_rate", "resolution_on_time_rate",
            "verify_on_time_rate", "response_on_time_rate")  # fmt: skip


def brute_force_units(
    world: World, cohort: Cohort, min_sample: int, unit_ids: list[str]
) -> list[dict[str, Any]]:
    """Each unit's row from the summary's brute force over its complaints alone, ranked as
    the API documents: completion rate, then resolution on time, then volume, then id."""
    now = world.clock.now()
    rows = []
    for unit_id in unit_ids:
        counted = brute_force(world, Cohort(cohort.filed_from, cohort.filed_to, unit_id), now)
        rows.append({"unit_id": unit_id, **{key: counted[key] for key in UNIT_ROW}})
    ranked = sorted(
        (row for row in rows if row["received"] >= min_sample),
        key=lambda row: (
            -(row["completion_rate"] or 0),
            -(row["resolution_on_time_rate"] or 0),
            -row["received"],
            row["unit_id"],
        ),
    )
    unranked = sorted(
        (row for row in rows if row["received"] < min_sample), key=lambda row: row["unit_id"]
    )
    return [
        *({**row, "rank": rank} for rank, row in enumerate(ranked, start=1)),
        *({**row, "rank": None} for row in unranked),
    ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=histories(),
    unit=st.sampled_from([None, *UNITS]),
    lead=st.integers(0, 40),
    span=st.integers(1, 120),
    interval=st.sampled_from(["day", "week", "month"]),
)
def test_the_timeseries_equals_a_brute_force_count_from_the_events(
    world_factory: Any,
    steps: list[tuple[str, int, int]],
    unit: str | None,
    lead: int,
    span: int,
    interval: Interval,
) -> None:
    world = world_factory()
    for name, slot, amount in steps:
        world.step(name, slot, amount)
    world.host.catch_up()
    first_day = START.date() - timedelta(days=lead)
    cohort = Cohort(first_day, first_day + timedelta(days=span), unit)

    series = timeseries(world.host.store, cohort, interval)

    assert series == brute_force_timeseries(world, cohort, interval)


def brute_force_timeseries(world: World, cohort: Cohort, interval: str) -> list[dict[str, Any]]:
    """Per bucket of ``[from, to)`` (Jakarta dates; weeks from Monday), the complaints of
    the unit (currently responsible) filed in it and those first resolved in it."""

    def bucket(day: date) -> date:
        if interval == "week":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1) if interval == "month" else day

    counts: dict[date, Counter[str]] = {}
    day = cohort.filed_from
    while day < cohort.filed_to:
        counts.setdefault(bucket(day), Counter())
        day += timedelta(days=1)
    for complaint_id, _ in world.complaints:
        events: list[Any] = list(world.ledger.events.get(complaint_id))
        complaint: Any = None
        for event in events:
            complaint = event.mutate(complaint)
        if cohort.unit_id not in (None, complaint.unit_id):
            continue
        first_resolved = next((e for e in events if type(e).__name__ == "Resolved"), None)
        moments = {"received": events[0].at, "resolved": first_resolved and first_resolved.at}
        for name, moment in moments.items():
            local_day = moment and moment.astimezone(JAKARTA).date()
            if local_day is not None and cohort.filed_from <= local_day < cohort.filed_to:
                counts[bucket(local_day)][name] += 1
    return [
        {"bucket": start, "received": tally["received"], "resolved": tally["resolved"]}
        for start, tally in sorted(counts.items())
    ]


AGE_LABELS = {3: "0-3", 7: "4-7", 14: "8-14", 30: "15-30", 60: "31-60"}


def brute_force_aging(world: World, unit: str | None, now: datetime) -> dict[str, Any]:
    """Open complaints by whole days from their filing date to ``now``'s (Jakarta), from
    each complaint's events replayed."""
    today = now.astimezone(JAKARTA).date()
    overall: Counter[str] = Counter()
    by: dict[str, dict[str, Counter[str]]] = {
        "category": {},
        "channel": {},
        "maladministration": {},
    }
    for complaint_id, _ in world.complaints:
        events: list[Any] = list(world.ledger.events.get(complaint_id))
        complaint: Any = None
        for event in events:
            complaint = event.mutate(complaint)
        if str(complaint.status) in ("resolved", "closed", "rejected", "withdrawn"):
            continue
        if unit not in (None, complaint.unit_id):
            continue
        age = (today - events[0].at.astimezone(JAKARTA).date()).days
        label = next((name for most, name in AGE_LABELS.items() if age <= most), ">60")
        overall[label] += 1
        values = {
            "category": complaint.category,
            "channel": complaint.channel and str(complaint.channel),
            "maladministration": complaint.maladministration and str(complaint.maladministration),
        }
        for dimension, value in values.items():
            by[dimension].setdefault(value or "unclassified", Counter())[label] += 1
    labels = [*AGE_LABELS.values(), ">60"]
    return {
        "open": sum(overall.values()),
        "buckets": {label: overall[label] for label in labels},
        **{
            f"by_{dimension}": {
                value: {label: tally[label] for label in labels}
                for value, tally in sorted(groups.items())
            }
            for dimension, groups in by.items()
        },
    }


def test_a_known_history_gives_the_known_rates(world_factory: Any) -> None:
    world = world_factory()
    known_history = [
        ("file", 0, 0),
        ("file", 1, 1),
        ("verify", 0, 0),
        ("forward", 0, 0),
        ("wait", 0, 30 * HOUR),
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


def test_a_complaint_is_overdue_from_its_deadline_at_midnight_or_moved_to_a_time_of_day(
    world_factory: Any,
) -> None:
    """The first complaint's verify deadline ends at midnight; the second waited 5 h 17 min
    for information, so its answer deadline moved from midnight to 05:17."""
    world = world_factory()
    for step in (
        ("file", 0, 0),
        ("file", 1, 0),
        ("request-info", 1, 0),
        ("wait", 1, 5 * HOUR + 17 * 60_000_000),
        ("supplement", 1, 0),
        ("verify", 1, 0),
    ):
        world.step(*step)
    world.host.catch_up()
    verify_due, moved_answer_due = world.earliest_team_deadlines()
    assert verify_due == datetime(2026, 11, 27, tzinfo=JAKARTA)
    assert moved_answer_due == datetime(2026, 12, 8, 5, 17, tzinfo=JAKARTA)
    cohort = Cohort(date(2026, 11, 1), date(2026, 12, 1))
    expected = {
        verify_due - timedelta(microseconds=1): 0,
        verify_due: 1,
        moved_answer_due - timedelta(microseconds=1): 1,
        moved_answer_due: 2,
        moved_answer_due + timedelta(days=1): 2,
    }
    overdue = {now: summary(world.host.store, cohort, now)["overdue_now"] for now in expected}
    assert overdue == expected


@pytest.mark.parametrize(
    ("days_later", "hour", "bucket"),
    [(0, 23, "0-3"), (3, 23, "0-3"), (4, 0, "4-7"), (7, 23, "4-7"), (8, 0, "8-14"),
     (14, 23, "8-14"), (15, 0, "15-30"), (30, 23, "15-30"), (31, 0, "31-60"),
     (60, 23, "31-60"), (61, 0, ">60"), (400, 12, ">60"), (-1, 12, "0-3")],
)  # fmt: skip
def test_a_complaint_ages_a_day_at_each_jakarta_midnight(
    world_factory: Any, days_later: int, hour: int, bucket: str
) -> None:
    world = world_factory()
    world.step("file", 0, 0)
    world.host.catch_up()
    filed_on = world.clock.now().astimezone(JAKARTA).date()
    now = datetime.combine(
        filed_on + timedelta(days=days_later), datetime.min.time(), tzinfo=JAKARTA
    ) + timedelta(hours=hour, minutes=59 if hour == 23 else 0)

    found = aging(world.host.store, None, now)

    assert found["open"] == 1
    assert found["buckets"][bucket] == 1
    assert found["by_category"] == {
        "unclassified": {**dict.fromkeys(found["buckets"], 0), bucket: 1}
    }
