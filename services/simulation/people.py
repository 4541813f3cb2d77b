"""Who acts in the simulation, and when staff are at work."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from domain.calendar import JAKARTA, WorkingCalendar
from domain.values import Actor, Role
from services.filing import ComplainantIn
from services.principals import Staff
from services.simulation.catalogue import FAMILY_NAMES, GIVEN_NAMES

ADMIN = Actor(id="simulasi", role=Role.ADMIN)
COORDINATOR = Staff("koordinator-upkp", Role.COORDINATOR)
AUDITOR = Staff("inspektorat-1", Role.AUDITOR)
OFFICE_OPENS, OFFICE_HOURS = time(8), 8


def officer(unit_id: str) -> Staff:
    return Staff(f"petugas-{unit_id}", Role.OFFICER, frozenset({unit_id}))


def unit_head(unit_id: str) -> Staff:
    return Staff(f"kepala-{unit_id}", Role.SUPERVISOR, frozenset({unit_id}))


def complainant(rng: random.Random) -> ComplainantIn:
    name = f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"
    nik = "".join(rng.choice("0123456789") for _ in range(16)) if rng.random() < 0.4 else None
    email = (
        f"{name.split()[0].lower()}{rng.randint(1, 999)}@mail.id" if rng.random() < 0.3 else None
    )
    phone = f"08{rng.randint(11, 99)}{rng.randint(10_000_000, 99_999_999)}"
    return ComplainantIn(name=name, nik=nik, phone=phone, email=email)


def at_the_office(calendar: WorkingCalendar, moment: datetime, rng: random.Random) -> datetime:
    """The first moment staff could act on something that arrived at ``moment``: office
    hours (08:00-16:00 in Jakarta) on a working day."""
    local = moment.astimezone(JAKARTA)
    day = local.date()
    opens = datetime.combine(day, OFFICE_OPENS, tzinfo=JAKARTA)
    closes = opens + timedelta(hours=OFFICE_HOURS)
    if calendar.is_working_day(day) and opens <= local < closes:
        return moment
    if local >= opens:
        day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    start = datetime.combine(day, OFFICE_OPENS, tzinfo=JAKARTA)
    return start + timedelta(minutes=rng.randint(0, 60 * OFFICE_HOURS - 1))
