"""The notification texts, exactly: Indonesian by default, English available."""

from __future__ import annotations

import pytest

from services.notifications.rules import (
    COMPLAINANT_TEMPLATES,
    OFFICER_TEMPLATES,
    SUPERVISOR_TEMPLATES,
    ComplaintFacts,
)
from services.notifications.templates import LANGUAGES, context, local_time, render

FACTS = ComplaintFacts(
    tracking_number="ADU-7K3M9Q2X4B",
    status="submitted",
    unit_id="disdukcapil",
    unit_name="Disdukcapil",
    email="siti@example.id",
    phone=None,
)
FILED_AT = "2026-11-23T03:00:00+00:00"  # 10:00 in Jakarta


def values(status: str = "submitted", language: str = "id", **data: str) -> dict[str, str]:
    facts = ComplaintFacts(**{**vars(FACTS), "status": status})
    return context({"time": FILED_AT, "data": data}, facts, language)


def test_the_received_mail_in_indonesian() -> None:
    text = render("complaint_received", "id", values())

    assert text.subject == "[ADU-7K3M9Q2X4B] Pengaduan Anda telah diterima"
    assert text.sms == "Aduan ADU-7K3M9Q2X4B diterima oleh Disdukcapil. Status: diajukan."
    assert text.body == (
        "Yth. Pengadu,\n"
        "\n"
        "Pengaduan Anda kepada Disdukcapil telah kami terima pada 23-11-2026 10:00 WIB.\n"
        "Nomor pelacakan: ADU-7K3M9Q2X4B\n"
        "Status: diajukan\n"
        "\n"
        "Simpan nomor pelacakan ini untuk mengikuti perkembangan pengaduan Anda.\n"
        "\n"
        "Pesan ini dikirim otomatis oleh Aduan Ledger; mohon tidak membalas.\n"
    )


def test_the_received_mail_in_english() -> None:
    text = render("complaint_received", "en", values(language="en"))

    assert text.subject == "[ADU-7K3M9Q2X4B] Your complaint has been received"
    assert text.sms == "Complaint ADU-7K3M9Q2X4B received by Disdukcapil. Status: submitted."
    assert text.body == (
        "Dear complainant,\n"
        "\n"
        "Your complaint to Disdukcapil was received on 23-11-2026 10:00 WIB.\n"
        "Tracking number: ADU-7K3M9Q2X4B\n"
        "Status: submitted\n"
        "\n"
        "Keep this tracking number to follow your complaint.\n"
        "\n"
        "This message was sent automatically by Aduan Ledger; please do not reply.\n"
    )


def test_an_information_request_gives_the_date_it_is_due() -> None:
    text = render(
        "complaint_info_requested",
        "id",
        values("info_requested", info_due="2026-12-23T16:59:59+00:00"),
    )
    assert text.sms == (
        "Aduan ADU-7K3M9Q2X4B: mohon lengkapi informasi sebelum 23-12-2026 23:59 WIB. "
        "Status: menunggu informasi tambahan."
    )


def test_a_rejection_names_its_reason() -> None:
    text = render("complaint_rejected", "en", values("rejected", "en", reason="not_our_authority"))
    assert "We cannot process your complaint any further. Reason: not our authority." in text.body
    assert text.body.count("Status: rejected") == 1


def test_the_supervisors_mail_of_a_missed_deadline() -> None:
    text = render(
        "deadline_missed",
        "id",
        values("verified", deadline="first_response", due="2026-11-30T16:59:59+00:00"),
    )
    assert text.subject == "[ADU-7K3M9Q2X4B] Tenggat tanggapan pertama terlewati"
    assert text.body == (
        "Yth. Pengawas Disdukcapil,\n"
        "\n"
        "Tenggat tanggapan pertama untuk pengaduan ADU-7K3M9Q2X4B telah terlewati "
        "(batas: 30-11-2026 23:59 WIB).\n"
        "Nomor pelacakan: ADU-7K3M9Q2X4B\n"
        "Status: terverifikasi\n"
        "\n"
        "Keterlambatan adalah penundaan berlarut; mohon segera ditindaklanjuti.\n"
        "\n"
        "Pesan ini dikirim otomatis oleh Aduan Ledger; mohon tidak membalas.\n"
    )


def test_the_officers_mail_of_a_routing_in_english() -> None:
    text = render(
        "unit_routed",
        "en",
        values("forwarded", "en", first_response_due="2026-11-30T16:59:59+00:00"),
    )
    assert text.subject == "[ADU-7K3M9Q2X4B] New complaint for Disdukcapil"
    assert "Status: forwarded to the service unit\n" in text.body
    assert "First response due: 30-11-2026 23:59 WIB\n" in text.body


ALL_TEMPLATES = sorted(
    {*COMPLAINANT_TEMPLATES.values(), *OFFICER_TEMPLATES.values(), *SUPERVISOR_TEMPLATES.values()}
)
EVERY_VALUE = {
    "info_due": "2026-12-01T00:00:00+00:00",
    "feedback_due": "2026-12-01T00:00:00+00:00",
    "first_response_due": "2026-12-01T00:00:00+00:00",
    "due": "2026-12-01T00:00:00+00:00",
    "deadline": "answer",
    "reason": "spam",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", ALL_TEMPLATES)
def test_every_text_carries_the_tracking_number_and_the_status(
    template: str, language: str
) -> None:
    text = render(template, language, values("resolved", language, **EVERY_VALUE))
    status = "selesai ditangani" if language == "id" else "resolved"
    for part in (text.subject, text.body):
        assert "ADU-7K3M9Q2X4B" in part
    assert f"Status: {status}" in text.body
    assert "$" not in text.subject + text.sms + text.body


def test_a_value_the_text_needs_but_the_event_lacks_is_an_error() -> None:
    with pytest.raises(KeyError):
        render("complaint_resolved", "id", values("resolved"))


def test_times_are_shown_as_read_in_jakarta() -> None:
    assert local_time("2026-11-23T17:30:00Z") == "24-11-2026 00:30 WIB"
