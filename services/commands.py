"""One command per complaint action: the request body, validated, and how it applies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from domain.calendar import WorkingCalendar
from domain.complaint import Complaint
from domain.sla import SlaPolicy
from domain.values import (
    Action,
    Actor,
    Maladministration,
    RejectReason,
    ResolutionOutcome,
)
from services.text import Category, LongText, ShortText


class CommandContext(Protocol):
    calendar: WorkingCalendar

    def unit_policy(self, unit_id: str) -> SlaPolicy: ...

    def ensure_complaint_exists(self, complaint_id: UUID) -> None: ...


@dataclass(frozen=True)
class Step:
    """One command applied: to which complaint, by whom, when, with what around it."""

    complaint: Complaint
    actor: Actor
    at: datetime
    context: CommandContext


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def apply(self, step: Step) -> None:
        raise NotImplementedError


class Verify(Command):
    category: Category | None = None
    maladministration: Maladministration | None = None

    def apply(self, step: Step) -> None:
        step.complaint.verify(step.actor, step.at, self.category, self.maladministration)


class Reject(Command):
    reason: RejectReason
    note: ShortText | None = None
    duplicate_of: UUID | None = None

    def apply(self, step: Step) -> None:
        if self.duplicate_of is not None and self.duplicate_of != step.complaint.id:
            step.context.ensure_complaint_exists(self.duplicate_of)
        step.complaint.reject(step.actor, step.at, self.reason, self.note, self.duplicate_of)


class RequestInfo(Command):
    questions: ShortText

    def apply(self, step: Step) -> None:
        step.complaint.request_info(step.actor, step.at, self.questions, step.context.calendar)


class Supplement(Command):
    information: LongText

    def apply(self, step: Step) -> None:
        step.complaint.supplement(step.actor, step.at, self.information, step.context.calendar)


class Forward(Command):
    unit_id: Annotated[str, Field(min_length=1, max_length=63)]
    note: ShortText | None = None

    def apply(self, step: Step) -> None:
        policy = step.context.unit_policy(self.unit_id)
        step.complaint.forward(
            step.actor, step.at, self.unit_id, policy, step.context.calendar, self.note
        )


class Respond(Command):
    message: LongText

    def apply(self, step: Step) -> None:
        step.complaint.respond(step.actor, step.at, self.message)


class Resolve(Command):
    resolution: LongText
    outcome: ResolutionOutcome

    def apply(self, step: Step) -> None:
        step.complaint.resolve(
            step.actor, step.at, self.resolution, self.outcome, step.context.calendar
        )


class Feedback(Command):
    satisfied: StrictBool
    rating: Annotated[StrictInt, Field(ge=1, le=5)] | None = None
    comment: ShortText | None = None

    def apply(self, step: Step) -> None:
        step.complaint.give_feedback(step.actor, step.at, self.satisfied, self.rating, self.comment)


class Reopen(Command):
    reason: ShortText

    def apply(self, step: Step) -> None:
        step.complaint.reopen(step.actor, step.at, self.reason)


class Close(Command):
    note: ShortText | None = None

    def apply(self, step: Step) -> None:
        step.complaint.close(step.actor, step.at, self.note)


class Withdraw(Command):
    note: ShortText | None = None

    def apply(self, step: Step) -> None:
        step.complaint.withdraw(step.actor, step.at, self.note)


COMMANDS: dict[Action, type[Command]] = {
    Action.VERIFY: Verify,
    Action.REJECT: Reject,
    Action.REQUEST_INFO: RequestInfo,
    Action.SUPPLEMENT: Supplement,
    Action.FORWARD: Forward,
    Action.RESPOND: Respond,
    Action.RESOLVE: Resolve,
    Action.FEEDBACK: Feedback,
    Action.REOPEN: Reopen,
    Action.CLOSE: Close,
    Action.WITHDRAW: Withdraw,
}
