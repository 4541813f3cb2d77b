"""The complaint lifecycle: every allowed move, every refusal, the clocks and the pause."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.calendar import WorkingCalendar
from domain.complaint import Complaint
from domain.errors import ForbiddenError, InvalidTransitionError, RuleViolationError
from domain.lifecycle import ACTION_ROLES, ALLOWED_ACTIONS
from domain.sla import DeadlineKind, SlaPolicy
from domain.values import (
    FINAL_STATUSES,
    SYSTEM_CLOCK,
    Action,
    Actor,
    CloseReason,
    Maladministration,
    RejectReason,
    ResolutionOutcome,
    Role,
    Status,
    WithdrawReason,
)
from tests.support import collect_events

CAL = WorkingCalendar()
POLICY = SlaPolicy()
FILED_AT = datetime(2026, 11, 23, 3, tzinfo=UTC)  # Monday 10:00 in Jakarta
LATER = FILED_AT + timedelta(days=1)  # after every step of the paths below
VERIFY_DUE = datetime(2026, 11, 26, 17, tzinfo=UTC)  # midnight closing Thursday 26 Nov, WIB
ANSWER_DUE = datetime(2026, 12, 7, 17, tzinfo=UTC)  # 14 days after 23 Nov
RESOLUTION_DUE = datetime(2027, 1, 22, 17, tzinfo=UTC)  # 60 days after 23 Nov
INFO_DUE = datetime(2026, 12, 23, 17, tzinfo=UTC)  # 30 days after a request on 23 Nov
FEEDBACK_DUE = datetime(2026, 12, 3, 17, tzinfo=UTC)  # 10 days after a resolution on 23 Nov

COMPLAINANT = Actor("public", Role.COMPLAINANT)
COORDINATOR = Actor("koordinator-1", Role.COORDINATOR)
OFFICER = Actor("penghubung-1", Role.OFFICER)
ACTOR_FOR_ROLE = {role: Actor(f"{role}-1", role) for role in Role}

Move = Callable[[Complaint, Actor, datetime], None]
MOVES: dict[Action, Move] = {
    Action.VERIFY: lambda c, actor, at: c.verify(actor, at),
    Action.REJECT: lambda c, actor, at: c.reject(actor, at, RejectReason.UNCLEAR),
    Action.REQUEST_INFO: lambda c, actor, at: c.request_info(actor, at, "Nomor antrean?", CAL),
    Action.SUPPLEMENT: lambda c, actor, at: c.supplement(actor, at, "Antrean A-17", CAL),
    Action.FORWARD: lambda c, actor, at: c.forward(actor, at, "rsud", POLICY, CAL),
    Action.RESPOND: lambda c, actor, at: c.respond(actor, at, "Sedang kami periksa."),
    Action.RESOLVE: lambda c, actor, at: c.resolve(
        actor, at, "KTP-el sudah dicetak.", ResolutionOutcome.FIXED, CAL
    ),
    Action.FEEDBACK: lambda c, actor, at: c.give_feedback(actor, at, satisfied=False, rating=2),
    Action.REOPEN: lambda c, actor, at: c.reopen(actor, at, "Belum selesai."),
    Action.CLOSE: lambda c, actor, at: c.close(actor, at),
    Action.WITHDRAW: lambda c, actor, at: c.withdraw(actor, at),
}
ACTOR_FOR_ACTION = {
    Action.VERIFY: COORDINATOR,
    Action.REJECT: COORDINATOR,
    Action.REQUEST_INFO: COORDINATOR,
    Action.SUPPLEMENT: COMPLAINANT,
    Action.FORWARD: COORDINATOR,
    Action.RESPOND: OFFICER,
    Action.RESOLVE: OFFICER,
    Action.FEEDBACK: COMPLAINANT,
    Action.REOPEN: COMPLAINANT,
    Action.CLOSE: COMPLAINANT,
    Action.WITHDRAW: COMPLAINANT,
}
TO_RESOLVED = (Action.VERIFY, Action.FORWARD, Action.RESPOND, Action.RESOLVE)
PATHS: dict[Status, tuple[Action, ...]] = {
    Status.SUBMITTED: (),
    Status.INFO_REQUESTED: (Action.REQUEST_INFO,),
    Status.VERIFIED: (Action.VERIFY,),
    Status.FORWARDED: (Action.VERIFY, Action.FORWARD),
    Status.IN_PROGRESS: (Action.VERIFY, Action.FORWARD, Action.RESPOND),
    Status.RESOLVED: TO_RESOLVED,
    Status.CLOSED: (*TO_RESOLVED, Action.CLOSE),
    Status.REJECTED: (Action.REJECT,),
    Status.WITHDRAWN: (Action.WITHDRAW,),
}

FileComplaint = Callable[..., Complaint]
ComplaintIn = Callable[[Status], Complaint]


def perform(complaint: Complaint, action: Action, at: datetime = LATER) -> None:
    MOVES[action](complaint, ACTOR_FOR_ACTION[action], at)


def new_events(complaint: Complaint) -> list[str]:
    return [type(event).__name__ for event in complaint.collect_events()]


@pytest.fixture
def complaint_in(file_complaint: FileComplaint) -> ComplaintIn:
    """A complaint brought to ``status`` on filing day, one step an hour, events collected."""

    def bring_to(status: Status) -> Complaint:
        complaint = file_complaint(at=FILED_AT)
        for step, action in enumerate(PATHS[status], start=1):
            perform(complaint, action, FILED_AT + timedelta(hours=step))
        assert complaint.status is status
        complaint.collect_events()
        return complaint

    return bring_to


# Filing --------------------------------------------------------------------------------


def test_filed_complaint_is_submitted_with_verify_answer_and_resolution_clocks(
    file_complaint: FileComplaint,
) -> None:
    complaint = file_complaint(at=FILED_AT)

    assert complaint.status is Status.SUBMITTED
    assert complaint.deadlines == {
        DeadlineKind.VERIFY: VERIFY_DUE,
        DeadlineKind.ANSWER: ANSWER_DUE,
        DeadlineKind.RESOLUTION: RESOLUTION_DUE,
    }
    assert new_events(complaint) == ["Filed"]


def test_incident_date_in_the_future_is_refused(file_complaint: FileComplaint) -> None:
    late_evening_utc = datetime(2026, 11, 23, 20, tzinfo=UTC)  # already 24 Nov in Jakarta

    with pytest.raises(RuleViolationError) as refused:
        file_complaint(at=late_evening_utc, incident_date=date(2026, 11, 25))

    assert refused.value.context == {"field": "incident_date"}


def test_incident_date_of_today_in_jakarta_is_accepted(file_complaint: FileComplaint) -> None:
    late_evening_utc = datetime(2026, 11, 23, 20, tzinfo=UTC)  # already 24 Nov in Jakarta

    complaint = file_complaint(at=late_evening_utc, incident_date=date(2026, 11, 24))

    assert complaint.incident_date == date(2026, 11, 24)


# Allowed moves, one per entry of ALLOWED_ACTIONS ---------------------------------------


def test_coordinator_verifies_a_submitted_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    complaint.verify(
        COORDINATOR,
        LATER,
        category="kependudukan",
        maladministration=Maladministration.TIDAK_KOMPETEN,
    )

    assert complaint.status is Status.VERIFIED
    assert complaint.category == "kependudukan"
    assert complaint.maladministration is Maladministration.TIDAK_KOMPETEN
    assert new_events(complaint) == ["Verified"]


def test_verifying_without_a_category_keeps_the_filed_one(file_complaint: FileComplaint) -> None:
    complaint = file_complaint(at=FILED_AT, category="kependudukan")

    complaint.verify(COORDINATOR, LATER)

    assert complaint.category == "kependudukan"


def test_coordinator_rejects_a_submitted_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    complaint.reject(COORDINATOR, LATER, RejectReason.SPAM, note="Iklan")

    assert complaint.status is Status.REJECTED
    assert new_events(complaint) == ["Rejected"]


def test_coordinator_requests_information_on_a_submitted_complaint(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.SUBMITTED)
    requested_at = FILED_AT + timedelta(hours=1)

    complaint.request_info(COORDINATOR, requested_at, "Nomor antrean?", CAL)

    assert complaint.status is Status.INFO_REQUESTED
    assert complaint.info_requested_at == requested_at
    assert complaint.deadlines[DeadlineKind.INFO] == INFO_DUE
    assert new_events(complaint) == ["InfoRequested"]


def test_complainant_withdraws_a_submitted_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    complaint.withdraw(COMPLAINANT, LATER, note="Sudah beres sendiri")

    assert complaint.status is Status.WITHDRAWN
    [withdrawn] = collect_events(complaint)
    assert withdrawn.reason is WithdrawReason.BY_COMPLAINANT


def test_complainant_supplements_requested_information(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.INFO_REQUESTED)

    complaint.supplement(COMPLAINANT, LATER, "Antrean A-17", CAL)

    assert complaint.status is Status.SUBMITTED
    assert complaint.info_requested_at is None
    assert new_events(complaint) == ["Supplemented"]


def test_complainant_withdraws_while_information_is_requested(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.INFO_REQUESTED)

    complaint.withdraw(COMPLAINANT, LATER)

    assert complaint.status is Status.WITHDRAWN


def test_coordinator_forwards_a_verified_complaint_to_a_unit(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.VERIFIED)

    complaint.forward(COORDINATOR, LATER, "rsud", POLICY, CAL, note="Wewenang RSUD")

    assert complaint.status is Status.FORWARDED
    assert complaint.unit_id == "rsud"
    assert complaint.routed
    # Five working days after Tuesday 24 Nov: Wed, Thu, Fri, Mon, Tue 1 Dec.
    assert complaint.deadlines[DeadlineKind.FIRST_RESPONSE] == datetime(2026, 12, 1, 17, tzinfo=UTC)
    [forwarded] = collect_events(complaint)
    assert (forwarded.from_unit_id, forwarded.unit_id) == ("disdukcapil", "rsud")


def test_first_routing_may_keep_the_unit_it_was_filed_with(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.VERIFIED)

    complaint.forward(COORDINATOR, LATER, "disdukcapil", POLICY, CAL)

    assert complaint.status is Status.FORWARDED
    assert complaint.unit_id == "disdukcapil"


def test_coordinator_rejects_a_verified_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.VERIFIED)

    complaint.reject(COORDINATOR, LATER, RejectReason.OUT_OF_SCOPE)

    assert complaint.status is Status.REJECTED


def test_coordinator_requests_information_on_a_verified_complaint(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.VERIFIED)

    complaint.request_info(COORDINATOR, LATER, "Alamat lengkap?", CAL)

    assert complaint.status is Status.INFO_REQUESTED


def test_complainant_withdraws_a_verified_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.VERIFIED)

    complaint.withdraw(COMPLAINANT, LATER)

    assert complaint.status is Status.WITHDRAWN


def test_officer_responds_to_a_forwarded_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.FORWARDED)

    complaint.respond(OFFICER, LATER, "Sedang kami periksa.")

    assert complaint.status is Status.IN_PROGRESS
    assert complaint.first_responded_at == LATER
    assert new_events(complaint) == ["Responded"]


def test_officer_reroutes_a_forwarded_complaint_to_another_unit(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.FORWARDED)

    complaint.forward(OFFICER, LATER, "samsat", POLICY, CAL, note="Bukan wewenang kami")

    assert complaint.status is Status.FORWARDED
    assert complaint.unit_id == "samsat"


def test_coordinator_rejects_a_forwarded_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.FORWARDED)

    complaint.reject(COORDINATOR, LATER, RejectReason.NOT_OUR_AUTHORITY)

    assert complaint.status is Status.REJECTED


def test_a_further_response_keeps_the_first_response_time(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.IN_PROGRESS)
    first_responded_at = complaint.first_responded_at

    complaint.respond(OFFICER, LATER, "Sudah diteruskan ke percetakan.")

    assert complaint.status is Status.IN_PROGRESS
    assert complaint.first_responded_at == first_responded_at != LATER
    assert new_events(complaint) == ["Responded"]


def test_officer_resolves_a_complaint_in_progress(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.IN_PROGRESS)

    complaint.resolve(OFFICER, LATER, "KTP-el sudah dicetak.", ResolutionOutcome.FIXED, CAL)

    assert complaint.status is Status.RESOLVED
    # Ten days after Tuesday 24 Nov.
    assert complaint.deadlines[DeadlineKind.FEEDBACK] == datetime(2026, 12, 4, 17, tzinfo=UTC)
    [resolved] = collect_events(complaint)
    assert resolved.outcome is ResolutionOutcome.FIXED


def test_coordinator_may_resolve_a_complaint_in_progress(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.IN_PROGRESS)

    complaint.resolve(COORDINATOR, LATER, "Dijelaskan.", ResolutionOutcome.EXPLAINED, CAL)

    assert complaint.status is Status.RESOLVED


def test_complaint_in_progress_can_be_forwarded_to_another_unit(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.IN_PROGRESS)

    complaint.forward(OFFICER, LATER, "samsat", POLICY, CAL)

    assert complaint.status is Status.FORWARDED
    assert complaint.unit_id == "samsat"


def test_unsatisfied_feedback_keeps_the_complaint_resolved(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)

    complaint.give_feedback(COMPLAINANT, LATER, satisfied=False, rating=2, comment="Belum")

    assert complaint.status is Status.RESOLVED
    assert complaint.unsatisfied_feedback
    assert new_events(complaint) == ["FeedbackGiven"]


def test_satisfied_feedback_closes_the_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)

    complaint.give_feedback(COMPLAINANT, LATER, satisfied=True, rating=5)

    assert complaint.status is Status.CLOSED
    feedback, closed = collect_events(complaint)
    assert (feedback.satisfied, feedback.rating) == (True, 5)
    assert closed.reason is CloseReason.SATISFIED


def test_unsatisfied_complainant_reopens_the_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)
    complaint.give_feedback(COMPLAINANT, LATER, satisfied=False)

    complaint.reopen(COMPLAINANT, LATER, "Belum selesai.")

    assert complaint.status is Status.IN_PROGRESS
    assert complaint.reopen_count == 1
    assert new_events(complaint) == ["FeedbackGiven", "Reopened"]


def test_complainant_closes_a_resolved_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)

    complaint.close(COMPLAINANT, LATER)

    assert complaint.status is Status.CLOSED
    [closed] = collect_events(complaint)
    assert closed.reason is CloseReason.CONFIRMED


def test_coordinator_closes_a_resolved_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)

    complaint.close(COORDINATOR, LATER, note="Dikonfirmasi lewat telepon")

    assert complaint.status is Status.CLOSED


ALLOWED = [(status, action) for status, actions in ALLOWED_ACTIONS.items() for action in actions]


@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_every_allowed_move_is_accepted(
    complaint_in: ComplaintIn, status: Status, action: Action
) -> None:
    """A net under the named tests: no later rule refuses a move ALLOWED_ACTIONS lists."""
    complaint = complaint_in(status)
    if action is Action.REOPEN:
        complaint.give_feedback(COMPLAINANT, LATER, satisfied=False)
        complaint.collect_events()

    if action is Action.FORWARD:
        complaint.forward(ACTOR_FOR_ACTION[action], LATER, "samsat", POLICY, CAL)
    else:
        perform(complaint, action)

    assert complaint.collect_events()


# Refusals --------------------------------------------------------------------------------

DISALLOWED = [
    (status, action)
    for status in Status
    for action in Action
    if action not in ALLOWED_ACTIONS[status]
]


def test_resolved_complaint_cannot_be_forwarded(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)

    with pytest.raises(InvalidTransitionError) as refused:
        complaint.forward(COORDINATOR, LATER, "samsat", POLICY, CAL)

    assert refused.value.message == (
        "Cannot forward a complaint that is resolved; allowed actions: feedback, reopen, close."
    )
    assert refused.value.context == {
        "status": "resolved",
        "action": "forward",
        "allowed_actions": ["feedback", "reopen", "close"],
    }


@pytest.mark.parametrize(("status", "action"), DISALLOWED)
def test_action_not_allowed_in_a_status_is_refused_naming_the_allowed_ones(
    complaint_in: ComplaintIn, status: Status, action: Action
) -> None:
    complaint = complaint_in(status)

    with pytest.raises(InvalidTransitionError) as refused:
        perform(complaint, action)

    allowed = [str(a) for a in ALLOWED_ACTIONS[status]]
    assert refused.value.context == {
        "status": str(status),
        "action": str(action),
        "allowed_actions": allowed,
    }
    assert f"that is {status};" in refused.value.message
    assert ", ".join(allowed) in refused.value.message
    assert complaint.pending_events == []


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
@pytest.mark.parametrize("action", list(Action))
def test_final_status_accepts_no_action(
    complaint_in: ComplaintIn, status: Status, action: Action
) -> None:
    complaint = complaint_in(status)

    with pytest.raises(InvalidTransitionError) as refused:
        perform(complaint, action)

    assert refused.value.context["allowed_actions"] == []
    assert refused.value.message.endswith("allowed actions: none (final status).")
    assert complaint.pending_events == []


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_time_passing_changes_nothing_in_a_final_status(
    complaint_in: ComplaintIn, status: Status
) -> None:
    complaint = complaint_in(status)

    complaint.apply_time(FILED_AT + timedelta(days=365))

    assert complaint.status is status
    assert complaint.pending_events == []


FORBIDDEN = [
    (action, role) for action in Action for role in Role if role not in ACTION_ROLES[action]
]
FIRST_STATUS_ALLOWING = {
    action: next(status for status, actions in ALLOWED_ACTIONS.items() if action in actions)
    for action in Action
}


@pytest.mark.parametrize(("action", "role"), FORBIDDEN)
def test_role_not_allowed_to_take_an_action_is_forbidden(
    complaint_in: ComplaintIn, action: Action, role: Role
) -> None:
    complaint = complaint_in(FIRST_STATUS_ALLOWING[action])

    with pytest.raises(ForbiddenError) as refused:
        MOVES[action](complaint, ACTOR_FOR_ROLE[role], LATER)

    assert refused.value.context == {
        "action": str(action),
        "role": str(role),
        "allowed_roles": sorted(str(r) for r in ACTION_ROLES[action]),
    }
    assert f"A {role} may not {action}" in refused.value.message
    assert complaint.pending_events == []


def test_officer_cannot_verify_a_complaint(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    with pytest.raises(ForbiddenError, match="this action is for: coordinator"):
        complaint.verify(OFFICER, LATER)

    assert complaint.status is Status.SUBMITTED


# Reject reasons ----------------------------------------------------------------------------


def test_duplicate_rejection_must_name_the_original(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    with pytest.raises(RuleViolationError) as refused:
        complaint.reject(COORDINATOR, LATER, RejectReason.DUPLICATE)

    assert refused.value.context == {"field": "duplicate_of"}
    assert complaint.status is Status.SUBMITTED


def test_duplicate_rejection_cannot_name_the_complaint_itself(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    with pytest.raises(RuleViolationError, match="cannot duplicate itself"):
        complaint.reject(COORDINATOR, LATER, RejectReason.DUPLICATE, duplicate_of=complaint.id)

    assert complaint.pending_events == []


def test_duplicate_rejection_records_the_original(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)
    original = uuid4()

    complaint.reject(COORDINATOR, LATER, RejectReason.DUPLICATE, duplicate_of=original)

    [rejected] = collect_events(complaint)
    assert (rejected.reason, rejected.duplicate_of) == (RejectReason.DUPLICATE, original)


@pytest.mark.parametrize("reason", [r for r in RejectReason if r is not RejectReason.DUPLICATE])
def test_only_a_duplicate_rejection_may_name_an_original(
    complaint_in: ComplaintIn, reason: RejectReason
) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    with pytest.raises(RuleViolationError, match="only for the reason 'duplicate'"):
        complaint.reject(COORDINATOR, LATER, reason, duplicate_of=uuid4())

    assert complaint.status is Status.SUBMITTED


# Routing ---------------------------------------------------------------------------------


def test_forward_to_the_unit_already_handling_the_complaint_is_refused(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.FORWARDED)

    with pytest.raises(RuleViolationError, match="already with unit rsud") as refused:
        complaint.forward(OFFICER, LATER, "rsud", POLICY, CAL)

    assert refused.value.context == {"field": "unit_id"}
    assert complaint.pending_events == []


# Feedback and reopening ------------------------------------------------------------------


def test_reopen_without_unsatisfied_feedback_is_refused(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)

    with pytest.raises(RuleViolationError, match="unsatisfied feedback"):
        complaint.reopen(COMPLAINANT, LATER, "Belum selesai.")

    assert complaint.status is Status.RESOLVED


def test_second_feedback_on_the_same_resolution_is_refused(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)
    complaint.give_feedback(COMPLAINANT, LATER, satisfied=False)
    complaint.collect_events()

    with pytest.raises(RuleViolationError, match="already given"):
        complaint.give_feedback(COMPLAINANT, LATER, satisfied=True)

    assert complaint.status is Status.RESOLVED
    assert complaint.pending_events == []


def test_a_new_resolution_takes_fresh_feedback(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)
    complaint.give_feedback(COMPLAINANT, LATER, satisfied=False)
    complaint.reopen(COMPLAINANT, LATER, "Belum selesai.")
    complaint.resolve(OFFICER, LATER, "Sudah dicetak ulang.", ResolutionOutcome.FIXED, CAL)

    complaint.give_feedback(COMPLAINANT, LATER, satisfied=True)

    assert complaint.status is Status.CLOSED


def test_reopening_a_new_resolution_needs_new_unsatisfied_feedback(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.RESOLVED)
    complaint.give_feedback(COMPLAINANT, LATER, satisfied=False)
    complaint.reopen(COMPLAINANT, LATER, "Belum selesai.")
    complaint.resolve(OFFICER, LATER, "Sudah dicetak ulang.", ResolutionOutcome.FIXED, CAL)

    with pytest.raises(RuleViolationError, match="unsatisfied feedback"):
        complaint.reopen(COMPLAINANT, LATER, "Masih salah.")

    assert complaint.status is Status.RESOLVED


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_rating_outside_one_to_five_is_refused(complaint_in: ComplaintIn, rating: int) -> None:
    complaint = complaint_in(Status.RESOLVED)

    with pytest.raises(RuleViolationError) as refused:
        complaint.give_feedback(COMPLAINANT, LATER, satisfied=True, rating=rating)

    assert refused.value.context == {"field": "rating"}
    assert complaint.status is Status.RESOLVED


@pytest.mark.parametrize("rating", [1, 5, None])
def test_rating_of_one_to_five_or_none_is_accepted(
    complaint_in: ComplaintIn, rating: int | None
) -> None:
    complaint = complaint_in(Status.RESOLVED)

    complaint.give_feedback(COMPLAINANT, LATER, satisfied=False, rating=rating)

    assert complaint.feedback_given


def test_feedback_after_the_window_is_refused(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)
    assert complaint.deadlines[DeadlineKind.FEEDBACK] == FEEDBACK_DUE

    with pytest.raises(RuleViolationError) as refused:
        complaint.give_feedback(COMPLAINANT, FEEDBACK_DUE, satisfied=True)

    assert refused.value.context == {"deadline": "feedback"}


def test_feedback_just_before_the_window_closes_is_accepted(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)

    complaint.give_feedback(COMPLAINANT, FEEDBACK_DUE - timedelta(seconds=1), satisfied=True)

    assert complaint.status is Status.CLOSED


def test_reopen_after_the_window_is_refused(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)
    complaint.give_feedback(COMPLAINANT, LATER, satisfied=False)

    with pytest.raises(RuleViolationError, match="feedback window has closed"):
        complaint.reopen(COMPLAINANT, FEEDBACK_DUE + timedelta(hours=1), "Belum selesai.")

    assert complaint.status is Status.RESOLVED


def test_supplement_after_the_info_window_is_refused(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.INFO_REQUESTED)
    assert complaint.deadlines[DeadlineKind.INFO] == INFO_DUE

    with pytest.raises(RuleViolationError) as refused:
        complaint.supplement(COMPLAINANT, INFO_DUE, "Terlambat", CAL)

    assert refused.value.context == {"deadline": "info"}
    assert complaint.status is Status.INFO_REQUESTED


# Time: missed deadlines and timed moves ----------------------------------------------------


def missed_events(complaint: Complaint) -> list[tuple[DeadlineKind, datetime]]:
    return [(event.deadline, event.due) for event in collect_events(complaint)]


def test_nothing_is_recorded_before_a_deadline_is_due(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    complaint.apply_time(VERIFY_DUE - timedelta(microseconds=1))

    assert complaint.pending_events == []
    assert complaint.missed == {}


def test_missed_verify_deadline_is_recorded_at_its_due_moment(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)

    complaint.apply_time(VERIFY_DUE)

    [missed] = collect_events(complaint)
    assert type(missed).__name__ == "DeadlineMissed"
    assert (missed.deadline, missed.due, missed.actor) == (
        DeadlineKind.VERIFY,
        VERIFY_DUE,
        SYSTEM_CLOCK,
    )
    assert complaint.missed == {DeadlineKind.VERIFY: VERIFY_DUE}


def test_missed_deadline_is_not_recorded_again_on_a_second_tick(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)
    complaint.apply_time(VERIFY_DUE)
    complaint.collect_events()

    complaint.apply_time(VERIFY_DUE + timedelta(hours=6))

    assert complaint.pending_events == []


def test_a_later_tick_records_only_the_newly_missed_deadlines(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.SUBMITTED)
    complaint.apply_time(VERIFY_DUE)
    complaint.collect_events()

    complaint.apply_time(RESOLUTION_DUE)

    assert missed_events(complaint) == [
        (DeadlineKind.ANSWER, ANSWER_DUE),
        (DeadlineKind.RESOLUTION, RESOLUTION_DUE),
    ]
    assert complaint.status is Status.SUBMITTED


def test_missed_first_response_is_recorded_for_a_forwarded_complaint(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.FORWARDED)
    # Forwarded on Monday 23 Nov: five working days end with Monday 30 Nov.
    first_response_due = datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert complaint.deadlines[DeadlineKind.FIRST_RESPONSE] == first_response_due

    complaint.apply_time(first_response_due)

    assert missed_events(complaint) == [(DeadlineKind.FIRST_RESPONSE, first_response_due)]


def test_answer_clock_stops_once_the_unit_responds(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.IN_PROGRESS)

    complaint.apply_time(ANSWER_DUE + timedelta(days=1))

    assert complaint.pending_events == []


def test_complaint_is_withdrawn_when_the_info_window_lapses(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.INFO_REQUESTED)

    complaint.apply_time(INFO_DUE)

    assert complaint.status is Status.WITHDRAWN
    # The staff clocks were paused: the answer deadline (7 Dec) passed unrecorded.
    [withdrawn] = collect_events(complaint)
    assert (withdrawn.reason, withdrawn.actor) == (
        WithdrawReason.INFO_WINDOW_EXPIRED,
        SYSTEM_CLOCK,
    )


def test_complaint_is_closed_when_the_feedback_window_lapses(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.RESOLVED)

    complaint.apply_time(FEEDBACK_DUE)

    assert complaint.status is Status.CLOSED
    [closed] = collect_events(complaint)
    assert (closed.reason, closed.actor) == (CloseReason.FEEDBACK_WINDOW_EXPIRED, SYSTEM_CLOCK)


def test_next_time_due_skips_deadlines_already_recorded_as_missed(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.SUBMITTED)
    assert complaint.next_time_due() == VERIFY_DUE

    complaint.apply_time(VERIFY_DUE)

    assert complaint.next_time_due() == ANSWER_DUE


# The pause while information is requested --------------------------------------------------

REQUESTED_AT = FILED_AT + timedelta(hours=1)
PAUSED = timedelta(days=3, hours=5, minutes=7)
RESUMED_AT = REQUESTED_AT + PAUSED  # Thursday 26 Nov, 16:07 in Jakarta


def test_supplement_moves_answer_and_resolution_later_by_the_paused_time(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.INFO_REQUESTED)

    complaint.supplement(COMPLAINANT, RESUMED_AT, "Antrean A-17", CAL)

    assert complaint.deadlines[DeadlineKind.ANSWER] == ANSWER_DUE + PAUSED
    assert complaint.deadlines[DeadlineKind.RESOLUTION] == RESOLUTION_DUE + PAUSED


def test_supplement_restarts_verify_with_the_full_working_days(complaint_in: ComplaintIn) -> None:
    complaint = complaint_in(Status.INFO_REQUESTED)

    complaint.supplement(COMPLAINANT, RESUMED_AT, "Antrean A-17", CAL)

    # Three working days after Thursday 26 Nov: Fri 27, Mon 30, Tue 1 Dec.
    assert complaint.deadlines[DeadlineKind.VERIFY] == datetime(2026, 12, 1, 17, tzinfo=UTC)
    [supplemented] = collect_events(complaint)
    assert supplemented.deadlines == {
        DeadlineKind.ANSWER: ANSWER_DUE + PAUSED,
        DeadlineKind.RESOLUTION: RESOLUTION_DUE + PAUSED,
        DeadlineKind.VERIFY: datetime(2026, 12, 1, 17, tzinfo=UTC),
    }


def test_staff_deadlines_are_not_missed_while_information_is_requested(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.INFO_REQUESTED)

    complaint.apply_time(INFO_DUE - timedelta(seconds=1))  # past the verify and answer dates

    assert complaint.pending_events == []
    assert complaint.status is Status.INFO_REQUESTED


def test_deadline_missed_before_the_pause_is_not_recorded_again_after_it(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.SUBMITTED)
    late = ANSWER_DUE + timedelta(days=1)
    complaint.apply_time(late)
    complaint.request_info(COORDINATOR, late, "Nomor antrean?", CAL)
    complaint.supplement(COMPLAINANT, late + timedelta(days=5), "Antrean A-17", CAL)
    complaint.collect_events()

    complaint.apply_time(late + timedelta(days=5, hours=1))

    assert complaint.deadlines[DeadlineKind.ANSWER] == ANSWER_DUE
    assert complaint.pending_events == []


def test_deadline_passed_before_the_pause_is_recorded_with_its_own_due(
    complaint_in: ComplaintIn,
) -> None:
    complaint = complaint_in(Status.SUBMITTED)
    late = ANSWER_DUE + timedelta(days=1)
    complaint.request_info(COORDINATOR, late, "Nomor antrean?", CAL)
    complaint.supplement(COMPLAINANT, late + timedelta(days=5), "Antrean A-17", CAL)
    complaint.collect_events()

    complaint.apply_time(late + timedelta(days=5, hours=1))

    assert missed_events(complaint) == [(DeadlineKind.ANSWER, ANSWER_DUE)]
