"""Fixtures of the integration suites that meet the real Kafka broker."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from kafka.admin import KafkaAdminClient

from infra.kafka_topics import admin_client

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """The broker's address; the test fails, never skips, when it does not answer."""
    bootstrap = os.environ.get("ADUAN_TEST_KAFKA_BOOTSTRAP", DEFAULT_BOOTSTRAP)
    try:
        admin_client(bootstrap).close()
    except Exception as error:  # any failure to reach it is the same message
        problem = str(error)
    else:
        return bootstrap
    pytest.fail(
        f"Kafka at {bootstrap} does not answer: {problem}\n"
        "Start it with `make kafka` (or `make test`, which starts it), or point "
        "ADUAN_TEST_KAFKA_BOOTSTRAP at a broker.",
        pytrace=False,
    )


@pytest.fixture
def admin(kafka_bootstrap: str) -> Iterator[KafkaAdminClient]:
    client = admin_client(kafka_bootstrap)
    yield client
    client.close()
