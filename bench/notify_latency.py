"""Notification latency benchmark: the time from an event's commit in the ledger to the
notifier's delivery of it, through Kafka (`aduan relay` → topic → `aduan notify` → webhook),
or with `--via log` through `aduan notify` following the ledger's log (no Kafka). See
docs/benchmarks.md.

    .venv/bin/python bench/notify_latency.py [--store sqlite|postgres|both] [--rate 200]
        [--seconds 120] [--via kafka|log|both] [--markdown]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import kafka
from kafka_pipeline import aduan_processes, bench_settings, logs_of, wait_until
from live_lag import percentiles
from machine import describe_machine
from projection_log import say
from report import markdown_table, text_table
from stores import DEFAULT_POSTGRES_URL, STORES, fresh_store, postgres_version, sqlite_version
from webhook_receiver import Arrivals, webhook_receiver
from workload import BENCH_UNIT_ID, BENCH_UNIT_NAME, complaint_bodies

from domain.sla import SlaPolicy
from domain.values import Actor, Role
from infra.settings import Settings
from services.composition import build_ledger, open_notification_store
from services.filing import Filing
from services.ledger import ComplaintLedger
from services.notifications.webhooks import Webhooks

TARGET_RATE, TARGET_P99_MS = 200, 500.0
FILED_ENOUGH = 0.95  # a run whose filings fell further behind the rate asked is not judged
EVENTS_PER_FILING = 2  # the complaint's Filed and its tracking number's Assigned: one commit
WARM_UP_SECONDS, DRAIN_SECONDS = 120.0, 120.0
BENCH_ADMIN = Actor(id="bench", role=Role.ADMIN)
PATHS = {"kafka": ("relay", "notify"), "log": ("notify",)}  # the processes each path runs
HEADER = ("store", "via", "events/s asked", "events/s filed", "events", "delivered", "missing",
          "duplicates", "p50 ms", "p90 ms", "p99 ms", "max ms")  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=(*STORES, "both"), default="both")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="events a second")
    parser.add_argument("--seconds", type=float, default=120, help="how long to file")
    parser.add_argument("--via", choices=(*PATHS, "both"), default="kafka")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--markdown", action="store_true")
    return parser.parse_args(argv)


def file_at_rate(
    ledger: ComplaintLedger, filings: list[Filing], per_second: float, seconds: float
) -> tuple[list[int], list[float]]:
    """File at ``per_second`` on a fixed schedule (a late call goes at once); for each
    filing, the log position of its last event and the moment the call returned."""
    positions: list[int] = []
    returned: list[float] = []
    started = time.monotonic()
    for number in range(int(per_second * seconds)):
        delay = started + number / per_second - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        ledger.file(filings[number % len(filings)], None)
        returned.append(time.monotonic())
        positions.append(ledger.recorder.max_notification_id() or 0)
        if number % 500 == 0:
            say(f"filing: {number * EVENTS_PER_FILING:,} events")
    return positions, returned


def latencies_ms(
    arrivals: Arrivals, positions: list[int], returned: list[float], after: int
) -> list[float]:
    """Arrival minus commit for each event after position ``after``: its commit is the
    return of the first filing whose events reach its position (one writer, in order)."""
    latencies = []
    for position, arrived in arrivals.first.items():
        index = bisect_left(positions, position)
        if position > after and index < len(positions):
            latencies.append(1000 * (arrived - returned[index]))
    return latencies


@contextmanager
def path_settings(via: str, database_url: str, bootstrap: str) -> Iterator[Settings]:
    if via == "kafka":
        with bench_settings(database_url, bootstrap) as settings:
            yield settings
    else:
        yield Settings(database_url=database_url)


def measure(store: str, via: str, args: argparse.Namespace, workdir: Path) -> tuple[str, ...]:
    with (
        fresh_store(store, workdir, args.postgres_url) as database_url,
        path_settings(via, database_url, args.bootstrap) as settings,
        webhook_receiver() as arrivals,
    ):
        ledger = build_ledger(settings)
        try:
            prepare(ledger, settings, arrivals.url)
            with aduan_processes(settings, workdir, PATHS[via]):
                say(f"{store} via {via}: filing {args.rate:.0f} events/s for {args.seconds:.0f}s")
                after, positions, returned = run(ledger, arrivals, args, workdir)
        finally:
            ledger.close()
    latencies = latencies_ms(arrivals, positions, returned, after)
    stats = percentiles(latencies)
    events = len(positions) * EVENTS_PER_FILING
    rate = (len(returned) - 1) * EVENTS_PER_FILING / (returned[-1] - returned[0])
    return (store, via, f"{args.rate:.0f}", f"{rate:.0f}", f"{events:,}", f"{len(latencies):,}",
            str(events - len(latencies)), str(arrivals.duplicates),
            *(f"{stats[cut]:.0f}" for cut in ("p50", "p90", "p99", "max")))  # fmt: skip


def run(
    ledger: ComplaintLedger, arrivals: Arrivals, args: argparse.Namespace, workdir: Path
) -> tuple[int, list[int], list[float]]:
    """One filing until its events are delivered (the processes are up and working),
    then filings at the rate; waits for their deliveries. Returns the log position the
    measured events come after, and each measured filing's position and return."""
    filings = [Filing.model_validate_json(body) for body in complaint_bodies(2000)]
    before = ledger.recorder.max_notification_id() or 0
    ledger.file(filings[0], None)
    if not wait_until(lambda: arrivals.count_after(before) == EVENTS_PER_FILING, WARM_UP_SECONDS):
        raise SystemExit(f"no delivery within {WARM_UP_SECONDS:.0f}s\n{logs_of(workdir)}")
    after = ledger.recorder.max_notification_id() or 0
    per_second = args.rate / EVENTS_PER_FILING
    positions, returned = file_at_rate(ledger, filings, per_second, args.seconds)
    events = len(positions) * EVENTS_PER_FILING
    if not wait_until(lambda: arrivals.count_after(after) >= events, DRAIN_SECONDS):
        print(f"\nnot every event was delivered within {DRAIN_SECONDS:.0f}s\n{logs_of(workdir)}",
              file=sys.stderr)  # fmt: skip
    print(file=sys.stderr)
    return after, positions, returned


def prepare(ledger: ComplaintLedger, settings: Settings, url: str) -> None:
    """The filings' unit, and one webhook for every event type, pointing at the receiver."""
    ledger.register_unit(BENCH_ADMIN, BENCH_UNIT_ID, BENCH_UNIT_NAME, None, SlaPolicy())
    store = open_notification_store(settings)
    try:
        Webhooks(store).register(url, ["*"], None, "bench-webhook-secret-" + "s" * 16, "bench")
    finally:
        store.close()


def verdict(row: tuple[str, ...]) -> tuple[str, str, str]:
    store, via, asked, filed = row[0], row[1], float(row[2]), float(row[3])
    p99, missing = float(row[10]), int(row[6])
    target = (f"{store} via {via}: commit → notifier p99 ≤ {TARGET_P99_MS:.0f} ms at "
              f"{TARGET_RATE} events/s")  # fmt: skip
    if asked != TARGET_RATE:
        return target, f"{p99:.0f} ms at {asked:.0f}/s", "not judged (another rate)"
    if filed < asked * FILED_ENOUGH:
        return target, f"{p99:.0f} ms at {filed:.0f}/s filed", "not judged (filing fell short)"
    met = p99 <= TARGET_P99_MS and missing == 0
    return target, f"{p99:.0f} ms", "met" if met else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stores = STORES if args.store == "both" else (args.store,)
    paths = tuple(PATHS) if args.via == "both" else (args.via,)
    versions = {"SQLite": sqlite_version(), "kafka-python": kafka.__version__}
    if "postgres" in stores:
        versions["PostgreSQL"] = postgres_version(args.postgres_url)
    machine = describe_machine(None, versions)
    machine["load generator"] = "ComplaintLedger.file in the bench process, one caller"
    with tempfile.TemporaryDirectory(prefix="aduan-bench-notify-") as workdir:
        rows = [measure(store, via, args, Path(workdir)) for store in stores for via in paths]
    verdicts = [verdict(row) for row in rows]
    print()
    print(text_table(rows, HEADER))
    print()
    print(text_table(verdicts, ("target", "measured", "outcome")))
    if args.markdown:
        print("\n## Machine\n")
        print(markdown_table(list(machine.items()), ("", "")))
        print(f"\nCommand: `python bench/notify_latency.py {' '.join(argv or sys.argv[1:])}`\n")
        print(markdown_table(rows, HEADER))
        print()
        print(markdown_table(verdicts, ("target", "measured", "outcome")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
