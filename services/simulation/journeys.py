"""One complaint's way through the ledger: each step is an action of a citizen or of staff,
taken at a simulated moment, which schedules the next.

The shares below are assumptions in the range domain.md reports (LAPOR! followed up 81 % and
deleted 17 % as unclear or out of scope; a kabupaten resolved about 95 % of what it
received); most handling is on time and a minority late, so the metrics show both.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any
from uuid import UUID

from domain.calendar import WorkingCalendar
from domain.values import Maladministration, RejectReason, ResolutionOutcome
from services import commands
from services.principals import ComplainantKey, Principal
from services.simulation.agenda import Agenda, Step
from services.simulation.catalogue import Topic
from services.simulation.people import COORDINATOR, at_the_office, officer

REJECT_SHARE, WITHDRAW_SHARE, INFO_SHARE = 0.14, 0.02, 0.10
SUPPLEMENT_SHARE, REROUTE_SHARE, MALADMINISTRATION_SHARE = 0.7, 0.06, 0.3
FEEDBACK_SHARE, SATISFIED_SHARE, REOPEN_SHARE = 0.55, 0.78, 0.6
OUTCOMES = {
    ResolutionOutcome.FIXED: 60,
    ResolutionOutcome.EXPLAINED: 30,
    ResolutionOutcome.NOT_SUBSTANTIATED: 10,
}
REJECT_REASONS = {
    RejectReason.UNCLEAR: 40,
    RejectReason.OUT_OF_SCOPE: 25,
    RejectReason.DUPLICATE: 15,
    RejectReason.SPAM: 10,
    RejectReason.NOT_OUR_AUTHORITY: 10,
}


def pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def late_or_not(
    rng: random.Random, on_time: tuple[float, float], late: tuple[float, float], late_share: float
) -> timedelta:
    low, high = late if rng.random() < late_share else on_time
    return timedelta(days=rng.uniform(low, high))


class ComplaintJourney:
    def __init__(self, agenda: Agenda, complaint_id: UUID, access_token: str, topic: Topic) -> None:
        self.agenda = agenda
        self.rng = agenda.rng
        self.complaint_id = complaint_id
        self.complainant = ComplainantKey(access_token)
        self.topic = topic
        self.unit_id = topic.unit_id

    @property
    def calendar(self) -> WorkingCalendar:
        return self.agenda.ledger.calendar

    def _act(self, principal: Principal, command: commands.Command) -> None:
        self.agenda.ledger.perform(self.complaint_id, principal, command)

    def _staff_later(self, delay: timedelta, step: Step) -> None:
        now = self.agenda.ledger.clock()
        self.agenda.schedule(at_the_office(self.calendar, now + delay, self.rng), step)

    def _citizen_later(self, delay: timedelta, step: Step) -> None:
        self.agenda.schedule(self.agenda.ledger.clock() + delay, step)

    # The coordinator's triage -------------------------------------------------------

    def start(self) -> None:
        self._staff_later(late_or_not(self.rng, (0.05, 2.5), (3.5, 8), 0.15), self.triage)

    def triage(self) -> None:
        roll = self.rng.random()
        if roll < REJECT_SHARE:
            self._reject()
        elif roll < REJECT_SHARE + INFO_SHARE:
            self._act(
                COORDINATOR,
                commands.RequestInfo(questions="Mohon lampirkan foto dan lokasi persisnya."),
            )
            if self.rng.random() < SUPPLEMENT_SHARE:  # else the clock withdraws it
                self._citizen_later(timedelta(days=self.rng.uniform(0.5, 12)), self.supplement)
        elif roll < REJECT_SHARE + INFO_SHARE + WITHDRAW_SHARE:
            self._act(self.complainant, commands.Withdraw(note="Sudah selesai sendiri."))
        else:
            self._verify()

    def _reject(self) -> None:
        reason = pick(self.rng, REJECT_REASONS)
        original = self.agenda.filed_before() if reason is RejectReason.DUPLICATE else None
        if reason is RejectReason.DUPLICATE and original is None:
            reason = RejectReason.UNCLEAR
        self._act(COORDINATOR, commands.Reject(reason=reason, duplicate_of=original))

    def supplement(self) -> None:
        self._act(
            self.complainant,
            commands.Supplement(information="Foto dan titik lokasi sudah kami lampirkan."),
        )
        self._staff_later(timedelta(days=self.rng.uniform(0.1, 2)), self._verify)

    def _verify(self) -> None:
        maladministration = None
        if self.rng.random() < MALADMINISTRATION_SHARE:
            maladministration = self.rng.choice(list(Maladministration))
        self._act(
            COORDINATOR,
            commands.Verify(category=self.topic.category, maladministration=maladministration),
        )
        self._staff_later(timedelta(hours=self.rng.uniform(1, 20)), self.forward)

    def forward(self) -> None:
        self._act(COORDINATOR, commands.Forward(unit_id=self.unit_id))
        if self.rng.random() < REROUTE_SHARE:
            self._staff_later(timedelta(days=self.rng.uniform(0.5, 3)), self.reroute)
        else:
            self._staff_later(late_or_not(self.rng, (0.2, 5), (7, 14), 0.15), self.respond)

    def reroute(self) -> None:
        self._act(
            officer(self.unit_id),
            commands.Forward(unit_id="setda", note="Bukan kewenangan unit kami."),
        )
        self.unit_id = "setda"
        self._staff_later(late_or_not(self.rng, (0.5, 4), (7, 12), 0.2), self.respond)

    # The unit's handling ------------------------------------------------------------

    def respond(self) -> None:
        self._act(
            officer(self.unit_id),
            commands.Respond(message="Laporan sudah kami terima dan sedang ditindaklanjuti."),
        )
        self._staff_later(late_or_not(self.rng, (1, 25), (45, 80), 0.1), self.resolve)

    def resolve(self) -> None:
        outcome = pick(self.rng, OUTCOMES)
        self._act(
            officer(self.unit_id),
            commands.Resolve(resolution="Sudah ditindaklanjuti di lapangan.", outcome=outcome),
        )
        if self.rng.random() < FEEDBACK_SHARE:  # else the clock closes it after the window
            self._citizen_later(timedelta(days=self.rng.uniform(0.3, 8)), self.feedback)

    # The complainant's verdict ------------------------------------------------------

    def feedback(self) -> None:
        if self.rng.random() < SATISFIED_SHARE:
            self._act(
                self.complainant,
                commands.Feedback(satisfied=True, rating=self.rng.choice((4, 5, 5))),
            )
            return
        self._act(
            self.complainant,
            commands.Feedback(
                satisfied=False, rating=self.rng.randint(1, 3), comment="Belum tuntas."
            ),
        )
        if self.rng.random() < REOPEN_SHARE:
            self._citizen_later(timedelta(days=self.rng.uniform(0.1, 3)), self.reopen)

    def reopen(self) -> None:
        self._act(self.complainant, commands.Reopen(reason="Masalah yang sama terjadi lagi."))
        self._staff_later(late_or_not(self.rng, (0.5, 4), (6, 10), 0.2), self.respond)
