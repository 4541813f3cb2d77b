"""Deadline arithmetic for a complaint: which clocks run in which status, and the pause."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from domain.calendar import WorkingCalendar
from domain.sla import DeadlineKind, SlaPolicy
from domain.values import Status

if TYPE_CHECKING:
    from domain.complaint import Complaint


def filing_deadlines(
    policy: SlaPolicy, calendar: WorkingCalendar, filed_at: datetime
) -> dict[str, datetime]:
    return {
        DeadlineKind.VERIFY: calendar.add_working_days(filed_at, policy.verify_working_days),
        DeadlineKind.ANSWER: calendar.add_days(filed_at, policy.answer_days),
        DeadlineKind.RESOLUTION: calendar.add_days(filed_at, policy.resolution_days),
    }


Moment = TypeVar("Moment", covariant=True)


class DeadlineState(Protocol[Moment]):
    """What decides which clocks run: a Complaint, or a read model's row of one."""

    @property
    def status(self) -> Status: ...

    @property
    def first_responded_at(self) -> object: ...

    @property
    def deadlines(self) -> Mapping[str, Moment]: ...


def _running_clocks(complaint: DeadlineState[object]) -> tuple[DeadlineKind, ...]:
    unanswered = complaint.first_responded_at is None
    answer = (DeadlineKind.ANSWER,) if unanswered else ()
    status = complaint.status
    if status is Status.SUBMITTED:
        return (DeadlineKind.VERIFY, *answer, DeadlineKind.RESOLUTION)
    if status is Status.VERIFIED:
        return (*answer, DeadlineKind.RESOLUTION)
    if status is Status.FORWARDED:
        return (DeadlineKind.FIRST_RESPONSE, *answer, DeadlineKind.RESOLUTION)
    if status is Status.IN_PROGRESS:
        return (DeadlineKind.RESOLUTION,)
    if status is Status.INFO_REQUESTED:
        return (DeadlineKind.INFO,)
    if status is Status.RESOLVED:
        return (DeadlineKind.FEEDBACK,)
    return ()


def active_deadlines(complaint: DeadlineState[Moment]) -> dict[DeadlineKind, Moment]:
    """The clocks running now. While information is requested only the complainant's runs."""
    return {
        kind: complaint.deadlines[kind]
        for kind in _running_clocks(complaint)
        if kind in complaint.deadlines
    }


def shift_for_pause(
    complaint: Complaint, resumed_at: datetime, calendar: WorkingCalendar
) -> dict[str, datetime]:
    """New deadlines when the complainant supplies the requested information.

    The answer and resolution clocks stand still while information is requested: they
    move later by exactly the time spent waiting; one already passed when the pause began
    stays put, as moving it would record the same breach again. Triage starts afresh on
    the completed file, with the full verify period.
    """
    paused_since = complaint.info_requested_at or resumed_at
    paused = resumed_at - paused_since
    shifted: dict[str, datetime] = {
        kind: complaint.deadlines[kind] + paused
        for kind in (DeadlineKind.ANSWER, DeadlineKind.RESOLUTION)
        if kind in complaint.deadlines and complaint.deadlines[kind] > paused_since
    }
    shifted[DeadlineKind.VERIFY] = calendar.add_working_days(
        resumed_at, complaint.policy.verify_working_days
    )
    return shifted
