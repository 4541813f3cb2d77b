"""Periods given as `from` and `to` query parameters, `[from, to)`."""

from __future__ import annotations

from datetime import date

from domain.errors import RuleViolationError


def check_period(period_from: date | None, period_to: date | None) -> None:
    """Refuse a period that does not run forward; a period open at one end always does."""
    if period_from is not None and period_to is not None and period_to <= period_from:
        raise RuleViolationError("`to` must be after `from`.", field="to")
