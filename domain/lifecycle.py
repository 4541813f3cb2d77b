"""Which actions each status allows, and which roles may take each action."""

from __future__ import annotations

from domain.errors import ForbiddenError, InvalidTransitionError
from domain.values import Action, Role, Status

ALLOWED_ACTIONS: dict[Status, tuple[Action, ...]] = {
    Status.SUBMITTED: (Action.VERIFY, Action.REJECT, Action.REQUEST_INFO, Action.WITHDRAW),
    Status.INFO_REQUESTED: (Action.SUPPLEMENT, Action.WITHDRAW),
    Status.VERIFIED: (Action.FORWARD, Action.REJECT, Action.REQUEST_INFO, Action.WITHDRAW),
    Status.FORWARDED: (Action.RESPOND, Action.FORWARD, Action.REJECT),
    Status.IN_PROGRESS: (Action.RESPOND, Action.RESOLVE, Action.FORWARD),
    Status.RESOLVED: (Action.FEEDBACK, Action.REOPEN, Action.CLOSE),
    Status.CLOSED: (),
    Status.REJECTED: (),
    Status.WITHDRAWN: (),
}

ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.VERIFY: frozenset({Role.COORDINATOR}),
    Action.REJECT: frozenset({Role.COORDINATOR}),
    Action.REQUEST_INFO: frozenset({Role.COORDINATOR}),
    Action.SUPPLEMENT: frozenset({Role.COMPLAINANT}),
    # Officers re-route what is not their unit's authority; coordinators route.
    Action.FORWARD: frozenset({Role.COORDINATOR, Role.OFFICER}),
    Action.RESPOND: frozenset({Role.OFFICER}),
    Action.RESOLVE: frozenset({Role.OFFICER, Role.COORDINATOR}),
    Action.FEEDBACK: frozenset({Role.COMPLAINANT}),
    Action.REOPEN: frozenset({Role.COMPLAINANT}),
    Action.CLOSE: frozenset({Role.COMPLAINANT, Role.COORDINATOR}),
    Action.WITHDRAW: frozenset({Role.COMPLAINANT}),
}


def check_action(status: Status, action: Action, role: Role) -> None:
    """Raise unless ``role`` may take ``action`` on a complaint in ``status``."""
    if role not in ACTION_ROLES[action]:
        allowed_roles = sorted(ACTION_ROLES[action])
        raise ForbiddenError(
            f"A {role} may not {action} a complaint; this action is for: "
            f"{', '.join(allowed_roles)}.",
            action=str(action),
            role=str(role),
            allowed_roles=[str(r) for r in allowed_roles],
        )
    allowed = ALLOWED_ACTIONS[status]
    if action not in allowed:
        raise InvalidTransitionError(
            "complaint", str(status), str(action), [str(a) for a in allowed]
        )


def allowed_actions(status: Status) -> list[str]:
    return [str(action) for action in ALLOWED_ACTIONS[status]]
