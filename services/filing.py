"""What a complainant (or staff on their behalf) sends to file a complaint."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, model_validator

from domain.values import Channel, Complainant, Kind, Location
from services.text import Category, Readable

Name = Annotated[str, Field(min_length=1, max_length=200), Readable]


class LocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: Annotated[str, Field(min_length=1, max_length=500), Readable] | None = None
    latitude: Annotated[StrictFloat, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[StrictFloat, Field(ge=-180, le=180)] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together")
        if self.address is None and self.latitude is None:
            raise ValueError("give an address, or latitude and longitude, or both")
        return self

    def to_domain(self) -> Location:
        return Location(self.address, self.latitude, self.longitude)


class ComplainantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    nik: Annotated[str, Field(pattern=r"^[0-9]{16}$")] | None = Field(
        default=None, description="Nomor Induk Kependudukan: 16 digits."
    )
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{6,20}$")] | None = None
    email: (
        Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254), Readable]
        | None
    ) = None
    address: Annotated[str, Field(min_length=1, max_length=500), Readable] | None = None

    def to_domain(self) -> Complainant:
        return Complainant(self.name, self.nik, self.phone, self.email, self.address)


class Filing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: Annotated[str, Field(min_length=1, max_length=63)]
    title: Annotated[str, Field(min_length=3, max_length=200), Readable]
    description: Annotated[str, Field(min_length=10, max_length=20000), Readable]
    channel: Channel = Channel.WEB
    kind: Kind = Kind.PENGADUAN
    category: Category | None = None
    incident_date: date | None = None
    location: LocationIn | None = None
    anonymous: StrictBool = Field(
        default=False,
        description="The report may be public; the complainant's identity is hidden "
        "from everyone outside the complaint-handling team.",
    )
    confidential: StrictBool = Field(
        default=False, description="The report itself is not public at all."
    )
    complainant: ComplainantIn | None = Field(
        default=None,
        description="Personal data; leave out for a fully anonymous filing.",
    )
