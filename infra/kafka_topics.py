"""Creates the Kafka topics explicitly (the broker never creates them on first use), with
the partitions and retention from settings; reports what it found and did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic
from kafka.errors import KafkaError

from infra.settings import Settings

HOUR_MS = 3_600_000


class KafkaUnavailableError(Exception):
    """No broker answered at the configured address."""


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    retention_ms: int


@dataclass(frozen=True)
class TopicOutcome:
    name: str
    state: str  # created, present, updated (retention), mismatch
    detail: str

    @property
    def ok(self) -> bool:
        return self.state != "mismatch"


def topic_specs(settings: Settings) -> list[TopicSpec]:
    hours = settings.kafka_retention_hours
    retention_ms = -1 if hours < 0 else hours * HOUR_MS
    return [
        TopicSpec(name, settings.kafka_partitions, settings.kafka_replication_factor, retention_ms)
        for name in (settings.kafka_topic, settings.kafka_dead_letter_topic)
    ]


def admin_client(bootstrap: str) -> KafkaAdminClient:
    try:
        return KafkaAdminClient(
            bootstrap_servers=bootstrap.split(","),
            client_id="aduan-kafka-init",
            request_timeout_ms=15_000,
            bootstrap_timeout_ms=5_000,
        )
    except KafkaError as error:
        raise KafkaUnavailableError(
            f"No Kafka broker answers at {bootstrap} ({error}); start one with `make kafka` "
            "or set ADUAN_KAFKA_BOOTSTRAP."
        ) from error


def ensure_topics(admin: KafkaAdminClient, specs: list[TopicSpec]) -> list[TopicOutcome]:
    partitions = _partition_counts(admin, [spec.name for spec in specs])
    outcomes = []
    for spec in specs:
        if spec.name not in partitions:
            admin.create_topics(
                [
                    NewTopic(
                        spec.name,
                        num_partitions=spec.partitions,
                        replication_factor=spec.replication_factor,
                        topic_configs={"retention.ms": str(spec.retention_ms)},
                    )
                ],
                wait_for_metadata=True,
            )
            outcomes.append(TopicOutcome(spec.name, "created", _describe(spec)))
        elif partitions[spec.name] != spec.partitions:
            outcomes.append(
                TopicOutcome(
                    spec.name,
                    "mismatch",
                    f"has {partitions[spec.name]} partitions, settings say {spec.partitions}: "
                    "changing a live topic's partitions would reorder complaints' events; set "
                    f"ADUAN_KAFKA_PARTITIONS={partitions[spec.name]} or use a new topic name",
                )
            )
        elif retention_ms(admin, spec.name) != spec.retention_ms:
            resource = ConfigResource(
                ConfigResourceType.TOPIC,
                spec.name,
                configs={"retention.ms": str(spec.retention_ms)},
            )
            admin.alter_configs([resource])
            outcomes.append(TopicOutcome(spec.name, "updated", f"retention set: {_describe(spec)}"))
        else:
            outcomes.append(TopicOutcome(spec.name, "present", _describe(spec)))
    return outcomes


def retention_ms(admin: KafkaAdminClient, topic: str) -> int:
    resource = ConfigResource(ConfigResourceType.TOPIC, topic, configs=None)
    described: Any = admin.describe_configs([resource], config_filter="all")
    entries = _config_entries(described, topic)
    return int(entries["retention.ms"])


def _partition_counts(admin: KafkaAdminClient, names: list[str]) -> dict[str, int]:
    existing = set(admin.list_topics())
    wanted = [name for name in names if name in existing]
    if not wanted:
        return {}
    return {topic["name"]: len(topic["partitions"]) for topic in admin.describe_topics(wanted)}


def _config_entries(described: Any, topic: str) -> dict[str, str]:
    """``describe_configs``'s answer ({"topic": {name: {key: {"value": ...}}}}) for one
    topic as {key: value}."""
    return {key: data["value"] for key, data in described["topic"][topic].items()}


def _describe(spec: TopicSpec) -> str:
    hours = "forever" if spec.retention_ms < 0 else f"{spec.retention_ms // HOUR_MS} h"
    return f"{spec.partitions} partitions, replication {spec.replication_factor}, retention {hours}"
