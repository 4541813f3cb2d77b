"""`aduan notify` as a member of its consumer group on the real broker: poison messages and
failed deliveries go to the dead-letter topic with the error and the group goes on; the
same events arriving twice send once; members joining and leaving lose nothing."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest
from kafka.admin import KafkaAdminClient

from domain.calendar import JAKARTA
from domain.sla import SlaPolicy
from infra.relay_positions import RelayPositions
from infra.settings import Settings
from projections.store import ViewStore
from services.cli import main
from services.composition import build_kafka_notifier, build_relay
from services.filing import ComplainantIn
from services.ledger import ComplaintLedger
from services.notifications.deliveries import Deliveries
from services.notifications.webhooks import Webhooks
from services.simulation.people import ADMIN
from tests.kafka_support import read_topic
from tests.notify_support import (
    WEBHOOK_SECRET,
    HttpSink,
    SmtpSink,
    all_committed,
    kafka_notify_settings,
    mail_text,
    produce_raw,
    wait_until,
)
from tests.relay_support import relay_once
from tests.support import file_complaint


@pytest.fixture
def settings(
    store_url: str, kafka_bootstrap: str, admin: KafkaAdminClient, smtp: SmtpSink, http: HttpSink
) -> Iterator[Settings]:
    with kafka_notify_settings("notify", store_url, kafka_bootstrap, admin, smtp, http) as settings:
        yield settings


def file_with_mail(ledger: ComplaintLedger, count: int) -> list[str]:
    """File ``count`` complaints, each with its own address; their complaint ids."""
    if not ledger.list_units():
        ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    return [
        str(file_complaint(ledger, complainant=ComplainantIn(
            name="Siti", email=f"pengadu.{uuid4().hex[:8]}@contoh.id"))["id"])
        for _ in range(count)
    ]  # fmt: skip


def drain(settings: Settings, ledger: ComplaintLedger, store: ViewStore) -> None:
    assert settings.kafka_bootstrap is not None
    notifier = build_kafka_notifier(settings, ledger, store, settings.kafka_bootstrap)
    notifier.drain(threading.Event(), timeout_seconds=30)


def test_through_kafka_the_mail_has_the_exact_text_and_the_webhook_call_verifies(
    ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink, http: HttpSink
) -> None:
    assert settings.kafka_bootstrap is not None
    Webhooks(store).register(
        http.url("/hook"), ["aduan.complaint.Filed"], "disdukcapil", WEBHOOK_SECRET, "admin"
    )
    (complaint_id,) = file_with_mail(ledger, 1)
    relay_once(settings, ledger)

    drain(settings, ledger, store)

    number = ledger.load_complaint(UUID(complaint_id)).tracking_number
    (mail,) = smtp.messages
    assert mail["Subject"] == f"[{number}] Pengaduan Anda telah diterima"
    assert mail_text(mail) == (
        "Yth. Pengadu,\n\n"
        "Pengaduan Anda kepada Disdukcapil telah kami terima pada "
        f"{filed_at(ledger, complaint_id)}.\n"
        f"Nomor pelacakan: {number}\n"
        "Status: diajukan\n\n"
        "Simpan nomor pelacakan ini untuk mengikuti perkembangan pengaduan Anda.\n\n"
        "Pesan ini dikirim otomatis oleh Aduan Ledger; mohon tidak membalas.\n"
    )
    (call,) = http.calls
    (filed,) = [m for m in read_topic(settings.kafka_bootstrap, settings.kafka_topic)
                if m.headers["ce_type"] == b"aduan.complaint.Filed"]  # fmt: skip
    assert call.signature_ok and call.body == filed.value


def filed_at(ledger: ComplaintLedger, complaint_id: str) -> str:
    filed = ledger.load_complaint(UUID(complaint_id)).filed_at
    return filed.astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M WIB")


def test_a_poison_message_ends_in_the_dead_letter_topic_and_the_group_goes_on(
    ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    admin: KafkaAdminClient,
) -> None:  # fmt: skip
    assert settings.kafka_bootstrap is not None
    bootstrap, topic = settings.kafka_bootstrap, settings.kafka_topic
    first = file_with_mail(ledger, 2)
    relay_once(settings, ledger)
    partition, offset = produce_raw(
        bootstrap, topic, b'{"specversion": "1.0", oops', first[0].encode()
    )
    file_with_mail(ledger, 2)
    relay_once(settings, ledger)

    drain(settings, ledger, store)

    (dead,) = read_topic(bootstrap, settings.kafka_dead_letter_topic)
    assert dead.value == b'{"specversion": "1.0", oops' and dead.key == first[0].encode()
    assert dead.headers["aduan_dlq_reason"] == b"poison"
    assert dead.headers["aduan_dlq_error"].startswith(b"not JSON")
    origin = [dead.headers[f"aduan_dlq_{name}"] for name in ("topic", "partition", "offset")]
    assert origin == [topic.encode(), str(partition).encode(), str(offset).encode()]
    assert len(smtp.messages) == 4  # the complaints after the poison one were notified too
    assert all_committed(admin, settings.notify_group, bootstrap, topic)


def test_a_delivery_that_fails_every_try_is_dead_lettered_with_its_error_and_attempts(
    ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink, http: HttpSink
) -> None:
    assert settings.kafka_bootstrap is not None
    Webhooks(store).register(
        http.url("/down"), ["aduan.complaint.Filed"], None, WEBHOOK_SECRET, "a"
    )
    http.fail = lambda path: path == "/down"
    (complaint_id,) = file_with_mail(ledger, 1)
    relay_once(settings, ledger)

    drain(settings, ledger, store)

    (dead,) = read_topic(settings.kafka_bootstrap, settings.kafka_dead_letter_topic)
    assert dead.envelope["type"] == "aduan.complaint.Filed"
    assert dead.headers["ce_type"] == b"aduan.complaint.Filed"
    assert dead.headers["aduan_dlq_reason"] == b"delivery_failed"
    assert dead.headers["aduan_dlq_attempts"] == b"3"
    assert dead.headers["aduan_dlq_error"] == f"{http.url('/down')} answered HTTP 500".encode()
    assert dead.headers["aduan_dlq_group"] == settings.notify_group.encode()
    states = {(r["channel"], r["state"]) for r in Deliveries(store).of_complaint(complaint_id)}
    assert states == {("email", "sent"), ("webhook", "dead_lettered")}
    assert len(smtp.messages) == 1


def test_every_event_published_twice_is_still_notified_once(
    ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink
) -> None:
    file_with_mail(ledger, 5)
    relay_once(settings, ledger)
    relay = build_relay(settings, ledger)
    RelayPositions(ledger.recorder).record(relay.name, 0)  # the relay forgot what it sent
    relay_once(settings, ledger)
    assert settings.kafka_bootstrap is not None
    published = read_topic(settings.kafka_bootstrap, settings.kafka_topic)
    assert len(published) == 2 * (ledger.recorder.max_notification_id() or 0)

    drain(settings, ledger, store)

    assert len(smtp.messages) == 5 and set(Counter(smtp.event_ids()).values()) == {1}


def test_members_joining_and_leaving_the_group_lose_nothing_and_repeat_nothing(
    ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    admin: KafkaAdminClient,
) -> None:  # fmt: skip
    assert settings.kafka_bootstrap is not None
    bootstrap, topic = settings.kafka_bootstrap, settings.kafka_topic
    members = [build_kafka_notifier(settings, ledger, store, bootstrap) for _ in range(2)]
    stops = [threading.Event(), threading.Event()]
    threads = [
        threading.Thread(target=m.follow, args=(s,)) for m, s in zip(members, stops, strict=True)
    ]
    threads[0].start()
    file_with_mail(ledger, 60)
    relay_once(settings, ledger)
    wait_until(lambda: len(smtp.messages) >= 20, "the first member to start")
    threads[1].start()  # a rebalance while messages are being handled
    file_with_mail(ledger, 60)
    relay_once(settings, ledger)
    wait_until(lambda: len(smtp.messages) >= 80, "both members to work")
    stops[0].set()  # another rebalance: the first member leaves
    threads[0].join(timeout=60)
    file_with_mail(ledger, 60)
    relay_once(settings, ledger)

    wait_until(
        lambda: all_committed(admin, settings.notify_group, bootstrap, topic),
        "the group to commit everything",
    )
    stops[1].set()
    threads[1].join(timeout=60)
    assert len(smtp.messages) == 180 and set(Counter(smtp.event_ids()).values()) == {1}
    assert all(member.report.messages for member in members)


def test_notify_without_its_topics_says_how_to_create_them(
    kafka_bootstrap: str, store_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("ADUAN_DATABASE_URL", store_url)
    monkeypatch.setenv("ADUAN_KAFKA_BOOTSTRAP", kafka_bootstrap)
    monkeypatch.setenv("ADUAN_KAFKA_TOPIC", f"test.absent.{uuid4().hex[:10]}")
    monkeypatch.setenv("ADUAN_KAFKA_TIMEOUT_SECONDS", "2")

    assert main(["notify", "--once"]) == 1
    assert "aduan kafka init" in capsys.readouterr().err
