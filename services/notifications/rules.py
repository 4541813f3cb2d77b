"""Who hears of an event, on which channel, with which template: a pure function of the
CloudEvent, the complaint's facts as of that event, the staff directory and the webhooks.

- The complainant, on every public status change, by e-mail and SMS when the filing left
  an address or a number (anonymous filings without contacts get nothing).
- The officers of the receiving unit when a complaint is routed to it.
- The supervisors of the complaint's unit when one of its deadlines is missed.
- Every webhook whose event types and unit filter match, with the CloudEvent itself.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from infra.settings import UnitContacts


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WEBHOOK = "webhook"


class Audience(StrEnum):
    COMPLAINANT = "complainant"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    WEBHOOK = "webhook"


COMPLAINT_EVENT_PREFIX = "aduan.complaint."
COMPLAINANT_TEMPLATES = {
    f"{COMPLAINT_EVENT_PREFIX}{name}": template
    for name, template in (
        ("Filed", "complaint_received"),
        ("Verified", "complaint_verified"),
        ("Forwarded", "complaint_forwarded"),
        ("Responded", "complaint_answered"),
        ("Resolved", "complaint_resolved"),
        ("Closed", "complaint_closed"),
        ("Reopened", "complaint_reopened"),
        ("InfoRequested", "complaint_info_requested"),
        ("Rejected", "complaint_rejected"),
        ("Withdrawn", "complaint_withdrawn"),
    )
}
OFFICER_TEMPLATES = {f"{COMPLAINT_EVENT_PREFIX}Forwarded": "unit_routed"}
SUPERVISOR_TEMPLATES = {f"{COMPLAINT_EVENT_PREFIX}DeadlineMissed": "deadline_missed"}
WEBHOOK_TEMPLATE = "cloudevent"


@dataclass(frozen=True)
class ComplaintFacts:
    """What the ledger knows of a complaint as of one of its events; the contacts never
    leave the notifier except to the complainant's own channels."""

    tracking_number: str
    status: str
    unit_id: str
    unit_name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    event_types: tuple[str, ...]
    unit_id: str | None
    secret: str

    def wants_type(self, event_type: str) -> bool:
        return any(type_matches(pattern, event_type) for pattern in self.event_types)

    def wants(self, event_type: str, unit_id: str | None) -> bool:
        return self.unit_id in (None, unit_id) and self.wants_type(event_type)


@dataclass(frozen=True)
class Intent:
    """One notification to send. ``recipient`` names it in the delivery records (the word
    ``complainant``, a staff address, ``webhook:<id>``): never the complainant's contact,
    which is only in ``address``."""

    audience: Audience
    recipient: str
    address: str
    channel: Channel
    template: str
    language: str


def type_matches(pattern: str, event_type: str) -> bool:
    """An exact type, or a prefix ending in ``*`` (``aduan.complaint.*``)."""
    if pattern.endswith("*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def is_complaint_event(envelope: Mapping[str, Any]) -> bool:
    return str(envelope.get("type", "")).startswith(COMPLAINT_EVENT_PREFIX)


_TO_PEOPLE = COMPLAINANT_TEMPLATES.keys() | OFFICER_TEMPLATES.keys() | SUPERVISOR_TEMPLATES.keys()


def needs_facts(event_type: str, channels: Collection[Channel]) -> bool:
    """Whether a person could hear of this event on these channels (webhooks with a unit
    filter need the complaint's facts too: the caller asks for them then)."""
    return event_type in _TO_PEOPLE and bool({Channel.EMAIL, Channel.SMS} & set(channels))


def plan(
    envelope: Mapping[str, Any],
    facts: ComplaintFacts | None,
    directory: Mapping[str, UnitContacts],
    webhooks: Sequence[Webhook],
    channels: Collection[Channel],
    language: str,
) -> list[Intent]:
    """Every notification ``envelope`` calls for, on the ``channels`` configured."""
    event_type = str(envelope["type"])
    intents: list[Intent] = []
    if facts is not None:
        intents += _to_complainant(event_type, facts, channels, language)
        intents += _to_staff(event_type, facts, directory, channels, language)
    unit_id = facts.unit_id if facts is not None else envelope.get("data", {}).get("unit_id")
    intents += [
        Intent(Audience.WEBHOOK, f"webhook:{hook.id}", hook.id, Channel.WEBHOOK,
               WEBHOOK_TEMPLATE, language)
        for hook in webhooks
        if hook.wants(event_type, unit_id)
    ]  # fmt: skip
    return intents


def _to_complainant(
    event_type: str, facts: ComplaintFacts, channels: Collection[Channel], language: str
) -> list[Intent]:
    template = COMPLAINANT_TEMPLATES.get(event_type)
    if template is None:
        return []
    contacts = ((Channel.EMAIL, facts.email), (Channel.SMS, facts.phone))
    return [
        Intent(Audience.COMPLAINANT, "complainant", address, channel, template, language)
        for channel, address in contacts
        if address and channel in channels
    ]


def _to_staff(
    event_type: str,
    facts: ComplaintFacts,
    directory: Mapping[str, UnitContacts],
    channels: Collection[Channel],
    language: str,
) -> list[Intent]:
    contacts = directory.get(facts.unit_id)
    if contacts is None or Channel.EMAIL not in channels:
        return []
    groups = (
        (Audience.OFFICER, OFFICER_TEMPLATES.get(event_type), contacts.officers),
        (Audience.SUPERVISOR, SUPERVISOR_TEMPLATES.get(event_type), contacts.supervisors),
    )
    return [
        Intent(audience, address, address, Channel.EMAIL, template, language)
        for audience, template, addresses in groups
        if template is not None
        for address in dict.fromkeys(addresses)  # each address once, in order
    ]
