"""Crashes against the real broker, with `aduan relay` and `aduan notify` as processes: the
relay killed (SIGKILL) in the middle of a stream of 2,000 events and restarted, and the
notifier killed mid-stream and restarted. Deliveries are counted where they arrive, at the
SMTP server and the webhook receiver."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import pytest
from kafka.admin import KafkaAdminClient

from domain.sla import SlaPolicy
from domain.values import Role
from infra.cloudevents import event_id
from infra.settings import Settings
from projections.store import ViewStore
from services.commands import Forward, Verify
from services.composition import build_relay
from services.filing import ComplainantIn
from services.ledger import ComplaintLedger
from services.notifications.webhooks import Webhooks
from services.principals import Staff
from services.simulation.people import ADMIN
from tests.kafka_support import read_topic
from tests.notify_support import (
    OFFICER_MAIL,
    WEBHOOK_SECRET,
    HttpSink,
    SmtpSink,
    all_committed,
    kafka_notify_settings,
    settings_env,
    wait_until,
)
from tests.relay_support import relay_once
from tests.support import file_complaint, originator_uuid

if TYPE_CHECKING:
    from tests.conftest import MakeLedger

ROOT = Path(__file__).resolve().parents[2]
COORDINATOR = Staff("koordinator", Role.COORDINATOR)
Mail = tuple[str, str]  # (event id, recipient)


@pytest.fixture
def settings(
    store_url: str, kafka_bootstrap: str, admin: KafkaAdminClient, smtp: SmtpSink, http: HttpSink
) -> Iterator[Settings]:
    with kafka_notify_settings("crash", store_url, kafka_bootstrap, admin, smtp, http) as settings:
        yield settings


class Processes:
    """`aduan` commands run as child processes, each logging to a file; all are stopped at
    the end of the test."""

    def __init__(self, settings: Settings, logs: Path) -> None:
        self.env = {**os.environ, **settings_env(settings)}
        self.logs_dir, self.started = logs, list[tuple[subprocess.Popen[bytes], Path]]()

    def start(self, *command: str, **env: str) -> subprocess.Popen[bytes]:
        path = self.logs_dir / f"{command[0]}-{len(self.started)}.log"
        log = path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli", *command],
            cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=log,
        )  # fmt: skip
        self.started.append((process, path))
        return process

    def logs(self) -> str:
        """The end of each process's log, to explain a timeout."""
        tails = []
        for process, path in self.started:
            tail = path.read_text(errors="replace").splitlines()[-20:]
            state = "running" if process.poll() is None else f"exit code {process.returncode}"
            tails.append(f"\n--- {path.name} ({state}):\n" + "\n".join(tail))
        return "".join(tails)

    def stop_all(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


@pytest.fixture
def processes(settings: Settings, tmp_path: Path) -> Iterator[Processes]:
    running = Processes(settings, tmp_path)
    yield running
    running.stop_all()


def stream(ledger: ComplaintLedger, complaints: int) -> tuple[set[Mail], set[str]]:
    """File, verify and route complaints (four events each: Filed, the tracking number,
    Verified, Forwarded); the mails and webhook calls they should cause."""
    if not ledger.list_units():
        ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    mails, forwarded = set[Mail](), set[str]()
    for _ in range(complaints):
        address = f"pengadu.{uuid4().hex[:10]}@contoh.id"
        filed = file_complaint(ledger, complainant=ComplainantIn(name="Siti", email=address))
        ledger.perform(filed["id"], COORDINATOR, Verify())
        ledger.perform(filed["id"], COORDINATOR, Forward(unit_id="disdukcapil"))
        filed_id, verified_id, forwarded_id = (
            str(event_id(UUID(str(filed["id"])), version)) for version in (1, 2, 3)
        )
        mails |= {(filed_id, address), (verified_id, address), (forwarded_id, address),
                  (forwarded_id, OFFICER_MAIL)}  # fmt: skip
        forwarded.add(forwarded_id)
    return mails, forwarded


class Writer:
    """``stream`` in a thread of its own; what it raised is kept, to be told."""

    def __init__(self, ledger: ComplaintLedger, complaints: int) -> None:
        self._outcome: tuple[set[Mail], set[str]] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(ledger, complaints))
        self._thread.start()

    def _run(self, ledger: ComplaintLedger, complaints: int) -> None:
        try:
            self._outcome = stream(ledger, complaints)
        except BaseException as error:
            self._error = error
            raise

    def failure(self) -> str:
        return "" if self._error is None else f"\n--- the writer failed: {self._error!r}"

    def result(self) -> tuple[set[Mail], set[str]]:
        self._thread.join(timeout=300)
        assert self._outcome is not None, f"the writer did not finish{self.failure()}"
        return self._outcome


def committed(admin: KafkaAdminClient, settings: Settings) -> bool:
    assert settings.kafka_bootstrap is not None
    return all_committed(
        admin, settings.notify_group, settings.kafka_bootstrap, settings.kafka_topic
    )


def log_size(ledger: ComplaintLedger) -> int:
    return ledger.recorder.max_notification_id() or 0


def test_the_relay_killed_mid_stream_loses_nothing_and_each_notification_goes_out_once(
    make_ledger: MakeLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink, admin: KafkaAdminClient, processes: Processes,
) -> None:  # fmt: skip
    ledger = make_ledger()
    Webhooks(store).register(http.url("/hook"), ["aduan.complaint.Forwarded"], None,
                             WEBHOOK_SECRET, "admin")  # fmt: skip
    notifier = processes.start("notify")
    relay = processes.start("relay", ADUAN_KAFKA_RELAY_BATCH_SIZE="20")
    writer = Writer(make_ledger(), 500)
    positions = build_relay(settings, ledger)
    wait_until(lambda: positions.position() >= 600, "the relay to be mid-stream", seconds=120,
               explain=lambda: writer.failure() + processes.logs())  # fmt: skip
    relay.send_signal(signal.SIGKILL)
    relay.wait(timeout=30)
    killed_at = positions.position()
    mails, forwarded = writer.result()
    assert killed_at < log_size(ledger) == 2003  # 2,000 complaint events and the unit's 3

    processes.start("relay", ADUAN_KAFKA_RELAY_BATCH_SIZE="20")
    wait_until(lambda: positions.position() == log_size(ledger), "the restarted relay",
               explain=processes.logs)  # fmt: skip
    wait_until(lambda: len(smtp.messages) >= len(mails), "every mail", seconds=180,
               explain=processes.logs)  # fmt: skip
    wait_until(lambda: committed(admin, settings), "the notifier to commit", seconds=60)
    notifier.send_signal(signal.SIGTERM)

    assert notifier.wait(timeout=60) == 0
    assert settings.kafka_bootstrap is not None
    published = read_topic(settings.kafka_bootstrap, settings.kafka_topic)
    on_topic = Counter(message.headers["ce_id"].decode() for message in published)
    every_event = {str(event_id(originator_uuid(n), n.originator_version))
                   for n in ledger.recorder.select_notifications(0, 10_000)}  # fmt: skip
    assert set(on_topic) == every_event  # each at least once
    assert Counter(smtp.event_ids()) == Counter(mails)  # each exactly once
    assert Counter(call.json["id"] for call in http.accepted("/hook")) == Counter(forwarded)


def test_the_notifier_killed_mid_stream_and_restarted_sends_nothing_twice(
    ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    admin: KafkaAdminClient, processes: Processes,
) -> None:  # fmt: skip
    mails, _forwarded = stream(ledger, 100)
    relay_once(settings, ledger)
    notifier = processes.start("notify")
    wait_until(lambda: len(smtp.messages) >= 120, "the notifier to be mid-stream",
               explain=processes.logs)  # fmt: skip
    notifier.send_signal(signal.SIGKILL)
    notifier.wait(timeout=30)
    assert len(smtp.messages) < len(mails)

    notifier = processes.start("notify")
    wait_until(lambda: committed(admin, settings), "the restarted notifier", seconds=120,
               explain=processes.logs)  # fmt: skip
    notifier.send_signal(signal.SIGTERM)

    assert notifier.wait(timeout=60) == 0
    received = Counter(smtp.event_ids())
    assert set(received.values()) == {1} and set(received) <= mails
    rows = store.query("SELECT state, updated_at FROM notification_deliveries")
    states = [state for state, _ in rows]
    # The kill may land inside one batch, between its claim and its outcomes: whether its
    # deliveries went out is unknown, and none is tried again. They were claimed in one
    # transaction (one time). Every other delivery was sent once.
    assert len(mails - set(received)) <= states.count("sending")
    assert len({claimed_at for state, claimed_at in rows if state == "sending"}) <= 1
    assert set(states) <= {"sent", "sending"} and len(states) == len(mails)
