"""What units do besides complaints: satisfaction surveys (SKM) and improvement promises."""

from __future__ import annotations

import random
from datetime import timedelta
from uuid import UUID

from domain.skm import ElementSet
from domain.survey import RespondentProfile
from services.ledger import ComplaintLedger
from services.promises import Fulfil, Progress, PromiseDesk, PromiseDraft, Sign, Verify
from services.simulation.agenda import Agenda, Step
from services.simulation.catalogue import AGE_BANDS, EDUCATIONS, OCCUPATIONS, TOPICS
from services.simulation.people import AUDITOR, unit_head

PROMISE_KEPT_SHARE = 0.65


def record_survey_response(
    ledger: ComplaintLedger, rng: random.Random, unit_id: str, quality: float, elements: ElementSet
) -> None:
    """A service user's nine (or fourteen) scores around the unit's usual quality."""
    scores = [min(4, max(1, round(rng.gauss(quality, 0.55)))) for _ in elements.elements]
    profile = RespondentProfile(
        age_band=rng.choice(AGE_BANDS),
        sex=rng.choice(("L", "P")),
        education=rng.choice(EDUCATIONS),
        occupation=rng.choice(OCCUPATIONS),
        service_used="pengaduan",
    )
    ledger.record_survey_response(unit_id, elements.name, scores, profile)


class PromiseStory:
    """A unit head's promise answering the unit's main complaint topic and its weakest SKM
    element: drafted, signed, published, worked on, then kept (and verified) or missed."""

    def __init__(self, agenda: Agenda, desk: PromiseDesk, unit_id: str, element: str) -> None:
        self.agenda, self.desk, self.rng = agenda, desk, agenda.rng
        self.unit_id, self.element = unit_id, element
        self.head = unit_head(unit_id)
        self.promise_id: UUID | None = None

    def draft(self) -> None:
        today = self.agenda.ledger.calendar.local_date(self.agenda.ledger.clock())
        categories = [t.category for t in TOPICS if t.unit_id == self.unit_id][:1]
        draft = PromiseDraft(
            unit_id=self.unit_id,
            title="Percepatan penanganan pengaduan",
            commitment="Kami berjanji menyelesaikan setiap pengaduan paling lama 14 hari kerja.",
            due_date=today + timedelta(days=self.rng.randint(30, 60)),
            answers_categories=categories,
            answers_skm_elements=[self.element],
        )
        promise = self.desk.draft(self.head, draft)
        self.promise_id = promise["id"]
        self._next(1, self.sign)

    def sign(self) -> None:
        self._act(Sign(signed_by=f"Kepala {self.unit_id.upper()}"), "sign")
        self._next(1, self.publish)

    def publish(self) -> None:
        self._act(None, "publish")
        self._next(self.rng.uniform(7, 20), self.note_progress)

    def note_progress(self) -> None:
        self._act(
            Progress(note="Alur penanganan sudah disederhanakan dan petugas ditambah."), "progress"
        )
        if self.rng.random() < PROMISE_KEPT_SHARE:  # else the clock marks it missed when due
            self._next(self.rng.uniform(5, 20), self.fulfil)

    def fulfil(self) -> None:
        self._act(Fulfil(evidence="Rata-rata penyelesaian turun menjadi 9 hari kerja."), "fulfil")
        self._next(self.rng.uniform(3, 10), self.verify)

    def verify(self) -> None:
        kept = self.rng.random() < 0.9
        assert self.promise_id is not None
        self.desk.act(
            self.promise_id,
            AUDITOR,
            "verify",
            Verify(kept=kept, note="Diperiksa dari data register pengaduan."),
        )

    def _act(self, body: Sign | Progress | Fulfil | None, action: str) -> None:
        assert self.promise_id is not None
        self.desk.act(self.promise_id, self.head, action, body)

    def _next(self, days: float, step: Step) -> None:
        self.agenda.schedule(self.agenda.ledger.clock() + timedelta(days=days), step)
