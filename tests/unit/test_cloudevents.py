"""Ledger events as CloudEvents: ids, types, the privacy rule, and the schemas in the repo."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import orjson
import pytest
from eventsourcing.domain import Aggregate
from jsonschema import Draft202012Validator, ValidationError

import domain
from domain.calendar import WorkingCalendar
from domain.personal_data import PersonalDataRead
from domain.survey import RespondentProfile, SurveyResponse
from domain.values import Actor, Complainant, Location, RejectReason, Role
from infra.cloudevents import KafkaMessage, UnpublishableEventError, event_id, event_type_of_class
from infra.event_store import TRANSCODER_TOPIC
from infra.stored_cloudevents import StoredEvent, stored_message
from services.ledger import ComplaintLedger
from tests.unit.conftest import FileComplaint

AT = datetime(2026, 11, 23, 3, tzinfo=UTC)
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
SITI = Complainant(
    "Siti Aminah", "3201234567890123", "081234567890", "siti@contoh.id", "Jl. Mawar 1"
)


def domain_event_classes() -> list[type[Any]]:
    """Every event class of every aggregate in the domain package."""
    found: list[type[Any]] = []
    for module_info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"domain.{module_info.name}")
        for aggregate in vars(module).values():
            if inspect.isclass(aggregate) and issubclass(aggregate, Aggregate):
                if aggregate.__module__ != module.__name__:
                    continue
                found.extend(
                    cls
                    for name, cls in vars(aggregate).items()
                    if inspect.isclass(cls) and name not in ("Event", "Created")
                    and issubclass(cls, aggregate.Event)
                )  # fmt: skip
    return found


def to_message(event: Any, position: int, source: str, confidential: bool) -> KafkaMessage:
    """The message the relay makes of ``event`` once it is stored (in memory here)."""
    ledger = ComplaintLedger({"TRANSCODER_TOPIC": TRANSCODER_TOPIC}, WorkingCalendar(), _never)
    stored = StoredEvent(ledger.mapper.to_stored_event(event), ledger.mapper)
    return stored_message(stored, position, source, confidential)


def _never() -> datetime:
    raise AssertionError("turning an event into a message reads no clock")


def published(event: Any, confidential: bool = False) -> dict[str, Any]:
    """The CloudEvent as a consumer decodes it from the message."""
    decoded: dict[str, Any] = orjson.loads(to_message(event, 1, "urn:test", confidential).value)
    return decoded


def data_schema(event_type_name: str) -> Draft202012Validator:
    path = SCHEMAS / "events" / f"{event_type_name}.json"
    return Draft202012Validator(json.loads(path.read_text()))


def test_every_domain_event_has_a_type_and_a_schema_and_every_schema_an_event() -> None:
    types = {event_type_of_class(cls) for cls in domain_event_classes()}
    assert len(types) == len(domain_event_classes()) >= 25
    assert types == {path.stem for path in (SCHEMAS / "events").glob("*.json")}


def test_event_ids_are_stable_and_differ_per_version() -> None:
    complaint_id = uuid4()
    assert event_id(complaint_id, 3) == event_id(complaint_id, 3)
    assert event_id(complaint_id, 3) != event_id(complaint_id, 4)


def test_the_complainant_and_the_access_token_hash_never_go_out(
    file_complaint: FileComplaint,
) -> None:
    complaint = file_complaint(at=AT, complainant=SITI, access_token_hash="secret-hash")
    (filed,) = complaint.collect_events()

    message = to_message(filed, 7, "urn:test", confidential=False)

    for value in (*vars(SITI).values(), "secret-hash"):
        assert value.encode() not in message.value
    data_schema("aduan.complaint.Filed").validate(orjson.loads(message.value)["data"])


def test_a_confidential_complaint_s_text_stays_in_the_ledger(
    file_complaint: FileComplaint,
) -> None:
    complaint = file_complaint(at=AT, confidential=True, location=Location("Jl. Rahasia 9"))
    complaint.verify(Actor("rina", Role.COORDINATOR), AT)
    complaint.reject(Actor("rina", Role.COORDINATOR), AT, RejectReason.SPAM, note="catatan rahasia")
    filed, _verified, rejected = complaint.collect_events()

    filed_data = published(filed)["data"]
    rejected_data = published(rejected, confidential=True)["data"]

    assert filed_data["withheld"] == ["description", "location", "title"]
    assert not {"title", "description", "location"} & set(filed_data)
    assert rejected_data["withheld"] == ["note"] and "note" not in rejected_data
    data_schema("aduan.complaint.Filed").validate(filed_data)


def test_a_survey_respondent_s_profile_stays_in_the_ledger() -> None:
    profile = RespondentProfile("25-34", "P", "S1", "wiraswasta", "pengaduan")
    response = SurveyResponse.record(
        id=uuid4(), unit_id="rsud", element_set="permenpanrb-14-2017",
        scores=[3] * 9, profile=profile, at=AT,
    )  # fmt: skip
    (recorded,) = response.collect_events()

    cloud_event = published(recorded)

    assert cloud_event["type"] == "aduan.survey_response.Recorded"
    assert set(cloud_event["data"]) == {"unit_id", "element_set", "scores", "at"}


def test_a_read_of_personal_data_goes_out_without_the_purpose_staff_stated() -> None:
    complaint_id = uuid4()
    read = PersonalDataRead.record(
        id=uuid4(), complaint_id=complaint_id, unit_id="rsud",
        actor=Actor("budi", Role.OFFICER), at=AT, view="history",
        fields=["name", "phone"], purpose="Menelepon Siti Aminah di 081234567890",
    )  # fmt: skip
    (recorded,) = read.collect_events()

    message = to_message(recorded, 9, "urn:test", confidential=False)
    cloud_event = orjson.loads(message.value)

    assert cloud_event["type"] == "aduan.personal_data_read.Recorded"
    assert cloud_event["data"]["complaint_id"] == str(complaint_id)
    assert b"Siti" not in message.value and b"081234567890" not in message.value
    assert "purpose" not in cloud_event["data"]
    schema = data_schema("aduan.personal_data_read.Recorded")
    schema.validate(cloud_event["data"])
    with pytest.raises(ValidationError):
        schema.validate({**cloud_event["data"], "purpose": "Menelepon Siti Aminah"})


def test_the_schemas_refuse_personal_data_and_withheld_text_that_is_present(
    file_complaint: FileComplaint,
) -> None:
    (filed,) = file_complaint(at=AT, confidential=True).collect_events()
    data = published(filed)["data"]
    schema = data_schema("aduan.complaint.Filed")

    with pytest.raises(ValidationError):
        schema.validate({**data, "complainant": {"name": "Siti Aminah"}})
    with pytest.raises(ValidationError):
        schema.validate({**data, "title": "Judul rahasia"})


def test_the_envelope_names_the_event_and_its_place_in_the_log(
    file_complaint: FileComplaint,
) -> None:
    complaint = file_complaint(at=AT)
    (filed,) = complaint.collect_events()

    message = to_message(filed, 42, "urn:aduan:test", confidential=False)
    cloud_event = orjson.loads(message.value)

    assert cloud_event["id"] == str(event_id(complaint.id, 1))
    assert cloud_event["type"] == "aduan.complaint.Filed"
    assert cloud_event["subject"] == str(complaint.id) == message.key.decode()
    assert cloud_event["sequence"] == "00000000000000000042"
    assert cloud_event["time"] == AT.isoformat()
    assert (cloud_event["specversion"], cloud_event["source"]) == ("1.0", "urn:aduan:test")
    assert dict(message.headers) == {
        "ce_id": cloud_event["id"].encode(),
        "ce_type": b"aduan.complaint.Filed",
        "content-type": b"application/cloudevents+json; charset=UTF-8",
    }


def test_an_event_of_an_aggregate_without_a_publishing_rule_is_refused() -> None:
    class Unreviewed(Aggregate):
        pass

    with pytest.raises(UnpublishableEventError, match="FAMILIES"):
        event_type_of_class(Unreviewed.Created)
