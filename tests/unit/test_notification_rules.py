"""Who hears of which event: the pure mapping from a CloudEvent to intended notifications."""

from __future__ import annotations

from typing import Any

import pytest

from infra.settings import UnitContacts
from services.notifications.rules import (
    Audience,
    Channel,
    ComplaintFacts,
    Intent,
    Webhook,
    plan,
)

ALL_CHANNELS = frozenset(Channel)
FACTS = ComplaintFacts(
    tracking_number="ADU-7K3M9Q2X4B",
    status="verified",
    unit_id="disdukcapil",
    unit_name="Disdukcapil",
    email="siti@example.id",
    phone="081234567890",
)
DIRECTORY = {
    "disdukcapil": UnitContacts(
        officers=["budi@disdukcapil.go.id", "budi@disdukcapil.go.id", "ani@disdukcapil.go.id"],
        supervisors=["sari@inspektorat.go.id"],
    )
}
PUBLIC_CHANGES = {
    "Filed": "complaint_received",
    "Verified": "complaint_verified",
    "Forwarded": "complaint_forwarded",
    "Responded": "complaint_answered",
    "Resolved": "complaint_resolved",
    "Closed": "complaint_closed",
    "Reopened": "complaint_reopened",
    "InfoRequested": "complaint_info_requested",
    "Rejected": "complaint_rejected",
    "Withdrawn": "complaint_withdrawn",
}


def envelope(name: str, **data: Any) -> dict[str, Any]:
    return {"id": "e-1", "type": f"aduan.complaint.{name}", "subject": "c-1", "data": data}


def to_complainant(intents: list[Intent]) -> list[tuple[Channel, str, str]]:
    return [
        (i.channel, i.recipient, i.template) for i in intents if i.audience is Audience.COMPLAINANT
    ]


@pytest.mark.parametrize(("name", "template"), PUBLIC_CHANGES.items())
def test_the_complainant_hears_of_every_public_status_change_by_email_and_sms(
    name: str, template: str
) -> None:
    intents = plan(envelope(name), FACTS, {}, [], ALL_CHANNELS, "id")

    assert to_complainant(intents) == [
        (Channel.EMAIL, "complainant", template),
        (Channel.SMS, "complainant", template),
    ]
    assert {i.address for i in intents} == {"siti@example.id", "081234567890"}


@pytest.mark.parametrize("name", ["Supplemented", "FeedbackGiven", "DeadlineMissed"])
def test_events_that_are_no_public_status_change_send_the_complainant_nothing(name: str) -> None:
    assert to_complainant(plan(envelope(name), FACTS, DIRECTORY, [], ALL_CHANNELS, "id")) == []


def test_a_complainant_without_contacts_gets_no_email_and_no_sms() -> None:
    anonymous = ComplaintFacts("ADU-7K3M9Q2X4B", "submitted", "disdukcapil", "D", None, None)
    assert plan(envelope("Filed"), anonymous, DIRECTORY, [], ALL_CHANNELS, "id") == []


def test_only_configured_channels_are_planned() -> None:
    intents = plan(envelope("Verified"), FACTS, {}, [], {Channel.WEBHOOK, Channel.SMS}, "en")
    assert [(i.channel, i.language) for i in intents] == [(Channel.SMS, "en")]


def test_the_officers_of_the_receiving_unit_hear_of_a_routing_each_once() -> None:
    intents = plan(envelope("Forwarded", unit_id="disdukcapil"), FACTS, DIRECTORY, [],
                   ALL_CHANNELS, "id")  # fmt: skip
    officers = [(i.recipient, i.channel, i.template) for i in intents if i.audience == "officer"]
    assert officers == [
        ("budi@disdukcapil.go.id", Channel.EMAIL, "unit_routed"),
        ("ani@disdukcapil.go.id", Channel.EMAIL, "unit_routed"),
    ]


def test_the_supervisors_hear_of_a_missed_deadline_and_nobody_else_does() -> None:
    intents = plan(envelope("DeadlineMissed", deadline="verify"), FACTS, DIRECTORY, [],
                   ALL_CHANNELS, "id")  # fmt: skip
    assert [(i.audience, i.recipient, i.template) for i in intents] == [
        (Audience.SUPERVISOR, "sari@inspektorat.go.id", "deadline_missed")
    ]


def test_a_unit_missing_from_the_directory_means_no_staff_mail() -> None:
    other = ComplaintFacts("ADU-7K3M9Q2X4B", "forwarded", "rsud", "RSUD", None, None)
    assert plan(envelope("Forwarded"), other, DIRECTORY, [], ALL_CHANNELS, "id") == []


def test_webhooks_get_the_event_types_they_asked_for_within_their_unit() -> None:
    hooks = [
        Webhook("all", "http://a", ("aduan.complaint.*",), None, "s"),
        Webhook("resolved", "http://b", ("aduan.complaint.Resolved",), None, "s"),
        Webhook("rsud", "http://c", ("*",), "rsud", "s"),
        Webhook("mine", "http://d", ("aduan.*",), "disdukcapil", "s"),
    ]
    intents = plan(envelope("Verified"), FACTS, {}, hooks, {Channel.WEBHOOK}, "id")
    assert [(i.recipient, i.channel, i.template) for i in intents] == [
        ("webhook:all", Channel.WEBHOOK, "cloudevent"),
        ("webhook:mine", Channel.WEBHOOK, "cloudevent"),
    ]


def test_a_webhook_s_unit_filter_reads_the_unit_of_other_aggregates_from_their_data() -> None:
    hooks = [Webhook("units", "http://a", ("aduan.unit.*",), "rsud", "s")]
    registered = {"id": "e-2", "type": "aduan.unit.Registered", "data": {"unit_id": "rsud"}}
    intents = plan(registered, None, {}, hooks, ALL_CHANNELS, "id")
    assert [i.recipient for i in intents] == ["webhook:units"]


def test_no_delivery_key_carries_the_complainant_s_contact() -> None:
    intents = plan(envelope("Forwarded"), FACTS, DIRECTORY, [], ALL_CHANNELS, "id")
    recipients = {i.recipient for i in intents}
    assert not recipients & {"siti@example.id", "081234567890"}
