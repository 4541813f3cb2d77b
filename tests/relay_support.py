"""A ledger history with every kind of event for the relay tests, the personal data and
confidential text in it (which must never reach Kafka), and running the relay once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.values import Complainant, RejectReason, ResolutionOutcome, Role
from infra.event_store import sqlite_path
from infra.settings import Settings
from services.commands import (
    Close,
    Command,
    Feedback,
    Forward,
    Reject,
    Reopen,
    RequestInfo,
    Resolve,
    Respond,
    Supplement,
    Verify,
    Withdraw,
)
from services.composition import build_relay, connect_publisher
from services.erasure import erase_personal_data
from services.filing import ComplainantIn, Filing, LocationIn
from services.ledger import ComplaintLedger
from services.personal_data_reads import Shown
from services.principals import ComplainantKey, Principal, Staff
from services.projection_host import ProjectionHost, open_view_store
from services.simulation.people import ADMIN
from services.simulation.scenario import Scenario, SimulatedClock, Simulation
from tests.support import domain_event

END = datetime(2026, 11, 20, 9, tzinfo=UTC)
COORDINATOR = Staff("koordinator-uji", Role.COORDINATOR)
OFFICER = Staff("petugas-uji", Role.OFFICER, frozenset({"disdukcapil"}))


@dataclass
class Sensitive:
    """Strings that must appear in no message: complainants' personal data, confidential
    complaints' text, access-token hashes."""

    strings: list[str] = field(default_factory=list)

    def text(self, label: str) -> str:
        value = f"{label} {uuid4().hex[:12]}"
        self.strings.append(value)
        return value


def simulated_ledger(
    store_url: str, make_ledger: Callable[..., ComplaintLedger]
) -> tuple[ComplaintLedger, SimulatedClock]:
    """A kabupaten's 90 days (every event type occurs in it) on the test's store."""
    scenario = Scenario(1, 60, 90, end=END)
    clock = SimulatedClock(scenario.start)
    ledger = make_ledger(clock)
    host = ProjectionHost(ledger, open_view_store(sqlite_path(store_url), store_url))
    try:
        Simulation(ledger, clock, host, scenario, "permenpanrb-14-2017").run()
    finally:
        host.stop()
    return ledger, clock


def add_sensitive_complaints(ledger: ComplaintLedger, sensitive: Sensitive) -> None:
    """A named complainant's open complaint, read by a coordinator with a purpose (which
    stays in the ledger too), confidential ones through every step that carries free text,
    and a complaint whose complainant's data was erased."""
    named_id, _ = _file(ledger, sensitive, confidential=False)
    ledger.get_complaint(named_id, COORDINATOR, Shown(sensitive.text("tujuan membaca")))
    complaint_id, key = _file(ledger, sensitive, confidential=True)
    fixed, explained = ResolutionOutcome.FIXED, ResolutionOutcome.EXPLAINED
    steps: list[tuple[Principal, Command]] = [
        (COORDINATOR, RequestInfo(questions=sensitive.text("pertanyaan rahasia"))),
        (key, Supplement(information=sensitive.text("keterangan rahasia"))),
        (COORDINATOR, Verify()),
        (COORDINATOR, Forward(unit_id="disdukcapil", note=sensitive.text("disposisi rahasia"))),
        (OFFICER, Respond(message=sensitive.text("tanggapan rahasia"))),
        (OFFICER, Resolve(resolution=sensitive.text("hasil rahasia"), outcome=fixed)),
        (key, Feedback(satisfied=False, rating=2, comment=sensitive.text("komentar rahasia"))),
        (key, Reopen(reason=sensitive.text("alasan rahasia"))),
        (OFFICER, Resolve(resolution=sensitive.text("hasil kedua"), outcome=explained)),
        (COORDINATOR, Close(note=sensitive.text("catatan penutupan rahasia"))),
    ]
    for principal, command in steps:
        ledger.perform(complaint_id, principal, command)
    rejected_id, _ = _file(ledger, sensitive, confidential=True)
    reject = Reject(reason=RejectReason.SPAM, note=sensitive.text("catatan penolakan rahasia"))
    ledger.perform(rejected_id, COORDINATOR, reject)
    withdrawn_id, withdrawn_key = _file(ledger, sensitive, confidential=True)
    withdraw = Withdraw(note=sensitive.text("catatan pencabutan rahasia"))
    ledger.perform(withdrawn_id, withdrawn_key, withdraw)
    erased_id, _ = _file(ledger, sensitive, confidential=False)
    ref = ledger.get_complaint(erased_id, COORDINATOR)["complainant_ref"]
    erase_personal_data(ledger, ref, ADMIN, "Permintaan pemohon")


def _file(
    ledger: ComplaintLedger, sensitive: Sensitive, confidential: bool
) -> tuple[UUID, ComplainantKey]:
    serial = uuid4().int
    complainant = ComplainantIn(
        name=sensitive.text("Wahyuningsih"),
        nik=f"{serial % 10**16:016d}",
        phone=f"0857{serial % 10**8:08d}",
        email=f"pengadu.{serial % 10**9}@contoh.id",
        address=sensitive.text("Jalan Melati Gang"),
    )
    sensitive.strings.extend([complainant.nik or "", complainant.phone or ""])
    sensitive.strings.append(complainant.email or "")
    title, description = "Keluhan layanan", "Pelayanan di loket sangat lambat sekali."
    location = None
    if confidential:
        title, description = sensitive.text("Judul rahasia"), sensitive.text("Uraian rahasia")
        location = LocationIn(address=sensitive.text("Lokasi rahasia"))
    filing = Filing(
        unit_id="disdukcapil",
        title=title,
        description=description,
        location=location,
        confidential=confidential,
        complainant=complainant,
    )
    receipt = ledger.file(filing, None)
    complaint = ledger.load_complaint(receipt["id"])
    sensitive.strings.append(complaint.access_token_hash)
    return receipt["id"], ComplainantKey(receipt["access_token"])


def relay_once(settings: Settings, ledger: ComplaintLedger) -> int:
    """Publish the backlog as `aduan relay --once` does; returns how many were sent."""
    assert settings.kafka_bootstrap is not None
    publisher = connect_publisher(settings, settings.kafka_bootstrap)
    try:
        return build_relay(settings, ledger).publish_backlog(publisher)
    finally:
        publisher.close()


def complainants_data(ledger: ComplaintLedger) -> list[str]:
    """Every name, NIK, phone, email and address complainants gave, read from the store
    and opened (the erased one is in ``Sensitive``)."""
    values: list[str] = []
    for notification in ledger.recorder.select_notifications(0, 1_000_000):
        if notification.topic.endswith("Complaint.Filed"):
            sealed = domain_event(ledger, notification).complainant
            complainant = ledger.personal_data.open(sealed)
            if isinstance(complainant, Complainant):
                values.extend(value for value in vars(complainant).values() if value)
    return values
