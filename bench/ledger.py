"""Verifiable-log benchmark: how fast the tree follower appends a large log, how fast
``aduan ledger verify`` recomputes and checks it, and how long an inclusion proof takes.

A log of ``--events`` events (complaint histories with survey responses and promises;
on SQLite built once and cached) is put in a fresh store; the follower then appends the
whole backlog as ``aduan ledger follow --once`` does (a signed checkpoint every 1,000
events), the verifier checks it as ``aduan ledger verify`` does, and inclusion proofs for
random leaves against the latest checkpoint are asked for one at a time, as
``GET /v1/ledger/proof/inclusion`` asks for them. With ``--repeat N`` the tree is built
and verified N times over the same log (a fresh copy of the SQLite file, the tree's tables
dropped on PostgreSQL) and the median of the runs is given with them. See
docs/benchmarks.md.

    .venv/bin/python bench/ledger.py [--store sqlite|postgres|both] [--events 1000000]
                                     [--repeat 3] [--markdown]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import psutil
import psycopg
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
    "store", "run", "load (1 min)", "events", "append s", "append events/s",
    "append CPU µs/event", "verify s", "verify events/s", "verify CPU µs/event", "proofs",
    "proof p50 ms", "proof p99 ms", "proof max ms",
)  # fmt: skip
TREE_TABLES = "ledger_leaves, ledger_nodes, ledger_checkpoints"


@dataclass(frozen=True)
class Run:
    load: float  # the 1-minute load average as the run started
    events: int
    append_seconds: float
    append_cpu: float
    verify_seconds: float
    verify_cpu: float
    proofs: int
    proof_p50: float
    proof_p99: float
    proof_max: float

    def row(self, store: str, name: str) -> tuple[str, ...]:
        return (
            store, name, f"{self.load:.2f}", f"{self.events:,}", f"{self.append_seconds:.1f}",
            f"{self.events / self.append_seconds:,.0f}",
            f"{1e6 * self.append_cpu / self.events:.1f}", f"{self.verify_seconds:.1f}",
            f"{self.events / self.verify_seconds:,.0f}",
            f"{1e6 * self.verify_cpu / self.events:.1f}", f"{self.proofs:,}",
            f"{self.proof_p50:.2f}", f"{self.proof_p99:.2f}", f"{self.proof_max:.2f}",
        )  # fmt: skip


def median(runs: Sequence[Run]) -> Run:
    """Each figure's median over the runs (the rates are of the median times); the runs
    share their log and their number of proofs."""
    figures = {f.name: statistics.median(getattr(run, f.name) for run in runs) for f in fields(Run)}
    return Run(**{**figures, "events": runs[0].events, "proofs": runs[0].proofs})


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=(*STORES, "both"), default="both")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the log")
    parser.add_argument("--proofs", type=int, default=1000, help="inclusion proofs timed")
    parser.add_argument("--repeat", type=int, default=1, help="runs over the same log")
    parser.add_argument("--cache", type=Path, default=REPOSITORY / "var" / "bench")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--markdown", action="store_true")
    return parser.parse_args(argv)


def measure(store: str, args: argparse.Namespace, workdir: Path) -> list[Run]:
    with fresh_store(store, workdir, args.postgres_url) as database_url:
        if store == "sqlite":
            log = cached_sqlite_log(args.cache, args.events, say)
        else:
            build_log(database_url, args.events, say)
        print(file=sys.stderr)
        runs = []
        for _ in range(args.repeat):
            if store == "sqlite":
                database_url = copy_sqlite_store(log, workdir)
            else:
                with psycopg.connect(database_url, autocommit=True) as connection:
                    connection.execute(f"DROP TABLE IF EXISTS {TREE_TABLES}")
            runs.append(_run(database_url, args.proofs, workdir))
    return runs


def _run(database_url: str, proofs: int, workdir: Path) -> Run:
    settings = Settings(database_url=database_url, ledger_signing_key_file=workdir / "ledger.key")
    load = psutil.getloadavg()[0]
    ledger = build_ledger(settings)
    try:
        events, append_seconds, append_cpu = _append(settings, ledger)
        verify_seconds, verify_cpu = _verify(settings, ledger, events)
        stats = percentiles(_proofs(settings, ledger, proofs))
    finally:
        ledger.close()
    return Run(load, events, append_seconds, append_cpu, verify_seconds, verify_cpu, proofs,
               stats["p50"], stats["p99"], stats["max"])  # fmt: skip


def _append(settings: Settings, ledger: object) -> tuple[int, float, float]:
    follower = build_tree_follower(settings, ledger)  # type: ignore[arg-type]
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    appended = follower.catch_up(progress=lambda done, total: say(f"appending: {done:,}/{total:,}"))
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    print(file=sys.stderr)
    return appended, seconds, cpu


def _verify(settings: Settings, ledger: object, events: int) -> tuple[float, float]:
    verifier = build_verifier(settings, ledger)  # type: ignore[arg-type]
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    report = verifier.run(lambda done, total: say(f"verifying: {done:,}/{total:,}"))
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    print(file=sys.stderr)
    if report.problem is not None or report.leaves != events:
        raise RuntimeError(f"verify did not pass over {events:,} events: {report}")
    return seconds, cpu


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
        measured = {store: measure(store, args, Path(workdir)) for store in stores}
    rows, verdicts = [], []
    for store, runs in measured.items():
        rows += [run.row(store, str(number)) for number, run in enumerate(runs, start=1)]
        middle = median(runs)
        if len(runs) > 1:
            rows.append(middle.row(store, "median"))
        for what, seconds in (("append", middle.append_seconds), ("verify", middle.verify_seconds)):
            rate = middle.events / seconds
            target = f"{store}: {what} ≥ {TARGET_EVENTS_PER_SECOND:,} events/s"
            outcome = "met" if rate >= TARGET_EVENTS_PER_SECOND else "MISSED"
            verdicts.append((target, f"{rate:,.0f}/s", outcome))
    print()
    print(text_table(rows, HEADER))
    print()
    print(text_table(verdicts, ("target", "measured", "outcome")))
    if args.markdown:
        print("\n" + markdown_table(list(machine.items()), ("", "")))
        command = f"python bench/ledger.py --store {args.store} --events {args.events}"
        print(f"\nCommand: `{command} --repeat {args.repeat}`\n")
        print(markdown_table(rows, HEADER))
        print()
        print(markdown_table(verdicts, ("target", "measured", "outcome")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
