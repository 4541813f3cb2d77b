"""Ledger events as CloudEvents 1.0 Kafka messages, and what never leaves the ledger.

Structured content mode: the message value is the JSON envelope; its id and type are also
in the Kafka binding's ``ce_id`` and ``ce_type`` headers, and the key is the aggregate id
(the complaint id for complaint events), so one aggregate's events stay in one partition,
in order.

Privacy rule: the complainant's identity and contacts (``Complainant``), the access-token
hash, survey respondents' profiles and the purpose staff state for reading personal data are
never published. For a confidential complaint the free text of every one of its events
(title, description, location, questions, answers, notes...) is withheld too and the event's
data names what was withheld in ``withheld``. Consumers that need any of it ask the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.complaint import Complaint
from domain.erasure import PersonalDataErasure
from domain.personal_data import PersonalDataRead
from domain.promise import ImprovementPromise
from domain.survey import RespondentProfile, SurveyResponse
from domain.tracking import TrackingIndex
from domain.unit import ServiceUnit, UnitDirectory
from domain.values import Complainant, SealedComplainant

SPEC_VERSION = "1.0"
STRUCTURED_CONTENT_TYPE = b"application/cloudevents+json; charset=UTF-8"
DATA_CONTENT_TYPE = "application/json"
EVENT_ID_NAMESPACE = uuid5(NAMESPACE_URL, "aduan:event")
SEQUENCE_DIGITS = 20  # zero-padded, so comparing sequences as strings orders them

# The ``type`` of an aggregate's events: aduan.<family>.<event class name>.
FAMILY_OF_AGGREGATE: dict[type[Aggregate], str] = {
    Complaint: "complaint",
    ServiceUnit: "unit",
    UnitDirectory: "unit_directory",
    TrackingIndex: "tracking",
    SurveyResponse: "survey_response",
    ImprovementPromise: "promise",
    PersonalDataRead: "personal_data_read",
    PersonalDataErasure: "erasure",
}
FAMILIES: dict[str, str] = {
    aggregate.__qualname__: family for aggregate, family in FAMILY_OF_AGGREGATE.items()
}
# The library's own fields: the envelope's id, subject and time say what they say.
LIBRARY_FIELDS = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp"})
# A staff member's stated purpose for reading personal data is free text: it stays in the
# ledger (and the audit view) in case it names the person it is about.
NEVER_PUBLISHED = frozenset({"complainant", "access_token_hash", "profile", "purpose"})
# Not published under any field name:
PERSONAL_TYPES = (Complainant, SealedComplainant, RespondentProfile)
# Per complaint event: the free text withheld when the complaint is confidential.
CONFIDENTIAL_TEXT: dict[str, tuple[str, ...]] = {
    "Filed": ("title", "description", "location"),
    "Rejected": ("note",),
    "InfoRequested": ("questions",),
    "Supplemented": ("information",),
    "Forwarded": ("note",),
    "Responded": ("message",),
    "Resolved": ("resolution",),
    "FeedbackGiven": ("comment",),
    "Reopened": ("reason",),
    "Closed": ("note",),
    "Withdrawn": ("note",),
}


class UnpublishableEventError(Exception):
    """An event of an aggregate with no publishing rule: it is not sent (and the relay stops
    before it) until the aggregate is added to ``FAMILIES`` and given schemas."""


@dataclass(frozen=True)
class KafkaMessage:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def event_id(originator_id: UUID, originator_version: int) -> UUID:
    """Stable across re-publishing, so consumers can drop the copies they already have."""
    return uuid5(EVENT_ID_NAMESPACE, f"{originator_id}:{originator_version}")


def event_type_of_class(event_class: type) -> str:
    aggregate, _, name = event_class.__qualname__.rpartition(".")
    family = FAMILIES.get(aggregate)
    if family is None:
        raise UnpublishableEventError(
            f"No publishing rule for {event_class.__qualname__}; add its aggregate to "
            "infra/cloudevents.py FAMILIES and its schemas to schemas/events/."
        )
    return f"aduan.{family}.{name}"


def published_event_classes() -> list[type[Any]]:
    """Every event class of every aggregate with a publishing rule, i.e. every event the
    log can hold."""
    return [
        event_class
        for aggregate in FAMILY_OF_AGGREGATE
        for name, event_class in vars(aggregate).items()
        if isinstance(event_class, type)
        and issubclass(event_class, aggregate.Event)
        and name not in ("Event", "Created")  # the library's base classes
    ]


def is_complaint_event_class(event_class: type) -> bool:
    return event_class.__qualname__.startswith(f"{Complaint.__qualname__}.")
