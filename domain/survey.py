"""A satisfaction-survey response (SKM): one respondent's scores for one unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.skm import ELEMENT_SETS, check_scores


@dataclass(frozen=True)
class RespondentProfile:
    """Who answered, in the survey's coarse bands: never a name or a contact."""

    age_band: str | None = None
    sex: str | None = None
    education: str | None = None
    occupation: str | None = None
    service_used: str | None = None


class SurveyResponse(Aggregate):
    @event("Recorded")
    def __init__(
        self,
        *,
        id: UUID,
        unit_id: str,
        element_set: str,
        scores: list[int],
        profile: RespondentProfile,
        at: datetime,
    ) -> None:
        self.unit_id = unit_id
        self.element_set = element_set
        self.scores = scores
        self.profile = profile
        self.at = at

    @classmethod
    def record(
        cls,
        *,
        id: UUID,
        unit_id: str,
        element_set: str,
        scores: list[int],
        profile: RespondentProfile,
        at: datetime,
    ) -> SurveyResponse:
        if element_set not in ELEMENT_SETS:
            raise RuleViolationError(f"No element set {element_set}.", field="element_set")
        check_scores(ELEMENT_SETS[element_set], scores)
        return cls(
            id=id,
            unit_id=unit_id,
            element_set=element_set,
            scores=list(scores),
            profile=profile,
            at=at,
        )
