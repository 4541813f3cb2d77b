"""`aduan kafka init` against the real broker: topics made explicitly, as settings say."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from uuid import uuid4

import pytest
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from infra.kafka_topics import HOUR_MS, retention_ms
from services.cli import main


@pytest.fixture
def topics(
    kafka_bootstrap: str, admin: KafkaAdminClient, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str]]:
    """Topic names of this test's own, in the environment `aduan kafka init` reads."""
    suffix = uuid4().hex[:10]
    names = (f"test.complaints.{suffix}", f"test.dlq.{suffix}")
    monkeypatch.setenv("ADUAN_KAFKA_BOOTSTRAP", kafka_bootstrap)
    monkeypatch.setenv("ADUAN_KAFKA_TOPIC", names[0])
    monkeypatch.setenv("ADUAN_KAFKA_DEAD_LETTER_TOPIC", names[1])
    monkeypatch.setenv("ADUAN_KAFKA_PARTITIONS", "4")
    monkeypatch.setenv("ADUAN_KAFKA_RETENTION_HOURS", "48")
    yield names
    existing = set(admin.list_topics())
    admin.delete_topics([name for name in names if name in existing])


def partitions_of(admin: KafkaAdminClient, name: str) -> int:
    (topic,) = admin.describe_topics([name])
    return len(topic["partitions"])


def test_init_creates_both_topics_with_the_configured_partitions_and_retention(
    admin: KafkaAdminClient, topics: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kafka", "init"]) == 0

    output = capsys.readouterr().out
    for name in topics:
        assert f"{name}: created" in output
        assert partitions_of(admin, name) == 4
        assert retention_ms(admin, name) == 48 * HOUR_MS


def test_init_again_finds_the_topics_present_and_changes_nothing(
    admin: KafkaAdminClient, topics: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kafka", "init"]) == 0
    capsys.readouterr()

    assert main(["kafka", "init"]) == 0

    output = capsys.readouterr().out
    assert all(f"{name}: present" in output for name in topics)
    assert [partitions_of(admin, name) for name in topics] == [4, 4]


def test_a_new_retention_is_applied_to_existing_topics(
    admin: KafkaAdminClient,
    topics: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["kafka", "init"]) == 0
    monkeypatch.setenv("ADUAN_KAFKA_RETENTION_HOURS", "-1")

    assert main(["kafka", "init"]) == 0

    assert f"{topics[0]}: updated" in capsys.readouterr().out
    assert retention_ms(admin, topics[0]) == -1


def test_a_different_partition_count_is_refused_with_what_to_do(
    admin: KafkaAdminClient,
    topics: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["kafka", "init"]) == 0
    monkeypatch.setenv("ADUAN_KAFKA_PARTITIONS", "6")

    assert main(["kafka", "init"]) == 1

    output = capsys.readouterr().out
    assert f"{topics[0]}: mismatch" in output
    assert "ADUAN_KAFKA_PARTITIONS=4" in output
    assert partitions_of(admin, topics[0]) == 4


def test_without_a_bootstrap_address_init_says_how_to_set_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ADUAN_KAFKA_BOOTSTRAP", raising=False)
    assert main(["kafka", "init"]) == 2
    assert "ADUAN_KAFKA_BOOTSTRAP" in capsys.readouterr().err


def test_an_unreachable_broker_is_named_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADUAN_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    assert main(["kafka", "init"]) == 1
    error = capsys.readouterr().err
    assert "127.0.0.1:1" in error and "make kafka" in error


def test_the_broker_never_creates_a_topic_on_first_use(
    kafka_bootstrap: str, admin: KafkaAdminClient
) -> None:
    name = f"test.unknown.{uuid4().hex[:10]}"
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, max_block_ms=3000)
    try:
        with pytest.raises(KafkaError):
            producer.send(name, b"x").get(timeout=5)
    finally:
        producer.close(timeout=5)
    assert name not in set(admin.list_topics())


def test_an_independent_client_reads_the_broker_metadata(
    kafka_bootstrap: str, admin: KafkaAdminClient, topics: tuple[str, str]
) -> None:
    assert main(["kafka", "init"]) == 0
    kcat = shutil.which("kcat")
    assert kcat is not None, "kcat is missing: `make kafka` installs it"
    listing = subprocess.run(
        [kcat, "-b", kafka_bootstrap, "-L", "-t", topics[0], "-m", "10"],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    assert f'topic "{topics[0]}" with 4 partitions' in listing
