"""`aduan notify`: turn events into notifications, from Kafka when ADUAN_KAFKA_BOOTSTRAP is
set (as a member of the consumer group), else from the ledger's own log."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from contextlib import closing

from infra.kafka_consumer import ConsumeError
from infra.kafka_publisher import PublishError
from infra.settings import Settings
from projections.store import ViewStore
from services.composition import (
    build_kafka_notifier,
    build_ledger,
    build_log_follower,
    open_notification_store,
)
from services.ledger import ComplaintLedger
from services.notifications.log_follower import Report


def notify(settings: Settings, args: argparse.Namespace) -> int:
    # The Kafka client logs every failed reconnect; the notifier says once per retry.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    # The HTTP client logs every webhook and SMS call at INFO; the delivery records keep them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    ledger = build_ledger(settings)
    store = open_notification_store(settings)
    stopped = threading.Event()
    if not args.once:
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stopped.set())
    try:
        if settings.kafka_bootstrap:
            return _from_kafka(settings, ledger, store, settings.kafka_bootstrap, args.once,
                               stopped)  # fmt: skip
        return _from_log(settings, ledger, store, args.once, stopped)
    finally:
        store.close()
        ledger.close()


def _from_kafka(
    settings: Settings,
    ledger: ComplaintLedger,
    store: ViewStore,
    bootstrap: str,
    once: bool,
    stopped: threading.Event,
) -> int:
    where = f"{settings.kafka_topic} (group {settings.notify_group})"
    try:
        with closing(build_kafka_notifier(settings, ledger, store, bootstrap)) as notifier:
            if once:
                _print(where, notifier.drain(stopped, settings.kafka_timeout_seconds))
                return 0
            print(f"notifying from {where} on {bootstrap}; Ctrl-C stops", file=sys.stderr)
            notifier.follow(stopped)
            return 0
    except (ConsumeError, PublishError, TimeoutError) as error:
        print(f"aduan notify: {error}", file=sys.stderr)
        return 1


def _from_log(
    settings: Settings,
    ledger: ComplaintLedger,
    store: ViewStore,
    once: bool,
    stopped: threading.Event,
) -> int:
    follower = build_log_follower(settings, ledger, store)
    with closing(follower.dispatcher):
        if once:
            _print(f"the log of {settings.database_url}", follower.catch_up(stopped))
            return 0
        print(f"notifying from the log of {settings.database_url} (no Kafka) from position "
              f"{follower.position()}; Ctrl-C stops", file=sys.stderr)  # fmt: skip
        follower.follow(stopped)
        return 0


def _print(where: str, report: Report) -> None:
    print(f"{report.messages} events from {where}: {report.sent} notifications sent, "
          f"{report.dead_lettered} dead-lettered")  # fmt: skip
