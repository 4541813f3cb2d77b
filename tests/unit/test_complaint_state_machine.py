"""Random command sequences against one Complaint, checking the lifecycle invariants."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from domain.complaint import Complaint
from domain.errors import DomainError, ForbiddenError, InvalidTransitionError, RuleViolationError
from domain.lifecycle import ACTION_ROLES, ALLOWED_ACTIONS
from domain.sla import DeadlineKind, SlaPolicy
from domain.values import (
    FINAL_STATUSES,
    Action,
    Actor,
    Maladministration,
    RejectReason,
    ResolutionOutcome,
    Role,
)
from infra.holidays_id import indonesian_calendar
from tests.support import collect_events, event_class

CALENDAR = indonesian_calendar()
POLICY = SlaPolicy()
FILED_AT = datetime(2026, 11, 23, 3, tzinfo=UTC)
UNITS = ("disdukcapil", "rsud", "samsat")
ELSEWHERE = uuid4()
FINISHING_ACTIONS = frozenset({Action.REJECT, Action.WITHDRAW, Action.CLOSE})
DEADLINE_MISSED = event_class(Complaint, "DeadlineMissed")
SINGLE_RUN_CLOCKS = (DeadlineKind.ANSWER, DeadlineKind.RESOLUTION)
"""Clocks started once at filing and only ever shifted: one run can be missed only once."""

# None stands for "an actor whose role may take the action"; roles are otherwise random.
roles = st.none() | st.sampled_from(Role)
delays = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=1)) | st.timedeltas(
    min_value=timedelta(days=1), max_value=timedelta(days=40)
)
Command = Callable[[Actor], None]


def complaint_state(complaint: Complaint) -> dict[str, Any]:
    return {
        name: getattr(complaint, name)
        for name in (
            "version",
            "status",
            "unit_id",
            "deadlines",
            "missed",
            "routed",
            "category",
            "maladministration",
            "first_responded_at",
            "info_requested_at",
            "feedback_given",
            "unsatisfied_feedback",
            "reopen_count",
        )
    }


class ComplaintLifecycle(RuleBasedStateMachine):
    def __init__(self, file_complaint: Callable[..., Complaint]) -> None:
        super().__init__()
        self.now = FILED_AT
        self.complaint = file_complaint(at=FILED_AT, calendar=CALENDAR, policy=POLICY)
        self.events = collect_events(self.complaint)
        self.latest_deadlines = dict(self.complaint.deadlines)

    # Time ----------------------------------------------------------------------------------

    @rule(delay=delays)
    def time_passes(self, delay: timedelta) -> None:
        self.now += delay

    @rule()
    def clock_ticks(self) -> None:
        self.complaint.apply_time(self.now)
        self.events += self.complaint.collect_events()

    # Commands ------------------------------------------------------------------------------

    def attempt(self, action: Action, role: Role | None, command: Command) -> None:
        """Run ``command``; check it was refused exactly when the role or status forbids it."""
        allowed_role = min(ACTION_ROLES[action])
        actor = Actor(f"{role or allowed_role}-1", role or allowed_role)
        role_ok = actor.role in ACTION_ROLES[action]
        status_ok = action in ALLOWED_ACTIONS[self.complaint.status]
        try:
            command(actor)
        except DomainError as error:
            assert self.complaint.pending_events == []
            expected: type[DomainError] = (
                ForbiddenError
                if not role_ok
                else InvalidTransitionError
                if not status_ok
                else RuleViolationError
            )
            assert type(error) is expected, (action, actor.role, error)
        else:
            assert role_ok and status_ok, (action, actor.role)
            new_events = self.complaint.collect_events()
            assert new_events
            self.events += new_events

    def command(self, action: Action, data: st.DataObject) -> Command:
        """The command for ``action`` at the current time, with randomly drawn arguments."""
        at, complaint = self.now, self.complaint
        if action is Action.VERIFY:
            malad = data.draw(st.none() | st.sampled_from(Maladministration))
            return lambda actor: complaint.verify(actor, at, maladministration=malad)
        if action is Action.REJECT:
            reason = data.draw(st.sampled_from(RejectReason))
            original = data.draw(st.sampled_from([None, ELSEWHERE, complaint.id]))
            return lambda actor: complaint.reject(actor, at, reason, duplicate_of=original)
        if action is Action.REQUEST_INFO:
            return lambda actor: complaint.request_info(actor, at, "Nomor NIK?", CALENDAR)
        if action is Action.SUPPLEMENT:
            return lambda actor: complaint.supplement(actor, at, "3201...", CALENDAR)
        if action is Action.FORWARD:
            unit_id = data.draw(st.sampled_from(UNITS))
            return lambda actor: complaint.forward(actor, at, unit_id, POLICY, CALENDAR)
        if action is Action.RESPOND:
            return lambda actor: complaint.respond(actor, at, "Kami tindak lanjuti.")
        if action is Action.RESOLVE:
            outcome = data.draw(st.sampled_from(ResolutionOutcome))
            return lambda actor: complaint.resolve(actor, at, "Selesai.", outcome, CALENDAR)
        if action is Action.FEEDBACK:
            satisfied = data.draw(st.booleans())
            rating = data.draw(st.none() | st.integers(0, 6))
            return lambda actor: complaint.give_feedback(actor, at, satisfied, rating)
        if action is Action.REOPEN:
            return lambda actor: complaint.reopen(actor, at, "Belum beres.")
        if action is Action.CLOSE:
            return lambda actor: complaint.close(actor, at)
        return lambda actor: complaint.withdraw(actor, at)

    @rule(action=st.sampled_from(Action), role=roles, data=st.data())
    def any_command(self, action: Action, role: Role | None, data: st.DataObject) -> None:
        self.attempt(action, role, self.command(action, data))

    @precondition(lambda self: bool(self.allowed(FINISHING_ACTIONS, exclude=False)))
    @rule(data=st.data())
    def finishing_move(self, data: st.DataObject) -> None:
        action = data.draw(st.sampled_from(self.allowed(FINISHING_ACTIONS, exclude=False)))
        self.attempt(action, None, self.command(action, data))

    @precondition(lambda self: bool(self.allowed(FINISHING_ACTIONS, exclude=True)))
    @rule(data=st.data())
    def progressing_move(self, data: st.DataObject) -> None:
        action = data.draw(st.sampled_from(self.allowed(FINISHING_ACTIONS, exclude=True)))
        self.attempt(action, None, self.command(action, data))

    def allowed(self, actions: frozenset[Action], *, exclude: bool) -> list[Action]:
        return [
            action
            for action in ALLOWED_ACTIONS[self.complaint.status]
            if (action in actions) is not exclude
        ]

    # Invariants ----------------------------------------------------------------------------

    @invariant()
    def final_status_accepts_nothing(self) -> None:
        if self.complaint.status not in FINAL_STATUSES:
            return
        at, complaint = self.now, self.complaint
        commands: list[Callable[[], None]] = [
            lambda: complaint.verify(Actor("k", Role.COORDINATOR), at),
            lambda: complaint.reject(Actor("k", Role.COORDINATOR), at, RejectReason.SPAM),
            lambda: complaint.request_info(Actor("k", Role.COORDINATOR), at, "?", CALENDAR),
            lambda: complaint.supplement(Actor("p", Role.COMPLAINANT), at, "!", CALENDAR),
            lambda: complaint.forward(Actor("k", Role.COORDINATOR), at, "x9", POLICY, CALENDAR),
            lambda: complaint.respond(Actor("o", Role.OFFICER), at, "."),
            lambda: complaint.resolve(
                Actor("o", Role.OFFICER), at, ".", ResolutionOutcome.FIXED, CALENDAR
            ),
            lambda: complaint.give_feedback(Actor("p", Role.COMPLAINANT), at, satisfied=True),
            lambda: complaint.reopen(Actor("p", Role.COMPLAINANT), at, "."),
            lambda: complaint.close(Actor("p", Role.COMPLAINANT), at),
            lambda: complaint.withdraw(Actor("p", Role.COMPLAINANT), at),
        ]
        for command in commands:
            try:
                command()
            except DomainError:
                pass
            else:
                raise AssertionError(f"a {complaint.status} complaint accepted a command")
            assert complaint.pending_events == []
        complaint.apply_time(at + timedelta(days=400))
        assert complaint.pending_events == []

    @invariant()
    def replay_gives_the_same_state(self) -> None:
        replayed = None
        for event in self.events:
            replayed = event.mutate(replayed)
        assert isinstance(replayed, Complaint)
        assert complaint_state(replayed) == complaint_state(self.complaint)

    @invariant()
    def deadlines_never_move_backwards(self) -> None:
        for kind, due in self.complaint.deadlines.items():
            previous = self.latest_deadlines.get(kind)
            assert previous is None or due >= previous, (kind, previous, due)
            self.latest_deadlines[kind] = due

    @invariant()
    def each_missed_deadline_is_recorded_once(self) -> None:
        missed = [
            (event.deadline, event.due)
            for event in self.events
            if isinstance(event, DEADLINE_MISSED)
        ]
        assert all(due <= self.now for _, due in missed)
        assert len(missed) == len(set(missed)), missed
        runs = Counter(kind for kind, _ in missed)
        assert all(runs[kind] <= 1 for kind in SINGLE_RUN_CLOCKS), missed


def test_complaint_lifecycle_invariants_hold_for_random_command_sequences(
    file_complaint: Callable[..., Complaint],
) -> None:
    # Its documentation accepts any factory of machines; its annotation names only a class.
    run_state_machine_as_test(
        lambda: ComplaintLifecycle(file_complaint),  # type: ignore[arg-type]
        settings=settings(
            max_examples=100,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
