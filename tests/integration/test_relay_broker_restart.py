"""The broker goes away and comes back while complaints are being filed: filing goes on, the
`aduan relay` process reports that it is retrying instead of dying, and once the broker is
back every event in the ledger is on the topic, in order per aggregate. The broker stopped
is this module's own (tests/private_broker.py), never the shared one other runs use: once
shut down cleanly (SIGTERM), once killed as if its machine had failed (SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from domain.sla import SlaPolicy
from infra.cloudevents import event_id
from infra.kafka_topics import admin_client
from infra.settings import Settings
from services.composition import build_relay
from services.ledger import ComplaintLedger
from services.simulation.people import ADMIN
from tests.kafka_support import Received, create_topic, read_topic
from tests.notify_support import settings_env, wait_until
from tests.private_broker import PrivateBroker
from tests.support import file_complaint, originator_uuid

if TYPE_CHECKING:
    from tests.conftest import MakeLedger

ROOT = Path(__file__).resolve().parents[2]
FILING_PAUSE_SECONDS = 0.02
SECONDS_DOWN = 3.0  # filing goes on this long after the relay first reports the broker away


@pytest.fixture(scope="module")
def private_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateBroker]:
    broker = PrivateBroker(tmp_path_factory.mktemp("kafka"))
    yield broker
    if broker.pid() is not None:
        broker.stop(signal.SIGKILL)  # its storage is thrown away with the directory


@pytest.fixture
def broker(private_broker: PrivateBroker) -> PrivateBroker:
    private_broker.start()  # again if an earlier test left it stopped; quick when it runs
    return private_broker


@pytest.fixture
def settings(store_url: str, broker: PrivateBroker) -> Settings:
    topic = f"test.restart.{uuid4().hex[:10]}"
    admin = admin_client(broker.bootstrap)
    try:
        create_topic(admin, topic)
    finally:
        admin.close()
    return Settings(
        database_url=store_url,
        kafka_bootstrap=broker.bootstrap,
        kafka_topic=topic,
        kafka_timeout_seconds=2,
        kafka_relay_batch_size=20,  # small steps: the relay is mid-stream when the broker goes
    )


@pytest.fixture
def relay_process(settings: Settings, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`aduan relay` following the log, its output in ``relay.log`` beside the test."""
    with (tmp_path / "relay.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "relay"],
            cwd=ROOT, env={**os.environ, **settings_env(settings)}, stdout=log, stderr=log,
        )  # fmt: skip
    yield process
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


class Filer:
    """Files complaints one after another from a thread until stopped, counting them; any
    failure is kept, to be asserted on."""

    def __init__(self, ledger: ComplaintLedger) -> None:
        self.ledger, self.filed, self.errors = ledger, 0, list[BaseException]()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def __enter__(self) -> Filer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stop.wait(FILING_PAUSE_SECONDS):
            try:
                file_complaint(self.ledger)
            except Exception as error:  # kept and asserted: filing must never fail here
                self.errors.append(error)
            else:
                self.filed += 1


@pytest.mark.parametrize(
    ("store_url", "stop_signal"),
    [
        pytest.param("sqlite", signal.SIGTERM, id="sqlite-SIGTERM"),
        pytest.param("postgres", signal.SIGKILL, marks=pytest.mark.postgres, id="postgres-SIGKILL"),
    ],
    indirect=["store_url"],
)
def test_filing_goes_on_while_the_broker_is_down_and_every_event_arrives_once_it_is_back(
    make_ledger: MakeLedger, settings: Settings, broker: PrivateBroker,
    relay_process: subprocess.Popen[bytes], stop_signal: signal.Signals, tmp_path: Path,
) -> None:  # fmt: skip
    ledger = make_ledger()
    ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    relay = build_relay(settings, ledger)
    with Filer(make_ledger()) as filer:
        wait_until(lambda: relay.position() >= 100, "the relay to publish while the broker is up")
        broker.stop(stop_signal)
        filed_before_stop = filer.filed
        wait_until(lambda: "retrying" in relay_log(tmp_path), "the relay to report retrying")
        time.sleep(SECONDS_DOWN)
        filed_while_down = filer.filed - filed_before_stop
        relay_alive_while_down = relay_process.poll() is None
        broker.start()

    assert filer.errors == [] and filed_while_down > 0 and relay_alive_while_down
    wait_until(lambda: relay.position() == log_size(ledger), "the relay to catch up", 120)
    assert first_arrivals(read_topic(broker.bootstrap, settings.kafka_topic)) == stored(ledger)
    relay_process.send_signal(signal.SIGTERM)
    assert relay_process.wait(timeout=30) == 0


def relay_log(tmp_path: Path) -> str:
    return (tmp_path / "relay.log").read_text(errors="replace")


def log_size(ledger: ComplaintLedger) -> int:
    return ledger.recorder.max_notification_id() or 0


def stored(ledger: ComplaintLedger) -> dict[str, list[str]]:
    """Every event's id in the log, per aggregate (the message key), in log order."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for notification in ledger.recorder.select_notifications(0, log_size(ledger) + 1):
        originator = originator_uuid(notification)
        by_key[str(originator)].append(str(event_id(originator, notification.originator_version)))
    return dict(by_key)


def first_arrivals(messages: list[Received]) -> dict[str, list[str]]:
    """Each aggregate's event ids in the order they first arrived: a batch published again
    after a failure comes later and its copies are dropped, as consumers drop them."""
    partitions: dict[bytes, set[int]] = defaultdict(set)
    seen: set[bytes] = set()
    by_key: dict[str, list[str]] = defaultdict(list)
    for message in messages:  # in offset order within each partition
        partitions[message.key].add(message.partition)
        event = message.headers["ce_id"]
        if event not in seen:
            seen.add(event)
            by_key[message.key.decode()].append(event.decode())
    assert all(len(used) == 1 for used in partitions.values()), "a key in two partitions"
    return dict(by_key)
