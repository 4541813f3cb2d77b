"""Domain errors: one base class per family, each with structured context."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error the domain and the application services raise on purpose."""

    code = "domain_error"

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class NotFoundError(DomainError):
    code = "not_found"


class ForbiddenError(DomainError):
    code = "forbidden"


class InvalidTransitionError(DomainError):
    """The action is not one the current status allows."""

    code = "invalid_transition"

    def __init__(self, entity: str, status: str, action: str, allowed: list[str]) -> None:
        """``entity``: what the action is on, as the message names it (complaint, promise)."""
        allowed_text = ", ".join(allowed) if allowed else "none (final status)"
        super().__init__(
            f"Cannot {action} a {entity} that is {status}; allowed actions: {allowed_text}.",
            status=status,
            action=action,
            allowed_actions=allowed,
        )


class RuleViolationError(DomainError):
    """The action is allowed in this status but breaks a rule (a window, a reason...)."""

    code = "rule_violation"


class StaleVersionError(DomainError):
    """The client's If-Match version is not the current one."""

    code = "stale_version"


class ConcurrentUpdateError(DomainError):
    """Another request saved the same complaint first."""

    code = "concurrent_update"


class AlreadyExistsError(DomainError):
    code = "already_exists"
