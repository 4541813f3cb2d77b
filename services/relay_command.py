"""`aduan relay`: publish the event log to Kafka, once or following it until stopped."""

from __future__ import annotations

import argparse
import functools
import logging
import signal
import sys
import threading
from collections.abc import Callable

from infra.kafka_publisher import PublishError
from infra.settings import Settings
from services.composition import build_ledger, build_relay, connect_publisher
from services.progress import progress_bar
from services.relay import Publisher, Relay

KAFKA_NOT_CONFIGURED = (
    "Kafka is not configured: set ADUAN_KAFKA_BOOTSTRAP (e.g. 127.0.0.1:9092, which "
    "`make kafka` starts)."
)


def relay(settings: Settings, args: argparse.Namespace) -> int:
    bootstrap = settings.kafka_bootstrap
    if not bootstrap:
        print(KAFKA_NOT_CONFIGURED, file=sys.stderr)
        return 2
    # The client logs every failed reconnect; the relay says once per retry what failed.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    ledger = build_ledger(settings)
    try:
        log_relay = build_relay(settings, ledger)
        connect = functools.partial(connect_publisher, settings, bootstrap)
        if args.once:
            return relay_once(log_relay, connect)
        return relay_follow(log_relay, connect, bootstrap)
    finally:
        ledger.close()


def relay_once(log_relay: Relay, connect: Callable[[], Publisher]) -> int:
    try:
        publisher = connect()
        try:
            backlog = log_relay.backlog()
            progress = progress_bar(f"publishing to {log_relay.topic}") if backlog else None
            sent = log_relay.publish_backlog(publisher, progress)
        finally:
            publisher.close()
    except PublishError as error:
        print(f"{error}. Nothing was skipped: the next run resends from log position "
              f"{log_relay.last_position}.", file=sys.stderr)  # fmt: skip
        return 1
    print(
        f"published {sent} events to {log_relay.topic}, up to log position "
        f"{log_relay.last_position}"
    )
    return 0


def relay_follow(log_relay: Relay, connect: Callable[[], Publisher], bootstrap: str) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stopped = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopped.set())
    print(
        f"relaying the log to {log_relay.topic} on {bootstrap} from log position "
        f"{log_relay.position()} ({log_relay.backlog()} events behind); Ctrl-C stops",
        file=sys.stderr,
    )
    log_relay.follow(connect, stopped)
    return 0
