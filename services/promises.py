"""Improvement promises: who may do what, and the commands on the promise aggregate."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from domain.errors import ForbiddenError, NotFoundError
from domain.promise import ImprovementPromise
from domain.values import SYSTEM_CLOCK as CLOCK_ACTOR
from domain.values import Role
from projections.promises import overdue_promise_ids
from projections.store import ViewStore
from services.ledger import ComplaintLedger
from services.principals import Staff
from services.text import Readable, ShortText

# Which staff act on a unit's promise: its supervisor is the unit head, the auditor the
# improvement team that verifies; officers only report progress.
PROMISE_ROLES = {
    "draft": {Role.COORDINATOR, Role.SUPERVISOR},
    "sign": {Role.SUPERVISOR},
    "publish": {Role.COORDINATOR, Role.SUPERVISOR},
    "progress": {Role.COORDINATOR, Role.SUPERVISOR, Role.OFFICER},
    "fulfil": {Role.COORDINATOR, Role.SUPERVISOR},
    "verify": {Role.AUDITOR},
}


class PromiseDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: Annotated[str, Field(min_length=1, max_length=63)]
    title: Annotated[str, Field(min_length=3, max_length=200), Readable]
    commitment: ShortText
    due_date: date
    answers_categories: list[Annotated[str, Field(max_length=100)]] = Field(
        default=[], max_length=20
    )
    answers_skm_elements: list[Annotated[str, Field(max_length=100)]] = Field(
        default=[], max_length=20
    )


class Sign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    signed_by: Annotated[str, Field(min_length=2, max_length=200), Readable]


class Progress(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: ShortText


class Fulfil(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence: ShortText


class Verify(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kept: StrictBool
    note: ShortText


def promise_view(promise: ImprovementPromise) -> dict[str, Any]:
    return {
        "id": promise.id,
        "unit_id": promise.unit_id,
        "title": promise.title,
        "commitment": promise.commitment,
        "due_date": promise.due_date,
        "status": promise.status,
        "answers_categories": promise.answers_categories,
        "answers_skm_elements": promise.answers_skm_elements,
        "progress_notes": promise.progress_notes,
        "fulfilled_on_time": promise.fulfilled_on_time,
        "verified_kept": promise.verified_kept,
        "version": promise.version,
    }


class PromiseDesk:
    def __init__(self, ledger: ComplaintLedger) -> None:
        self._ledger = ledger

    def draft(self, staff: Staff, draft: PromiseDraft) -> dict[str, Any]:
        _check(staff, "draft", draft.unit_id)
        self._ledger.get_unit(draft.unit_id)
        promise = ImprovementPromise.draft(
            id=uuid4(),
            **draft.model_dump(),
            actor=staff.actor(),
            at=self._ledger.clock(),
            calendar=self._ledger.calendar,
        )
        self._ledger.save(promise)
        return promise_view(promise)

    def act(
        self, promise_id: UUID, staff: Staff, action: str, body: BaseModel | None
    ) -> dict[str, Any]:
        promise = self._load(promise_id)
        _check(staff, action, promise.unit_id)
        actor, at, calendar = staff.actor(), self._ledger.clock(), self._ledger.calendar
        if isinstance(body, Sign):
            promise.sign(actor, at, body.signed_by)
        elif isinstance(body, Progress):
            promise.note_progress(actor, at, body.note)
        elif isinstance(body, Fulfil):
            promise.fulfil(actor, at, body.evidence, calendar)
        elif isinstance(body, Verify):
            promise.verify(actor, at, body.kept, body.note)
        else:
            promise.publish(actor, at)
        self._ledger.save(promise)
        return promise_view(promise)

    def mark_missed(self, store: ViewStore) -> int:
        """Published promises whose due date has passed become missed; returns how many."""
        today = self._ledger.calendar.local_date(self._ledger.clock())
        missed = 0
        for promise_id in overdue_promise_ids(store, today):
            promise = self._load(promise_id)
            promise.apply_time(CLOCK_ACTOR, self._ledger.clock(), self._ledger.calendar)
            if promise.pending_events:
                self._ledger.save(promise)
                missed += 1
        return missed

    def _load(self, promise_id: UUID) -> ImprovementPromise:
        try:
            promise: object = self._ledger.repository.get(promise_id)
        except AggregateNotFoundError:
            promise = None
        if not isinstance(promise, ImprovementPromise):
            raise promise_not_found(promise_id)
        return promise


def promise_not_found(promise_id: UUID) -> NotFoundError:
    return NotFoundError(f"No promise {promise_id}.", promise_id=str(promise_id))


def _check(staff: Staff, action: str, unit_id: str) -> None:
    if staff.role not in PROMISE_ROLES[action]:
        allowed = ", ".join(sorted(PROMISE_ROLES[action]))
        raise ForbiddenError(f"A {staff.role} may not {action} a promise; this is for: {allowed}.")
    if staff.role in (Role.SUPERVISOR, Role.OFFICER) and unit_id not in staff.unit_ids:
        raise ForbiddenError(f"Unit {unit_id} is not one of yours.", field="unit_id")
