"""Notification texts: ``templates/<language>/<name>.txt`` files read with
``string.Template``. Each file starts with a ``subject:`` line and an ``sms:`` line, then a
blank line and the e-mail body; every body ends with the language's ``footer.txt``.

The texts carry the tracking number, the status and the dates a reader needs, never a
complaint's free text or anyone's personal data: the complainant reads the details in the
ledger with the access token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.rules import ComplaintFacts

LANGUAGES = ("id", "en")
JAKARTA = ZoneInfo("Asia/Jakarta")
LABELS: dict[str, dict[str, dict[str, str]]] = {
    "id": {
        "status": {
            "submitted": "diajukan", "info_requested": "menunggu informasi tambahan",
            "verified": "terverifikasi", "forwarded": "diteruskan ke unit layanan",
            "in_progress": "dalam tindak lanjut", "resolved": "selesai ditangani",
            "closed": "ditutup", "rejected": "ditolak", "withdrawn": "dicabut",
        },
        "deadline": {
            "verify": "verifikasi", "first_response": "tanggapan pertama",
            "answer": "jawaban tertulis", "resolution": "penyelesaian",
        },
        "reason": {
            "out_of_scope": "di luar cakupan layanan publik", "unclear": "kurang jelas",
            "duplicate": "sama dengan pengaduan lain", "spam": "spam",
            "not_our_authority": "bukan kewenangan kami",
        },
    },
    "en": {
        "status": {
            "submitted": "submitted", "info_requested": "waiting for more information",
            "verified": "verified", "forwarded": "forwarded to the service unit",
            "in_progress": "in progress", "resolved": "resolved", "closed": "closed",
            "rejected": "rejected", "withdrawn": "withdrawn",
        },
        "deadline": {
            "verify": "verification", "first_response": "first response",
            "answer": "written answer", "resolution": "resolution",
        },
        "reason": {
            "out_of_scope": "out of scope", "unclear": "unclear",
            "duplicate": "a duplicate of another complaint", "spam": "spam",
            "not_our_authority": "not our authority",
        },
    },
}  # fmt: skip
_TIMES = ("at", "info_due", "feedback_due", "first_response_due", "due")


@dataclass(frozen=True)
class Text:
    subject: str
    sms: str
    body: str


@dataclass(frozen=True)
class _Source:
    subject: Template
    sms: Template
    body: Template


def render(template: str, language: str, values: Mapping[str, str]) -> Text:
    """The texts of ``template``; a value it names that is missing raises KeyError."""
    source = _load(template, language)
    footer = _footer(language)
    body = source.body.substitute(values).strip()
    return Text(
        subject=source.subject.substitute(values),
        sms=source.sms.substitute(values),
        body=f"{body}\n\n{footer}\n",
    )


def context(envelope: Mapping[str, Any], facts: ComplaintFacts, language: str) -> dict[str, str]:
    """The values a complaint notification's template may use, formatted for ``language``."""
    labels = LABELS[language]
    data: Mapping[str, Any] = envelope.get("data") or {}
    values = {
        "tracking_number": facts.tracking_number,
        "status": labels["status"].get(facts.status, facts.status),
        "unit": facts.unit_name,
        "at": local_time(str(envelope["time"])),
    }
    for name in _TIMES[1:]:
        if data.get(name):
            values[name] = local_time(str(data[name]))
    for name in ("deadline", "reason"):
        if data.get(name):
            values[name] = labels[name].get(str(data[name]), str(data[name]))
    return values


def local_time(iso: str) -> str:
    """An ISO time as read in Jakarta: ``23-11-2026 10:00 WIB``."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(JAKARTA)
    return moment.strftime("%d-%m-%Y %H:%M WIB")


@cache
def _load(template: str, language: str) -> _Source:
    head, _, body = _read(language, f"{template}.txt").partition("\n\n")
    lines = dict(line.split(": ", 1) for line in head.splitlines())
    return _Source(Template(lines["subject"]), Template(lines["sms"]), Template(body))


@cache
def _footer(language: str) -> str:
    return _read(language, "footer.txt").strip()


def _read(language: str, name: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"No notification texts in {language!r}; there are: {LANGUAGES}.")
    folder = resources.files("services.notifications") / "templates" / language
    return (folder / name).read_text(encoding="utf-8")
