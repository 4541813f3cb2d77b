"""Relay benchmark: how fast `aduan relay` empties a backlog of events into Kafka.

A SQLite log of ``--events`` events (complaint histories with survey responses and
promises, built once and cached) is copied to a fresh store; the relay then publishes the
whole backlog to a fresh topic on the broker, exactly as ``aduan relay --once`` does
(read, decode, envelope, send, flush and confirm, record the position, batch by batch).
See docs/benchmarks.md.

    .venv/bin/python bench/relay.py [--events 200000] [--markdown]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import psutil
from machine import REPOSITORY, describe_machine
from projection_log import cached_sqlite_log, copy_sqlite_store, say
from report import markdown_table, text_table
from stores import sqlite_version

from infra.kafka_publisher import KafkaPublisher
from infra.kafka_topics import admin_client, ensure_topics, topic_specs
from infra.settings import Settings
from services.composition import build_ledger, build_relay

TARGET_EVENTS_PER_SECOND = 10_000
HEADER = ("events", "batch", "partitions", "seconds", "events/s", "relay CPU s", "CPU µs/event")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="events in the backlog")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--cache", type=Path, default=REPOSITORY / "var" / "bench")
    parser.add_argument("--markdown", action="store_true")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, workdir: Path) -> tuple[str, ...]:
    log = cached_sqlite_log(args.cache, args.events, say)
    print(file=sys.stderr)
    topic = f"aduan.bench.relay.{uuid.uuid4().hex[:8]}"
    settings = Settings(
        database_url=copy_sqlite_store(log, workdir),
        kafka_bootstrap=args.bootstrap,
        kafka_topic=topic,
        kafka_dead_letter_topic=f"{topic}.dlq",
    )
    admin = admin_client(args.bootstrap)
    ensure_topics(admin, topic_specs(settings))
    ledger = build_ledger(settings)
    publisher = KafkaPublisher(args.bootstrap, topic, settings.kafka_timeout_seconds)
    try:
        relay = build_relay(settings, ledger)
        backlog = relay.backlog()
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        sent = relay.publish_backlog(
            publisher, lambda done, total: say(f"publishing: {done:,}/{total:,} events")
        )
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        print(file=sys.stderr)
    finally:
        publisher.close()
        ledger.close()
        admin.delete_topics([spec.name for spec in topic_specs(settings)])
        admin.close()
    if sent != backlog:
        raise RuntimeError(f"the relay sent {sent:,} of a backlog of {backlog:,} events")
    return (
        f"{sent:,}",
        f"{settings.kafka_relay_batch_size:,}",
        str(settings.kafka_partitions),
        f"{seconds:.1f}",
        f"{sent / seconds:,.0f}",
        f"{cpu:.1f}",
        f"{1e6 * cpu / sent:.0f}",
    )


def _cpu_seconds() -> float:
    """This process's user + system time, every thread (the producer sends from its own)."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    machine = describe_machine(None, {"SQLite": sqlite_version()})
    del machine["load generator"]  # none: the relay reads its backlog from the store
    with tempfile.TemporaryDirectory(prefix="aduan-bench-relay-") as workdir:
        row = measure(args, Path(workdir))
    rate = float(row[4].replace(",", ""))
    verdict = (
        f"relay: ≥ {TARGET_EVENTS_PER_SECOND:,} events/s on a backlog",
        f"{row[4]}/s",
        "met" if rate >= TARGET_EVENTS_PER_SECOND else "MISSED",
    )
    print()
    print(text_table([row], HEADER))
    print()
    print(text_table([verdict], ("target", "measured", "outcome")))
    if args.markdown:
        print("\n## Machine\n")
        print(markdown_table(list(machine.items()), ("", "")))
        print(f"\nCommand: `python bench/relay.py --events {args.events}`\n")
        print(markdown_table([row], HEADER))
        print()
        print(markdown_table([verdict], ("target", "measured", "outcome")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
