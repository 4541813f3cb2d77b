"""Service-level policy of a unit and the deadlines it gives a complaint."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class SlaPolicy:
    """Per-unit deadlines; the defaults are the table in the domain reference."""

    verify_working_days: int = 3
    first_response_working_days: int = 5
    answer_days: int = 14
    resolution_days: int = 60
    info_window_days: int = 30
    feedback_window_days: int = 10


class DeadlineKind(StrEnum):
    VERIFY = "verify"
    FIRST_RESPONSE = "first_response"
    ANSWER = "answer"
    RESOLUTION = "resolution"
    INFO = "info"
    FEEDBACK = "feedback"


STAFF_DEADLINES = frozenset(
    {
        DeadlineKind.VERIFY,
        DeadlineKind.FIRST_RESPONSE,
        DeadlineKind.ANSWER,
        DeadlineKind.RESOLUTION,
    }
)
"""Clocks the handling team owns: missing one is recorded as DeadlineMissed.

The info and feedback windows are the complainant's: when they lapse the complaint moves
(withdrawn, closed) instead.
"""
