"""The Complaint aggregate: every action on a complaint is one immutable event.

Public commands check the rules and raise a domain error; the private ``@event`` methods
only assign. Times, ids and computed deadlines come in as arguments, so replay is exact.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.calendar import WorkingCalendar
from domain.creation import created
from domain.deadlines import active_deadlines, filing_deadlines, shift_for_pause
from domain.errors import RuleViolationError
from domain.filing_limit import filed_after_limit
from domain.lifecycle import check_action
from domain.sla import STAFF_DEADLINES, DeadlineKind, SlaPolicy
from domain.values import (
    SYSTEM_CLOCK,
    Action,
    Actor,
    Channel,
    CloseReason,
    Complainant,
    Kind,
    Location,
    Maladministration,
    RejectReason,
    ResolutionOutcome,
    SealedComplainant,
    Status,
    WithdrawReason,
)


class Complaint(Aggregate):
    @event("Filed")
    def __init__(
        self,
        *,
        id: UUID,
        tracking_number: str,
        unit_id: str,
        title: str,
        description: str,
        channel: Channel,
        kind: Kind,
        category: str | None,
        incident_date: date | None,
        location: Location | None,
        anonymous: bool,
        confidential: bool,
        complainant: Complainant | SealedComplainant | None,
        access_token_hash: str,
        actor: Actor,
        at: datetime,
        policy: SlaPolicy,
        deadlines: dict[str, datetime],
    ) -> None:
        self.tracking_number = tracking_number
        self.unit_id = unit_id
        self.title = title
        self.description = description
        self.channel = channel
        self.kind = kind
        self.category = category
        self.maladministration: Maladministration | None = None
        self.incident_date = incident_date
        self.location = location
        self.anonymous = anonymous
        self.confidential = confidential
        self.complainant = complainant
        self.access_token_hash = access_token_hash
        self.filed_at = at
        self.policy = policy
        self.status = Status.SUBMITTED
        self.deadlines = dict(deadlines)
        self.missed: dict[str, datetime] = {}
        self.routed = False
        self.first_responded_at: datetime | None = None
        self.info_requested_at: datetime | None = None
        self.feedback_given = False
        self.unsatisfied_feedback = False
        self.reopen_count = 0

    @classmethod
    def file(
        cls,
        *,
        id: UUID,
        policy: SlaPolicy,
        calendar: WorkingCalendar,
        at: datetime,
        **details: Any,
    ) -> Complaint:
        incident_date = details.get("incident_date")
        if incident_date is not None and incident_date > calendar.local_date(at):
            raise RuleViolationError("The incident date is in the future.", field="incident_date")
        deadlines = filing_deadlines(policy, calendar, at)
        filed = cls.Filed  # type: ignore[attr-defined]
        return created(cls, filed, id=id, at=at, policy=policy, deadlines=deadlines, **details)

    # Queries -----------------------------------------------------------------------

    def active_deadlines(self) -> dict[DeadlineKind, datetime]:
        return active_deadlines(self)

    def filed_after_limit(self) -> bool:
        """Filed more than 30 days after the incident (UU 25/2009 Ps 42): accepted, marked."""
        return filed_after_limit(self.incident_date, self.filed_at)

    def next_time_due(self) -> datetime | None:
        """The next moment at which apply_time would record or move something."""
        return min(
            (
                due
                for kind, due in self.active_deadlines().items()
                if kind not in STAFF_DEADLINES or self.missed.get(kind) != due
            ),
            default=None,
        )

    # Commands ----------------------------------------------------------------------

    def verify(
        self,
        actor: Actor,
        at: datetime,
        category: str | None = None,
        maladministration: Maladministration | None = None,
    ) -> None:
        check_action(self.status, Action.VERIFY, actor.role)
        self._verified(
            actor=actor,
            at=at,
            category=category if category is not None else self.category,
            maladministration=maladministration,
        )

    def reject(
        self,
        actor: Actor,
        at: datetime,
        reason: RejectReason,
        note: str | None = None,
        duplicate_of: UUID | None = None,
    ) -> None:
        check_action(self.status, Action.REJECT, actor.role)
        if reason is RejectReason.DUPLICATE and duplicate_of is None:
            raise RuleViolationError(
                "A duplicate must name the original complaint.", field="duplicate_of"
            )
        if reason is not RejectReason.DUPLICATE and duplicate_of is not None:
            raise RuleViolationError(
                "duplicate_of is only for the reason 'duplicate'.", field="duplicate_of"
            )
        if duplicate_of == self.id:
            raise RuleViolationError("A complaint cannot duplicate itself.", field="duplicate_of")
        self._rejected(actor=actor, at=at, reason=reason, note=note, duplicate_of=duplicate_of)

    def request_info(
        self, actor: Actor, at: datetime, questions: str, calendar: WorkingCalendar
    ) -> None:
        check_action(self.status, Action.REQUEST_INFO, actor.role)
        info_due = calendar.add_days(at, self.policy.info_window_days)
        self._info_requested(actor=actor, at=at, questions=questions, info_due=info_due)

    def supplement(
        self, actor: Actor, at: datetime, information: str, calendar: WorkingCalendar
    ) -> None:
        check_action(self.status, Action.SUPPLEMENT, actor.role)
        self._require_before(DeadlineKind.INFO, at, "The information window has closed.")
        deadlines = shift_for_pause(self, at, calendar)
        self._supplemented(actor=actor, at=at, information=information, deadlines=deadlines)

    def forward(
        self,
        actor: Actor,
        at: datetime,
        unit_id: str,
        policy: SlaPolicy,
        calendar: WorkingCalendar,
        note: str | None = None,
    ) -> None:
        check_action(self.status, Action.FORWARD, actor.role)
        if self.routed and unit_id == self.unit_id:
            raise RuleViolationError(
                f"The complaint is already with unit {unit_id}.", field="unit_id"
            )
        first_response_due = calendar.add_working_days(at, policy.first_response_working_days)
        self._forwarded(
            actor=actor,
            at=at,
            from_unit_id=self.unit_id,
            unit_id=unit_id,
            note=note,
            first_response_due=first_response_due,
        )

    def respond(self, actor: Actor, at: datetime, message: str) -> None:
        check_action(self.status, Action.RESPOND, actor.role)
        self._responded(actor=actor, at=at, message=message)

    def resolve(
        self,
        actor: Actor,
        at: datetime,
        resolution: str,
        outcome: ResolutionOutcome,
        calendar: WorkingCalendar,
    ) -> None:
        check_action(self.status, Action.RESOLVE, actor.role)
        feedback_due = calendar.add_days(at, self.policy.feedback_window_days)
        self._resolved(
            actor=actor,
            at=at,
            resolution=resolution,
            outcome=outcome,
            feedback_due=feedback_due,
        )

    def give_feedback(
        self,
        actor: Actor,
        at: datetime,
        satisfied: bool,
        rating: int | None = None,
        comment: str | None = None,
    ) -> None:
        check_action(self.status, Action.FEEDBACK, actor.role)
        self._require_before(DeadlineKind.FEEDBACK, at, "The feedback window has closed.")
        if self.feedback_given:
            raise RuleViolationError(
                "Feedback was already given on this resolution.", field="satisfied"
            )
        if rating is not None and not 1 <= rating <= 5:
            raise RuleViolationError("The rating must be 1 to 5.", field="rating")
        self._feedback_given(
            actor=actor, at=at, satisfied=satisfied, rating=rating, comment=comment
        )
        if satisfied:
            self._closed(actor=actor, at=at, reason=CloseReason.SATISFIED, note=None)

    def reopen(self, actor: Actor, at: datetime, reason: str) -> None:
        check_action(self.status, Action.REOPEN, actor.role)
        self._require_before(DeadlineKind.FEEDBACK, at, "The feedback window has closed.")
        if not self.unsatisfied_feedback:
            raise RuleViolationError(
                "Give unsatisfied feedback before reopening the complaint.",
                field="reason",
            )
        self._reopened(actor=actor, at=at, reason=reason)

    def close(self, actor: Actor, at: datetime, note: str | None = None) -> None:
        check_action(self.status, Action.CLOSE, actor.role)
        self._closed(actor=actor, at=at, reason=CloseReason.CONFIRMED, note=note)

    def withdraw(self, actor: Actor, at: datetime, note: str | None = None) -> None:
        check_action(self.status, Action.WITHDRAW, actor.role)
        self._withdrawn(actor=actor, at=at, reason=WithdrawReason.BY_COMPLAINANT, note=note)

    def apply_time(self, at: datetime) -> None:
        """Record each newly missed staff deadline once, then apply the timed moves."""
        for kind, due in sorted(self.active_deadlines().items()):
            if kind in STAFF_DEADLINES and due <= at and self.missed.get(kind) != due:
                self._deadline_missed(actor=SYSTEM_CLOCK, at=at, deadline=kind, due=due)
        if self._lapsed(DeadlineKind.INFO, at):
            self._withdrawn(
                actor=SYSTEM_CLOCK,
                at=at,
                reason=WithdrawReason.INFO_WINDOW_EXPIRED,
                note=None,
            )
        elif self._lapsed(DeadlineKind.FEEDBACK, at):
            self._closed(
                actor=SYSTEM_CLOCK,
                at=at,
                reason=CloseReason.FEEDBACK_WINDOW_EXPIRED,
                note=None,
            )

    def _lapsed(self, kind: DeadlineKind, at: datetime) -> bool:
        due = self.active_deadlines().get(kind)
        return due is not None and due <= at

    def _require_before(self, kind: DeadlineKind, at: datetime, message: str) -> None:
        if self._lapsed(kind, at):
            raise RuleViolationError(message, deadline=str(kind))

    # Events ------------------------------------------------------------------------

    @event("Verified")
    def _verified(
        self,
        actor: Actor,
        at: datetime,
        category: str | None,
        maladministration: Maladministration | None,
    ) -> None:
        self.status = Status.VERIFIED
        self.category = category
        self.maladministration = maladministration

    @event("Rejected")
    def _rejected(
        self,
        actor: Actor,
        at: datetime,
        reason: RejectReason,
        note: str | None,
        duplicate_of: UUID | None,
    ) -> None:
        self.status = Status.REJECTED

    @event("InfoRequested")
    def _info_requested(
        self, actor: Actor, at: datetime, questions: str, info_due: datetime
    ) -> None:
        self.status = Status.INFO_REQUESTED
        self.info_requested_at = at
        self.deadlines[DeadlineKind.INFO] = info_due

    @event("Supplemented")
    def _supplemented(
        self,
        actor: Actor,
        at: datetime,
        information: str,
        deadlines: dict[str, datetime],
    ) -> None:
        self.status = Status.SUBMITTED
        self.info_requested_at = None
        self.deadlines.update(deadlines)

    @event("Forwarded")
    def _forwarded(
        self,
        actor: Actor,
        at: datetime,
        from_unit_id: str,
        unit_id: str,
        note: str | None,
        first_response_due: datetime,
    ) -> None:
        self.status = Status.FORWARDED
        self.unit_id = unit_id
        self.routed = True
        self.deadlines[DeadlineKind.FIRST_RESPONSE] = first_response_due

    @event("Responded")
    def _responded(self, actor: Actor, at: datetime, message: str) -> None:
        self.status = Status.IN_PROGRESS
        if self.first_responded_at is None:
            self.first_responded_at = at

    @event("Resolved")
    def _resolved(
        self,
        actor: Actor,
        at: datetime,
        resolution: str,
        outcome: ResolutionOutcome,
        feedback_due: datetime,
    ) -> None:
        self.status = Status.RESOLVED
        self.feedback_given = False
        self.unsatisfied_feedback = False
        self.deadlines[DeadlineKind.FEEDBACK] = feedback_due

    @event("FeedbackGiven")
    def _feedback_given(
        self,
        actor: Actor,
        at: datetime,
        satisfied: bool,
        rating: int | None,
        comment: str | None,
    ) -> None:
        self.feedback_given = True
        self.unsatisfied_feedback = not satisfied

    @event("Reopened")
    def _reopened(self, actor: Actor, at: datetime, reason: str) -> None:
        self.status = Status.IN_PROGRESS
        self.reopen_count += 1

    @event("Closed")
    def _closed(self, actor: Actor, at: datetime, reason: CloseReason, note: str | None) -> None:
        self.status = Status.CLOSED

    @event("Withdrawn")
    def _withdrawn(
        self, actor: Actor, at: datetime, reason: WithdrawReason, note: str | None
    ) -> None:
        self.status = Status.WITHDRAWN

    @event("DeadlineMissed")
    def _deadline_missed(
        self, actor: Actor, at: datetime, deadline: DeadlineKind, due: datetime
    ) -> None:
        self.missed[deadline] = due
