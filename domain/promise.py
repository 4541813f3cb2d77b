"""Improvement promises (janji perbaikan): what a unit pledges to fix, and whether it did.

draft -> signed (by the unit head) -> published -> progress notes -> fulfilled; a published
promise whose due date passes unfulfilled is missed. The improvement team then verifies
whether a fulfilled or missed promise was really kept.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.calendar import WorkingCalendar
from domain.errors import InvalidTransitionError, RuleViolationError
from domain.values import Actor


class PromiseStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    PUBLISHED = "published"
    FULFILLED = "fulfilled"
    MISSED = "missed"


class ImprovementPromise(Aggregate):
    @event("Drafted")
    def __init__(
        self,
        *,
        id: UUID,
        unit_id: str,
        title: str,
        commitment: str,
        due_date: date,
        answers_categories: list[str],
        answers_skm_elements: list[str],
        actor: Actor,
        at: datetime,
    ) -> None:
        self.unit_id = unit_id
        self.title = title
        self.commitment = commitment
        self.due_date = due_date
        self.answers_categories = answers_categories
        self.answers_skm_elements = answers_skm_elements
        self.status = PromiseStatus.DRAFT
        self.fulfilled_on_time: bool | None = None
        self.verified_kept: bool | None = None
        self.progress_notes = 0

    @classmethod
    def draft(
        cls,
        *,
        id: UUID,
        unit_id: str,
        title: str,
        commitment: str,
        due_date: date,
        answers_categories: list[str],
        answers_skm_elements: list[str],
        actor: Actor,
        at: datetime,
        calendar: WorkingCalendar,
    ) -> ImprovementPromise:
        if due_date <= calendar.local_date(at):
            raise RuleViolationError("A promise is due after the day it is made.", field="due_date")
        if not answers_categories and not answers_skm_elements:
            raise RuleViolationError(
                "Name the complaint categories or SKM elements the promise answers.",
                field="answers_categories",
            )
        return cls(
            id=id,
            unit_id=unit_id,
            title=title,
            commitment=commitment,
            due_date=due_date,
            answers_categories=list(answers_categories),
            answers_skm_elements=list(answers_skm_elements),
            actor=actor,
            at=at,
        )

    def sign(self, actor: Actor, at: datetime, signed_by: str) -> None:
        self._require(PromiseStatus.DRAFT, "sign")
        self._signed(actor=actor, at=at, signed_by=signed_by)

    def publish(self, actor: Actor, at: datetime) -> None:
        self._require(PromiseStatus.SIGNED, "publish")
        self._published(actor=actor, at=at)

    def note_progress(self, actor: Actor, at: datetime, note: str) -> None:
        self._require(PromiseStatus.PUBLISHED, "note progress on")
        self._progress_noted(actor=actor, at=at, note=note)

    def fulfil(self, actor: Actor, at: datetime, evidence: str, calendar: WorkingCalendar) -> None:
        self._require(PromiseStatus.PUBLISHED, "fulfil")
        on_time = calendar.local_date(at) <= self.due_date
        self._fulfilled(actor=actor, at=at, evidence=evidence, on_time=on_time)

    def verify(self, actor: Actor, at: datetime, kept: bool, note: str) -> None:
        if self.status not in (PromiseStatus.FULFILLED, PromiseStatus.MISSED):
            raise InvalidTransitionError("promise", str(self.status), "verify", self._allowed())
        if self.verified_kept is not None:
            raise RuleViolationError("The promise was already verified.", field="kept")
        self._verified(actor=actor, at=at, kept=kept, note=note)

    def apply_time(self, actor: Actor, at: datetime, calendar: WorkingCalendar) -> None:
        """A published promise still open after its due date is missed."""
        if self.status is PromiseStatus.PUBLISHED and calendar.local_date(at) > self.due_date:
            self._missed(actor=actor, at=at)

    def _require(self, status: PromiseStatus, action: str) -> None:
        if self.status is not status:
            raise InvalidTransitionError("promise", str(self.status), action, self._allowed())

    def _allowed(self) -> list[str]:
        by_status = {
            PromiseStatus.DRAFT: ["sign"],
            PromiseStatus.SIGNED: ["publish"],
            PromiseStatus.PUBLISHED: ["note progress on", "fulfil"],
            PromiseStatus.FULFILLED: [] if self.verified_kept is not None else ["verify"],
            PromiseStatus.MISSED: [] if self.verified_kept is not None else ["verify"],
        }
        return by_status[self.status]

    @event("Signed")
    def _signed(self, actor: Actor, at: datetime, signed_by: str) -> None:
        self.status = PromiseStatus.SIGNED

    @event("Published")
    def _published(self, actor: Actor, at: datetime) -> None:
        self.status = PromiseStatus.PUBLISHED

    @event("ProgressNoted")
    def _progress_noted(self, actor: Actor, at: datetime, note: str) -> None:
        self.progress_notes += 1

    @event("Fulfilled")
    def _fulfilled(self, actor: Actor, at: datetime, evidence: str, on_time: bool) -> None:
        self.status = PromiseStatus.FULFILLED
        self.fulfilled_on_time = on_time

    @event("Missed")
    def _missed(self, actor: Actor, at: datetime) -> None:
        self.status = PromiseStatus.MISSED
        self.fulfilled_on_time = False

    @event("Verified")
    def _verified(self, actor: Actor, at: datetime, kept: bool, note: str) -> None:
        self.verified_kept = kept
