"""Fixtures of the integration suites: the real Kafka broker, and a ledger with a unit."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from kafka.admin import KafkaAdminClient

from domain.sla import SlaPolicy
from infra.kafka_topics import admin_client
from services.ledger import ComplaintLedger
from services.simulation.people import ADMIN

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


@pytest.fixture
def unit_ledger(ledger: ComplaintLedger) -> ComplaintLedger:
    """The test's ledger with the unit Disdukcapil registered."""
    ledger.register_unit(ADMIN, "disdukcapil", "Disdukcapil", None, SlaPolicy())
    return ledger
