"""Verifiable-log benchmark: how fast the tree follower appends a large log, how fast
``aduan ledger verify`` recomputes and checks it, and how long an inclusion proof takes.

A log of ``--events`` events (complaint histories with survey responses and promises;
on SQLite built once and cached) is put in a fresh store; the follower then appends the
whole backlog as ``aduan ledger follow --once`` does (a signed checkpoint every 1,000
events), the verifier checks it as ``aduan ledger verify`` does, and inclusion proofs for
random leaves against the latest checkpoint are asked for one at a time, as
``GET /v1/ledger/proof/inclusion`` asks for them. See docs/benchmarks.md.

    .venv/bin/python bench/ledger.py [--store sqlite|postgres|both] [--events 1000000] [--markdown]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psutil
from live_lag import percentiles
from machine import REPOSITORY, describe_machine
from projection_log import build_log, cached_sqlite_log, copy_sqlite_store, say
from report import markdown_table, text_table
from stores import DEFAULT_POSTGRES_URL, STORES, fresh_store, postgres_version, sqlite_version

from infra.settings import Settings
from infra.transparency.merkle import leaf_hash
from infra.transparency.proofs import verify_inclusion
from services.composition import (
    build_ledger,
    build_ledger_proofs,
    build_tree_follower,
    build_verifier,
)

TARGET_EVENTS_PER_SECOND = 100_000
HEADER = (
    "store", "events", "append s", "append events/s", "append CPU µs/event", "verify s",
    "verify events/s", "proofs", "proof p50 ms", "proof p99 ms", "proof max ms",
)  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=(*STORES, "both"), default="both")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the log")
    parser.add_argument("--proofs", type=int, default=1000, help="inclusion proofs timed")
    parser.add_argument("--cache", type=Path, default=REPOSITORY / "var" / "bench")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--markdown", action="store_true")
    return parser.parse_args(argv)


def measure(store: str, args: argparse.Namespace, workdir: Path) -> tuple[str, ...]:
    with fresh_store(store, workdir, args.postgres_url) as database_url:
        if store == "sqlite":
            database_url = copy_sqlite_store(
                cached_sqlite_log(args.cache, args.events, say), workdir
            )
        else:
            build_log(database_url, args.events, say)
        print(file=sys.stderr)
        settings = Settings(
            database_url=database_url, ledger_signing_key_file=workdir / "ledger.key"
        )
        ledger = build_ledger(settings)
        try:
            events, append_seconds, append_cpu = _append(settings, ledger)
            verify_seconds = _verify(settings, ledger, events)
            latencies = _proofs(settings, ledger, args.proofs)
        finally:
            ledger.close()
    stats = percentiles(latencies)
    return (
        store, f"{events:,}", f"{append_seconds:.1f}", f"{events / append_seconds:,.0f}",
        f"{1e6 * append_cpu / events:.1f}", f"{verify_seconds:.1f}",
        f"{events / verify_seconds:,.0f}", f"{len(latencies):,}", f"{stats['p50']:.2f}",
        f"{stats['p99']:.2f}", f"{stats['max']:.2f}",
    )  # fmt: skip


def _append(settings: Settings, ledger: object) -> tuple[int, float, float]:
    follower = build_tree_follower(settings, ledger)  # type: ignore[arg-type]
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    appended = follower.catch_up(progress=lambda done, total: say(f"appending: {done:,}/{total:,}"))
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    print(file=sys.stderr)
    return appended, seconds, cpu


def _verify(settings: Settings, ledger: object, events: int) -> float:
    verifier = build_verifier(settings, ledger)  # type: ignore[arg-type]
    started = time.perf_counter()
    report = verifier.run(lambda done, total: say(f"verifying: {done:,}/{total:,}"))
    seconds = time.perf_counter() - started
    print(file=sys.stderr)
    if report.problem is not None or report.leaves != events:
        raise RuntimeError(f"verify did not pass over {events:,} events: {report}")
    return seconds


def _proofs(settings: Settings, ledger: object, count: int) -> list[float]:
    """Milliseconds per proof, each checked against the checkpoint's root afterwards."""
    proofs = build_ledger_proofs(settings, ledger)  # type: ignore[arg-type]
    size = proofs.checkpoint().tree_size
    rng, latencies = random.Random(9162), []
    for _ in range(count):
        index = rng.randrange(size)
        started = time.perf_counter()
        proof = proofs.inclusion(index, None)
        latencies.append(1000 * (time.perf_counter() - started))
        leaf = proofs.leaf(index)
        path = [bytes.fromhex(node) for node in proof["inclusion_path"]]
        root = bytes.fromhex(proof["root_hash"])
        if not verify_inclusion(leaf_hash(leaf["leaf_input"].encode()), index, size, path, root):
            raise RuntimeError(f"the inclusion proof of leaf {index} does not verify")
    return latencies


def _cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stores = STORES if args.store == "both" else (args.store,)
    versions = {"SQLite": sqlite_version()}
    if "postgres" in stores:
        versions["PostgreSQL"] = postgres_version(args.postgres_url)
    machine = describe_machine(None, versions)
    del machine["load generator"]  # none: the follower and verifier read the store
    with tempfile.TemporaryDirectory(prefix="aduan-bench-ledger-") as workdir:
        rows = [measure(store, args, Path(workdir)) for store in stores]
    verdicts = []
    for row in rows:
        for what, rate in (("append", row[3]), ("verify", row[6])):
            met = float(rate.replace(",", "")) >= TARGET_EVENTS_PER_SECOND
            target = f"{row[0]}: {what} ≥ {TARGET_EVENTS_PER_SECOND:,} events/s"
            verdicts.append((target, f"{rate}/s", "met" if met else "MISSED"))
    print()
    print(text_table(rows, HEADER))
    print()
    print(text_table(verdicts, ("target", "measured", "outcome")))
    if args.markdown:
        print("\n" + markdown_table(list(machine.items()), ("", "")))
        print(f"\nCommand: `python bench/ledger.py --store {args.store} --events {args.events}`\n")
        print(markdown_table(rows, HEADER))
        print()
        print(markdown_table(verdicts, ("target", "measured", "outcome")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
