"""The notifier on the ledger's own log (no Kafka), against a real SMTP server and real
HTTP receivers, on SQLite and PostgreSQL: who hears what, each delivery once, retries,
dead letters and signed webhooks."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import orjson
import pytest

from domain.values import RejectReason, ResolutionOutcome, Role
from infra.settings import Settings
from projections.store import ViewStore
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
from services.composition import build_log_follower, open_notification_store
from services.filing import ComplainantIn
from services.ledger import ComplaintLedger
from services.notifications.deliveries import Deliveries
from services.notifications.log_follower import POSITION_NAME, LogFollower
from services.notifications.webhooks import Webhooks
from services.principals import ComplainantKey, Principal, Staff
from tests.notify_support import (
    COMPLAINANT_MAIL,
    COMPLAINANT_PHONE,
    OFFICER_MAIL,
    SUPERVISOR_MAIL,
    WEBHOOK_SECRET,
    DiesWhileSending,
    HttpSink,
    SmtpSink,
    mail_text,
    notify_settings,
)
from tests.support import MutableClock, file_complaint

COORDINATOR = Staff("koordinator", Role.COORDINATOR)
OFFICER = Staff("petugas", Role.OFFICER, frozenset({"disdukcapil"}))
CONTACT = ComplainantIn(name="Siti Aminah", email=COMPLAINANT_MAIL, phone=COMPLAINANT_PHONE)


@pytest.fixture
def settings(store_url: str, smtp: SmtpSink, http: HttpSink) -> Settings:
    settings: Settings = notify_settings(store_url, smtp, http)
    return settings


def follower(settings: Settings, ledger: ComplaintLedger, store: ViewStore) -> LogFollower:
    return build_log_follower(settings, ledger, store)


def catch_up(settings: Settings, ledger: ComplaintLedger, store: ViewStore) -> Any:
    return follower(settings, ledger, store).catch_up(threading.Event())


def subjects_to(smtp: SmtpSink, address: str) -> list[str]:
    return [str(m["Subject"]) for m in smtp.messages if m["To"] == address]


def test_the_complainant_hears_of_every_public_status_change_once_by_email_and_sms(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink,
) -> None:  # fmt: skip
    filed = file_complaint(unit_ledger, complainant=CONTACT)
    key = ComplainantKey(filed["access_token"])
    steps: list[tuple[Principal, Command]] = [
        (COORDINATOR, RequestInfo(questions="Nomor antrean?")),
        (key, Supplement(information="Antrean 42.")),
        (COORDINATOR, Verify()),
        (COORDINATOR, Forward(unit_id="disdukcapil")),
        (OFFICER, Respond(message="Sedang dicetak.")),
        (OFFICER, Resolve(resolution="Sudah dicetak.", outcome=ResolutionOutcome.FIXED)),
        (key, Feedback(satisfied=False)),
        (key, Reopen(reason="Belum saya terima.")),
        (OFFICER, Resolve(resolution="Dikirim.", outcome=ResolutionOutcome.FIXED)),
        (COORDINATOR, Close()),
    ]
    for principal, command in steps:
        unit_ledger.perform(filed["id"], principal, command)

    catch_up(settings, unit_ledger, store)

    number = filed["tracking_number"]
    assert subjects_to(smtp, COMPLAINANT_MAIL) == [
        f"[{number}] {subject}"
        for subject in (
            "Pengaduan Anda telah diterima", "Mohon lengkapi informasi pengaduan Anda",
            "Pengaduan Anda telah diverifikasi", "Pengaduan Anda diteruskan ke Disdukcapil",
            "Pengaduan Anda telah ditanggapi", "Pengaduan Anda telah diselesaikan",
            "Pengaduan Anda dibuka kembali", "Pengaduan Anda telah diselesaikan",
            "Pengaduan Anda telah ditutup",
        )
    ]  # fmt: skip
    sms = [call.json for call in http.accepted("/sms")]
    assert [m["to"] for m in sms] == [COMPLAINANT_PHONE] * 9
    assert sms[-1]["message"] == f"Aduan {number} telah ditutup. Status: ditutup."


def test_a_rejected_and_a_withdrawn_complaint_are_told_so(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink
) -> None:
    rejected = file_complaint(unit_ledger, complainant=CONTACT)
    unit_ledger.perform(rejected["id"], COORDINATOR, Reject(reason=RejectReason.SPAM))
    withdrawn = file_complaint(unit_ledger, complainant=CONTACT)
    unit_ledger.perform(withdrawn["id"], ComplainantKey(withdrawn["access_token"]), Withdraw())

    catch_up(settings, unit_ledger, store)

    subjects = [str(m["Subject"]) for m in smtp.messages]
    assert subjects[1] == f"[{rejected['tracking_number']}] Pengaduan Anda tidak dapat diproses"
    assert "Alasan: spam.\n" in mail_text(smtp.messages[1])
    assert subjects[3] == f"[{withdrawn['tracking_number']}] Pengaduan Anda telah dicabut"


def test_the_officers_hear_of_a_routing_and_the_supervisors_of_a_missed_deadline(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    clock: MutableClock,
) -> None:  # fmt: skip
    filed = file_complaint(unit_ledger, complainant=CONTACT)
    unit_ledger.perform(filed["id"], COORDINATOR, Verify())
    unit_ledger.perform(filed["id"], COORDINATOR, Forward(unit_id="disdukcapil"))
    clock.advance(timedelta(days=10))
    unit_ledger.apply_time(filed["id"], clock.now())  # the first response is late

    catch_up(settings, unit_ledger, store)

    number = filed["tracking_number"]
    assert subjects_to(smtp, OFFICER_MAIL) == [f"[{number}] Pengaduan baru untuk Disdukcapil"]
    assert subjects_to(smtp, SUPERVISOR_MAIL) == [f"[{number}] Tenggat tanggapan pertama terlewati"]
    (late,) = [m for m in smtp.messages if m["To"] == SUPERVISOR_MAIL]
    assert "Yth. Pengawas Disdukcapil,\n" in mail_text(late)
    assert late["From"] == settings.smtp_from


def test_an_anonymous_filing_without_contacts_sends_no_mail_but_webhooks_still_hear(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink,
) -> None:  # fmt: skip
    Webhooks(store).register(http.url("/hook"), ["aduan.complaint.*"], None, WEBHOOK_SECRET, "a")
    filed = file_complaint(unit_ledger, complainant=None, anonymous=True)

    catch_up(settings, unit_ledger, store)

    assert smtp.messages == [] and http.accepted("/sms") == []
    (call,) = http.accepted("/hook")
    assert call.json["type"] == "aduan.complaint.Filed"
    assert call.json["subject"] == str(filed["id"])


def test_a_webhook_call_is_signed_and_carries_the_cloudevent_without_personal_data(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, http: HttpSink
) -> None:
    Webhooks(store).register(http.url("/hook"), ["aduan.complaint.Filed"], "disdukcapil",
                             WEBHOOK_SECRET, "a")  # fmt: skip
    file_complaint(unit_ledger, complainant=CONTACT)

    catch_up(settings, unit_ledger, store)

    (call,) = [c for c in http.calls if c.path == "/hook"]
    assert call.signature_ok
    assert call.headers["content-type"] == "application/cloudevents+json; charset=UTF-8"
    assert call.headers["x-aduan-signature"].startswith("sha256=")
    assert call.json["specversion"] == "1.0" and "complainant" not in call.json["data"]
    assert (
        COMPLAINANT_MAIL.encode() not in call.body and COMPLAINANT_PHONE.encode() not in call.body
    )


def test_reading_the_log_again_sends_nothing_twice(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink,
) -> None:  # fmt: skip
    for _ in range(3):
        filed = file_complaint(unit_ledger, complainant=CONTACT)
        unit_ledger.perform(filed["id"], COORDINATOR, Verify())
    first = catch_up(settings, unit_ledger, store)
    with store.transaction() as tx:
        tx.set_position(POSITION_NAME, 0, 1)  # as if the position had never been recorded

    again = catch_up(settings, unit_ledger, store)

    assert (first.sent, again.messages, again.sent) == (12, first.messages, 0)
    assert len(smtp.messages) == 6 and len(http.accepted("/sms")) == 6
    assert set(Counter(smtp.event_ids()).values()) == {1}


def test_deliveries_whose_batch_was_interrupted_are_never_sent_again(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink,
) -> None:  # fmt: skip
    filed = file_complaint(unit_ledger, complainant=CONTACT)
    dying = follower(settings, unit_ledger, store)
    sender = dying.dispatcher.sender
    sender.channels = DiesWhileSending(sender.channels)  # type: ignore[assignment]
    with pytest.raises(SystemExit):
        dying.catch_up(threading.Event())

    catch_up(settings, unit_ledger, store)

    states = {(r["channel"], r["state"]) for r in Deliveries(store).of_complaint(str(filed["id"]))}
    # Claimed together, no outcome recorded: whether each went out is unknown, so neither
    # is tried again (at most once). The SMS may have gone out beside the dying e-mail.
    assert states == {("email", "sending"), ("sms", "sending")}
    assert smtp.messages == [] and len(http.accepted("/sms")) <= 1


def test_a_failing_webhook_is_retried_then_dead_lettered_while_the_mail_goes_out(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink,
) -> None:  # fmt: skip
    hooks = Webhooks(store)
    hooks.register(http.url("/hook-down"), ["aduan.complaint.Filed"], None, WEBHOOK_SECRET, "a")
    hooks.register(http.url("/hook-flaky"), ["aduan.complaint.Filed"], None, WEBHOOK_SECRET, "a")
    calls: Counter[str] = Counter()

    def fail(path: str) -> bool:
        calls[path] += 1
        return path == "/hook-down" or (path == "/hook-flaky" and calls[path] < 3)

    http.fail = fail
    filed = file_complaint(unit_ledger, complainant=CONTACT)

    report = catch_up(settings, unit_ledger, store)

    rows = Deliveries(store).of_complaint(str(filed["id"]))
    by_channel = {(r["channel"], r["state"], r["attempts"]) for r in rows}
    assert by_channel == {("email", "sent", 1), ("sms", "sent", 1), ("webhook", "sent", 3),
                          ("webhook", "dead_lettered", 3)}  # fmt: skip
    (dead,) = [r for r in rows if r["state"] == "dead_lettered"]
    assert dead["last_error"] == f"{http.url('/hook-down')} answered HTTP 500"
    assert calls["/hook-down"] == 3 and report.dead_lettered == 1
    assert len(smtp.messages) == 1


def test_a_message_that_is_no_cloudevent_is_poison_and_sends_nothing(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore
) -> None:
    dispatcher = follower(settings, unit_ledger, store).dispatcher
    values = [b"not json", b"[1, 2]", orjson.dumps({"id": "x", "type": "aduan.complaint.Filed"})]

    outcomes = dispatcher.handle_batch(values, threading.Event())

    assert all(o is not None and o.poison and o.dead_letter for o in outcomes)
    assert len(outcomes) == 3


def test_with_no_channel_and_no_webhook_the_follower_skips_the_log_and_a_later_webhook_hears_on(
    unit_ledger: ComplaintLedger, store_url: str, http: HttpSink
) -> None:
    settings = Settings(database_url=store_url)  # no SMTP, no SMS gateway
    store = open_notification_store(settings)
    first = file_complaint(unit_ledger, complainant=CONTACT)
    end_before = unit_ledger.recorder.max_notification_id()

    skipped = catch_up(settings, unit_ledger, store)

    assert skipped.messages == 0 and store.position(POSITION_NAME) == end_before
    assert Deliveries(store).of_complaint(str(first["id"])) == []
    Webhooks(store).register(http.url("/hook"), ["aduan.complaint.Filed"], None,
                             WEBHOOK_SECRET, "a")  # fmt: skip
    second = file_complaint(unit_ledger, complainant=CONTACT)
    heard = catch_up(settings, unit_ledger, store)
    store.close()

    assert heard.sent == 1
    assert [call.json["subject"] for call in http.accepted("/hook")] == [str(second["id"])]
