"""The record of a staff member shown a complainant's personal data: staff only, known
fields in one order, a purpose of a sensible length."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import RuleViolationError
from domain.personal_data import PersonalDataRead
from domain.values import Actor, Role
from tests.support import collect_events

AT = datetime(2026, 11, 23, 3, tzinfo=UTC)


def record(**changes: Any) -> PersonalDataRead:
    details: dict[str, Any] = {
        "id": uuid4(), "complaint_id": uuid4(), "unit_id": "disdukcapil",
        "actor": Actor("rina", Role.COORDINATOR), "at": AT, "view": "complaint",
        "fields": ["phone", "name"], "purpose": "  Klarifikasi  ",
    }  # fmt: skip
    details.update(changes)
    return PersonalDataRead.record(**details)


def test_a_read_is_one_event_naming_the_fields_in_a_fixed_order() -> None:
    read = record()

    (event,) = collect_events(read)

    assert type(event).__qualname__ == "PersonalDataRead.Recorded"
    assert (event.fields, event.purpose, event.view) == (
        ["name", "phone"],
        "Klarifikasi",
        "complaint",
    )
    assert (event.actor, event.at, event.unit_id) == (
        Actor("rina", Role.COORDINATOR),
        AT,
        "disdukcapil",
    )


@pytest.mark.parametrize("role", [Role.COMPLAINANT, Role.SYSTEM])
def test_only_staff_reads_are_recorded(role: Role) -> None:
    with pytest.raises(RuleViolationError, match="staff"):
        record(actor=Actor("x", role))


@pytest.mark.parametrize("fields", [[], ["name", "password"]])
def test_the_fields_must_be_personal_data_fields(fields: list[str]) -> None:
    with pytest.raises(RuleViolationError) as error:
        record(fields=fields)
    assert error.value.context == {"field": "fields"}


@pytest.mark.parametrize("purpose", ["", "   ", "x" * 201])
def test_a_purpose_is_1_to_200_characters(purpose: str) -> None:
    with pytest.raises(RuleViolationError) as error:
        record(purpose=purpose)
    assert error.value.context == {"field": "purpose"}
