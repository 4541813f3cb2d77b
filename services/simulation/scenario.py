"""The simulation: a time-ordered agenda of citizens', staff's and the clock's actions,
played through the ledger while a simulated clock moves forward to each one."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID

from domain.calendar import JAKARTA
from domain.errors import DomainError
from domain.skm import ELEMENT_SETS
from domain.sla import SlaPolicy
from services.deadline_watch import DeadlineWatch
from services.filing import Filing, LocationIn
from services.ledger import ComplaintLedger
from services.projection_host import ProjectionHost
from services.promises import PromiseDesk
from services.simulation.agenda import Step
from services.simulation.catalogue import CHANNELS, KINDS, PLACES, TOPICS, UNITS, Topic
from services.simulation.journeys import ComplaintJourney, pick
from services.simulation.people import ADMIN, complainant
from services.simulation.unit_life import PromiseStory, record_survey_response

SURVEYS_PER_COMPLAINT = 0.4
PROMISING_UNIT_SHARE = 0.4
LATE_FILING_SHARE = 0.04  # filed more than the 30 days UU 25/2009 gives after the service
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.9, 0.45, 0.3)  # Monday first: fewer at weekends
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Scenario:
    seed: int
    complaints: int
    days: int
    end: datetime  # the simulated period ends here

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=self.days)


class SimulatedClock:
    """The ledger's clock during the simulation: it only moves forward."""

    def __init__(self, now: datetime) -> None:
        self._now = now

    def __call__(self) -> datetime:
        return self._now

    def move_to(self, moment: datetime) -> None:
        self._now = max(self._now, moment)


@dataclass
class SimulationReport:
    complaints: int = 0
    survey_responses: int = 0
    promises: int = 0
    clock_events: int = 0
    steps_overtaken: int = 0  # a step the clock made moot (e.g. withdrawn meanwhile)
    events: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


class Simulation:
    def __init__(
        self,
        ledger: ComplaintLedger,
        clock: SimulatedClock,
        projections: ProjectionHost,
        scenario: Scenario,
        element_set: str,
    ) -> None:
        self.ledger, self.clock, self.projections = ledger, clock, projections
        self.scenario = scenario
        self.rng = random.Random(scenario.seed)
        self.elements = ELEMENT_SETS[element_set]
        self.report = SimulationReport()
        self._agenda: list[tuple[datetime, int, Step]] = []
        self._order = itertools.count()
        self._filed: list[UUID] = []
        self._watch = DeadlineWatch(ledger)
        self._desk = PromiseDesk(ledger)

    # The Agenda protocol ---------------------------------------------------------------

    def schedule(self, at: datetime, step: Step) -> None:
        if at < self.scenario.end:
            heapq.heappush(self._agenda, (at, next(self._order), step))

    def filed_before(self) -> UUID | None:
        return self.rng.choice(self._filed) if self._filed else None

    # Running ---------------------------------------------------------------------------

    def run(self, progress: Progress | None = None) -> SimulationReport:
        for unit in UNITS:
            self.ledger.register_unit(ADMIN, unit.unit_id, unit.name, unit.parent_id, SlaPolicy())
        self._plan()
        days_done = 0
        while self._agenda:
            at, _, step = heapq.heappop(self._agenda)
            self.clock.move_to(at)
            try:
                step()
            except DomainError:  # the clock moved the complaint on first: a real outcome
                self.report.steps_overtaken += 1
            day = (at - self.scenario.start).days
            if progress is not None and day > days_done:
                days_done = day
                progress(days_done, self.scenario.days)
        self.clock.move_to(self.scenario.end)
        self._tick()
        self._finish(progress)
        return self.report

    def _plan(self) -> None:
        start, rng = self.scenario.start, self.rng
        days = [start.date() + timedelta(days=n) for n in range(self.scenario.days)]
        weights = [WEEKDAY_WEIGHTS[day.weekday()] for day in days]
        last_moment = self.scenario.end - timedelta(minutes=1)
        for day in rng.choices(days, weights=weights, k=self.scenario.complaints):
            self.schedule(min(_local_moment(day, rng.uniform(6.5, 22)), last_moment), self._file)
        for day in days:
            self.schedule(_local_moment(day, 0.02), self._tick)
        qualities = {unit.unit_id: rng.uniform(2.7, 3.6) for unit in UNITS}
        surveys = int(self.scenario.complaints * SURVEYS_PER_COMPLAINT)
        for day in rng.choices(days, weights=weights, k=surveys):
            unit_id = rng.choice(UNITS).unit_id
            self.schedule(
                _local_moment(day, rng.uniform(8, 15)), self._survey(unit_id, qualities[unit_id])
            )
        for unit in UNITS:
            if rng.random() < PROMISING_UNIT_SHARE:
                story = PromiseStory(
                    self, self._desk, unit.unit_id, rng.choice(self.elements.elements)
                )
                self.schedule(
                    start + timedelta(days=rng.uniform(0, self.scenario.days * 0.4)), story.draft
                )
                self.report.promises += 1

    def _file(self) -> None:
        rng = self.rng
        topic: Topic = rng.choices(TOPICS, weights=[t.weight for t in TOPICS])[0]
        anonymous = rng.random() < 0.12
        filing = Filing(
            unit_id=topic.unit_id if rng.random() < 0.6 else "setda",
            title=rng.choice(topic.titles),
            description=f"{rng.choice(topic.details)} di {rng.choice(PLACES)}.",
            channel=pick(rng, CHANNELS),
            kind=pick(rng, KINDS),
            category=topic.category if rng.random() < 0.7 else None,
            incident_date=self.ledger.calendar.local_date(self.clock())
            - timedelta(days=_days_since_incident(rng)),
            location=LocationIn(address=f"{rng.choice(PLACES)} No. {rng.randint(1, 200)}"),
            anonymous=anonymous,
            confidential=rng.random() < 0.05,
            complainant=None if anonymous and rng.random() < 0.5 else complainant(rng),
        )
        filed = self.ledger.file(filing, None)
        self._filed.append(filed["id"])
        self.report.complaints += 1
        ComplaintJourney(self, filed["id"], filed["access_token"], topic).start()

    def _survey(self, unit_id: str, quality: float) -> Step:
        def answer() -> None:
            record_survey_response(self.ledger, self.rng, unit_id, quality, self.elements)
            self.report.survey_responses += 1

        return answer

    def _tick(self) -> None:
        """The server's clock, once a day: deadlines, and promises past their due date."""
        self.report.clock_events += self._watch.tick(self.clock()).events_recorded
        self.projections.catch_up()
        self._desk.mark_missed(self.projections.store)

    def _finish(self, progress: Progress | None) -> None:
        self.projections.catch_up()
        self.report.events = self.ledger.recorder.max_notification_id() or 0
        rows = self.projections.store.query(
            "SELECT status, COUNT(*) FROM complaints_view GROUP BY status ORDER BY status"
        )
        self.report.by_status = {str(status): int(count) for status, count in rows}
        if progress is not None:
            progress(self.scenario.days, self.scenario.days)


def _local_moment(day: date, hours: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=JAKARTA) + timedelta(hours=hours)


def _days_since_incident(rng: random.Random) -> int:
    return rng.randint(31, 75) if rng.random() < LATE_FILING_SHARE else rng.randint(0, 10)
