"""Response bodies (request bodies are the commands and the filing)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from domain.values import (
    Channel,
    Complainant,
    Kind,
    Location,
    Maladministration,
    Role,
    Status,
)
from services.text import Readable


class ActorOut(BaseModel):
    id: str
    role: Role


class ComplaintOut(BaseModel):
    id: UUID
    tracking_number: str
    status: Status
    version: int
    unit_id: str
    title: str
    description: str
    channel: Channel
    kind: Kind
    category: str | None
    maladministration: Maladministration | None
    incident_date: date | None
    filed_after_limit: bool = Field(
        description="Filed more than 30 days after `incident_date` (dates in Asia/Jakarta), "
        "the time UU 25/2009 Ps 42 gives to complain. Such a complaint is accepted all the "
        "same; the coordinator decides whether to handle it or reject it."
    )
    location: Location | None
    anonymous: bool
    confidential: bool
    complainant: Complainant | None = Field(
        description="Absent when the filing had none, when the caller may not see it, or "
        "once it was erased."
    )
    complainant_hidden: bool
    complainant_erased: bool = Field(
        description="The complainant's personal data was erased (its key destroyed): it "
        "can no longer be read by anyone."
    )
    complainant_ref: str | None = Field(
        description="The reference of the complainant's sealed personal data, for "
        "`POST /v1/complainants/{ref}/erase`; shown to those who may see the complainant."
    )
    filed_at: datetime
    deadlines: dict[str, datetime] = Field(
        description="The clocks running now: verify, first_response, answer, resolution "
        "(the unit's), info, feedback (the complainant's)."
    )
    allowed_actions: list[str]
    reopen_count: int


class FiledComplaintOut(ComplaintOut):
    access_token: str = Field(
        description="Shown once. Send it as X-Access-Token to read and act on this complaint."
    )


class HistoryEventOut(BaseModel):
    version: int
    type: str
    at: datetime
    actor: ActorOut
    data: dict[str, Any]


class TimelineEntryOut(BaseModel):
    type: str
    at: datetime
    actor_role: Role


class TrackOut(BaseModel):
    tracking_number: str
    status: Status
    kind: Kind
    category: str | None
    unit_id: str
    title: str
    filed_at: datetime
    timeline: list[TimelineEntryOut]


Days = Annotated[StrictInt, Field(ge=1, le=365)]


class SlaPolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verify_working_days: Days = 3
    first_response_working_days: Days = 5
    answer_days: Days = 14
    resolution_days: Days = 60
    info_window_days: Days = 30
    feedback_window_days: Days = 10


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: Annotated[
        str,
        Field(
            pattern=r"^[a-z0-9][a-z0-9-]{1,62}$",
            description="2 to 63 lowercase letters, digits and hyphens, not starting with a "
            "hyphen, like dpmptsp-loket",
        ),
    ]
    name: Annotated[str, Field(min_length=2, max_length=200), Readable]
    parent_id: Annotated[str, Field(min_length=1, max_length=63)] | None = None
    sla: SlaPolicyIn = Field(default_factory=SlaPolicyIn)


class UnitOut(BaseModel):
    unit_id: str
    name: str
    parent_id: str | None
    sla: SlaPolicyIn
