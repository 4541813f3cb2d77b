"""The satisfaction survey (SKM): responses in, the published index out."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from domain.survey import RespondentProfile
from projections.skm import skm_report
from services.api.deps import AppSettings, Ledger, Projections
from services.api.error_docs import errors
from services.api.periods import check_period
from services.composition import skm_element_set

router = APIRouter(prefix="/v1/units", tags=["satisfaction survey"])
UnitId = Annotated[str, Path(min_length=1, max_length=63)]
Band = Annotated[str, Field(min_length=1, max_length=60)]


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    age_band: Band | None = None
    sex: Literal["laki-laki", "perempuan"] | None = None
    education: Band | None = None
    occupation: Band | None = None
    service_used: Band | None = None


class SurveyResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: list[Annotated[StrictInt, Field(ge=1, le=4)]] = Field(
        min_length=1,
        max_length=14,
        description="One score per element, in the element set's order: 1 very dissatisfied"
        " ... 4 very satisfied.",
    )
    profile: ProfileIn = Field(default_factory=ProfileIn)


class RecordedOut(BaseModel):
    id: UUID


class ElementOut(BaseModel):
    element: str
    average: float
    weight: float


class SkmOut(BaseModel):
    unit_id: str
    element_set: str
    responses: int
    required_sample: int | None
    sample_sufficient: bool | None
    elements: list[ElementOut]
    index: float | None
    converted_index: float | None
    grade: str | None
    grade_meaning: str | None


@router.post(
    "/{unit_id}/survey-responses",
    status_code=status.HTTP_201_CREATED,
    response_model=RecordedOut,
    summary="Record one survey response (public)",
    responses=errors(404),
)
def record_response(
    unit_id: UnitId, response: SurveyResponseIn, ledger: Ledger, settings: AppSettings
) -> dict[str, Any]:
    element_set = settings.skm_element_set
    profile = RespondentProfile(**response.profile.model_dump())
    return {"id": ledger.record_survey_response(unit_id, element_set, response.scores, profile)}


@router.get(
    "/{unit_id}/skm",
    response_model=SkmOut,
    summary="The unit's SKM for a period (public)",
    description="Responses dated in `[from, to)` (Asia/Jakarta). Per element the average "
    "score (NRR, to the nearest 4 decimals) and its weight (equal, unless "
    "ADUAN_SKM_WEIGHTS sets the unit's); index = sum of NRR x weight (1-4); converted index "
    "= index x 25 (25-100); grade on half-open bands: A from 88.31, B from 76.61, C from "
    "65.00, else D (PermenPANRB 14/2017; the 2004 element set: A from 81.26, B from 62.51, "
    "C from 43.76), computed on the exact value. The index is shown rounded down to 4 "
    "decimals and the converted index rounded down to 2, so the figure shown always lies in "
    "its grade's band (76.608... shows as 76.60, grade C). With `service_users`, the "
    "Krejcie-Morgan sample needed for that many users and whether the responses reach it.",
    responses=errors(404),
)
def get_skm(
    unit_id: UnitId,
    ledger: Ledger,
    projections: Projections,
    settings: AppSettings,
    period_from: Annotated[date, Query(alias="from")],
    period_to: Annotated[date, Query(alias="to")],
    service_users: Annotated[int | None, Query(ge=1, le=100_000_000)] = None,
) -> dict[str, Any]:
    check_period(period_from, period_to)
    ledger.get_unit(unit_id)
    element_set = skm_element_set(settings, unit_id)
    return skm_report(
        projections.store, unit_id, element_set, (period_from, period_to), service_users
    )
