"""`aduan relay` as people run it: --once for a backlog, or a process that follows the log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from kafka.admin import KafkaAdminClient

from domain.sla import SlaPolicy
from infra.settings import Settings
from services.cli import main
from services.composition import build_relay
from services.ledger import ComplaintLedger
from services.simulation.people import ADMIN
from tests.kafka_support import create_topic, read_topic
from tests.support import file_complaint

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def topic(admin: KafkaAdminClient) -> Iterator[str]:
    name = f"test.relay.{uuid4().hex[:10]}"
    create_topic(admin, name)
    yield name
    admin.delete_topics([name])


@pytest.fixture
def relay_env(
    store_url: str, kafka_bootstrap: str, topic: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The settings `aduan relay` reads, in this process's environment and for children."""
    env = {
        "ADUAN_DATABASE_URL": store_url,
        "ADUAN_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "ADUAN_KAFKA_TOPIC": topic,
        "ADUAN_KAFKA_TIMEOUT_SECONDS": "3",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def file_complaints(ledger: ComplaintLedger, count: int) -> None:
    if not ledger.list_units():
        ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    for _ in range(count):
        file_complaint(ledger)


def log_size(ledger: ComplaintLedger) -> int:
    return ledger.recorder.max_notification_id() or 0


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_relay_once_publishes_the_backlog_and_says_how_many(
    ledger: ComplaintLedger, relay_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    file_complaints(ledger, 3)

    assert main(["relay", "--once"]) == 0
    assert main(["relay", "--once"]) == 0

    first, second = capsys.readouterr().out.splitlines()
    topic = relay_env["ADUAN_KAFKA_TOPIC"]
    assert first == f"published 9 events to {topic}, up to log position 9"
    assert second == f"published 0 events to {topic}, up to log position 9"


def test_without_a_bootstrap_address_the_relay_says_how_to_set_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ADUAN_KAFKA_BOOTSTRAP", raising=False)
    assert main(["relay", "--once"]) == 2
    assert "ADUAN_KAFKA_BOOTSTRAP" in capsys.readouterr().err


def test_a_missing_topic_is_named_with_the_command_that_creates_it(
    relay_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADUAN_KAFKA_TOPIC", f"test.absent.{uuid4().hex[:10]}")
    monkeypatch.setenv("ADUAN_KAFKA_TIMEOUT_SECONDS", "1")
    assert main(["relay", "--once"]) == 1
    assert "aduan kafka init" in capsys.readouterr().err


def test_an_unreachable_broker_fails_once_with_what_to_do_and_skips_nothing(
    ledger: ComplaintLedger,
    relay_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file_complaints(ledger, 1)
    monkeypatch.setenv("ADUAN_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setenv("ADUAN_KAFKA_TIMEOUT_SECONDS", "1")
    assert main(["relay", "--once"]) == 1
    error = capsys.readouterr().err
    assert "127.0.0.1:1" in error and "make kafka" in error
    assert "resends from log position 0" in error


def test_the_relay_process_follows_the_log_and_resumes_after_being_killed(
    ledger: ComplaintLedger, relay_env: dict[str, str]
) -> None:
    fields: dict[str, Any] = {
        name.removeprefix("ADUAN_").lower(): v for name, v in relay_env.items()
    }
    settings = Settings(**fields)  # the strings are parsed as the environment's would be
    relay = build_relay(settings, ledger)
    file_complaints(ledger, 3)
    process = start_relay(relay_env)
    wait_for(lambda: relay.position() == log_size(ledger), "the backlog")
    file_complaints(ledger, 2)
    wait_for(lambda: relay.position() == log_size(ledger), "the new filings")
    process.kill()  # no clean-up: as if the machine went down
    process.wait(timeout=30)
    file_complaints(ledger, 2)

    process = start_relay(relay_env)
    wait_for(lambda: relay.position() == log_size(ledger), "the filings while it was down")
    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    messages = read_topic(relay_env["ADUAN_KAFKA_BOOTSTRAP"], relay_env["ADUAN_KAFKA_TOPIC"])
    ids = Counter(message.headers["ce_id"] for message in messages)
    assert len(ids) == log_size(ledger) == 17 and set(ids.values()) == {1}


def start_relay(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli", "relay"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
