"""Projection benchmarks: rebuild rate of each view from a large log, commit-to-view lag
while filing at a steady rate, and ``GET /v1/metrics/summary`` latency over many
complaints. See docs/benchmarks.md.

    .venv/bin/python bench/read_models.py [--store sqlite|postgres|both]
        [--parts rebuild,lag,summary] [--markdown]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from live_lag import Sampler, file_at_rate, percentiles
from machine import REPOSITORY, describe_machine
from projection_log import build_log, cached_sqlite_log, copy_sqlite_store, feed_views, say
from report import markdown_table, text_table
from server import SECRET_KEY, register_bench_unit, running_server
from stores import (
    DEFAULT_POSTGRES_URL,
    STORES,
    copy_template,
    fresh_store,
    keep_as_template,
    postgres_version,
    settle_postgres,
    sqlite_version,
    template_note,
)

from domain.values import Role
from infra.event_store import sqlite_path
from infra.settings import Settings
from projections.complaints import ComplaintsProjection
from projections.metrics import MetricsProjection
from services.auth import TokenIssuer
from services.composition import build_ledger, build_projection_host
from services.projection_host import open_view_store, views_file_beside

TARGETS = {"rebuild events/s": 20_000, "lag p99 ms": 500, "summary p99 ms": 20}
SUMMARY_PERIODS = (30, 91, 365)
PARTS = ("rebuild", "lag", "summary")
VIEW_VERSIONS = f"{ComplaintsProjection.version}.{MetricsProjection.version}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=(*STORES, "both"), default="both")
    parser.add_argument(
        "--parts",
        type=lambda text: [part for part in text.split(",") if part],
        default=list(PARTS),
        help="which measurements, comma-separated (default: rebuild,lag,summary)",
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the rebuilt log")
    parser.add_argument("--summary-complaints", type=int, default=1_000_000)
    parser.add_argument("--summary-requests", type=int, default=300)
    parser.add_argument("--lag-rate", type=float, default=300, help="filings a second")
    parser.add_argument("--lag-seconds", type=float, default=60)
    parser.add_argument("--cache", type=Path, default=REPOSITORY / "var" / "bench")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--markdown", action="store_true")
    return parser.parse_args(argv)


def measure_rebuilds(store: str, args: argparse.Namespace, workdir: Path) -> list[tuple[str, ...]]:
    with fresh_store(store, workdir, args.postgres_url) as database_url:
        if store == "sqlite":
            log = cached_sqlite_log(args.cache, args.events, say)
            database_url = copy_sqlite_store(log, workdir)
        else:
            build_log(database_url, args.events, say)
            say("settling the log (VACUUM ANALYZE)...")
            settle_postgres(database_url)
        print(file=sys.stderr)
        ledger = build_ledger(Settings(database_url=database_url))
        host = build_projection_host(Settings(database_url=database_url), ledger)
        log_size = ledger.recorder.max_notification_id() or 0
        rows = []
        try:
            for name, runner in host.runners.items():
                started = time.perf_counter()
                applied = runner.rebuild(rebuild_progress(name))
                seconds = time.perf_counter() - started
                print(file=sys.stderr)
                rows.append(
                    (
                        store,
                        name,
                        f"{log_size:,}",
                        f"{applied:,}",
                        f"{seconds:.1f}",
                        f"{log_size / seconds:,.0f}",
                        f"{applied / seconds:,.0f}",
                    )
                )
        finally:
            host.stop()
            ledger.close()
    return rows


def rebuild_progress(name: str) -> Callable[[int, int], None]:
    return lambda done, total: say(f"rebuilding {name}: {done:,}/{total:,}")


@contextmanager
def projector(database_url: str, workdir: Path) -> Iterator[None]:
    """``aduan project`` beside the server, where projections are not in-process."""
    if sqlite_path(database_url) is not None:
        yield
        return
    env = {**os.environ, "ADUAN_DATABASE_URL": database_url, "ADUAN_SECRET_KEY": SECRET_KEY}
    command = [str(Path(sys.executable).with_name("aduan")), "project"]
    with (workdir / "project.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            process.terminate()
            process.wait(timeout=15)


def measure_lag(store: str, args: argparse.Namespace, workdir: Path) -> tuple[str, ...]:
    with (
        fresh_store(store, workdir, args.postgres_url) as database_url,
        running_server(database_url, workdir) as server,
        projector(database_url, workdir),
    ):
        register_bench_unit(server)
        with Sampler(database_url) as sampler:
            time.sleep(1)
            first = sampler.log[-1] + 1
            say(f"{store}: filing at {args.lag_rate:.0f}/s for {args.lag_seconds:.0f}s")
            filed, failed, achieved = asyncio.run(
                file_at_rate(server.base_url, args.lag_rate, args.lag_seconds)
            )
            time.sleep(2)
            last = sampler.log[-1]
        print(file=sys.stderr)
        lags = sampler.lags_ms(first, last)
    stats = {view: percentiles(values) for view, values in lags.items()}
    cells = [
        f"{stats[v]['p50']:.0f} / {stats[v]['p99']:.0f} / {stats[v]['max']:.0f}"
        for v in sorted(stats)
    ]
    worst_p99 = max(stats[v]["p99"] for v in stats)
    return (
        store,
        f"{args.lag_rate:.0f}",
        f"{achieved:.0f}",
        f"{filed:,}",
        str(failed),
        *cells,
        f"{worst_p99:.0f}",
    )


def measure_summary(store: str, args: argparse.Namespace, workdir: Path) -> tuple[str, ...]:
    with fresh_store(store, workdir, args.postgres_url) as database_url:
        fed = filled_views(database_url, args)
        with running_server(database_url, workdir) as server:
            latencies = asyncio.run(
                ask(
                    server.base_url, "/v1/metrics/summary", SUMMARY_QUESTIONS, args.summary_requests
                )
            )
            aging = asyncio.run(
                ask(server.base_url, "/v1/metrics/aging", AGING_QUESTIONS, args.summary_requests)
            )
    stats, aging_stats = percentiles(latencies), percentiles(aging)
    return (
        store,
        f"{args.summary_complaints:,}",
        f"{fed:,}",
        str(len(latencies)),
        f"{stats['p50']:.1f}",
        f"{stats['p99']:.1f}",
        f"{stats['max']:.1f}",
        f"{aging_stats['p50']:.1f} / {aging_stats['p99']:.1f}",
    )


def filled_views(database_url: str, args: argparse.Namespace) -> int:
    """Fill the store's complaints and metrics views with ``--summary-complaints``
    complaints; returns how many events they took. The filled views are kept for the next
    run: on SQLite as a file in ``--cache``, on PostgreSQL as a template database."""
    path = sqlite_path(database_url)
    if path is None:
        return filled_postgres_views(database_url, args)
    cached = args.cache / f"summary-views-{args.summary_complaints}-v{VIEW_VERSIONS}.db"
    if cached.exists():
        shutil.copyfile(cached, views_file_beside(path))
        return int(cached.with_suffix(".events").read_text())
    fed = fed_views(database_url, args)
    args.cache.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(views_file_beside(path), cached)
    cached.with_suffix(".events").write_text(str(fed))
    return fed


def filled_postgres_views(database_url: str, args: argparse.Namespace) -> int:
    """The run's database copied from the template database of these views, made from
    the first run's filled database (its comment: the events fed)."""
    template = f"aduan_summary_views_{args.summary_complaints}_v{VIEW_VERSIONS}".replace(".", "_")
    note = template_note(database_url, template)
    if note is not None:
        copy_template(database_url, template)
        return int(note)
    fed = fed_views(database_url, args)
    keep_as_template(database_url, template, str(fed))
    return fed


def fed_views(database_url: str, args: argparse.Namespace) -> int:
    views = open_view_store(sqlite_path(database_url), database_url)
    calendar = build_ledger(Settings(database_url=database_url)).calendar
    projections = [ComplaintsProjection(), MetricsProjection(calendar)]
    fed = feed_views(views, projections, args.summary_complaints, say)
    views.close()
    print(file=sys.stderr)
    return fed


SUMMARY, AGING = "/v1/metrics/summary", "/v1/metrics/aging"
LAST_DAY = date(2026, 11, 23)
SUMMARY_QUESTIONS = [
    {"from": str(LAST_DAY - timedelta(days=days)), "to": str(LAST_DAY), **unit}
    for days in SUMMARY_PERIODS
    for unit in ({}, {"unit_id": "unit-07"})
]
AGING_QUESTIONS: list[dict[str, str]] = [{}, {"unit_id": "unit-07"}]


async def ask(
    base_url: str, path: str, questions: list[dict[str, str]], requests: int
) -> list[float]:
    """Milliseconds each of ``requests`` GETs of ``path`` took, one at a time, cycling
    through the questions (query parameters), as a coordinator."""
    token = TokenIssuer(SECRET_KEY, timedelta(hours=1)).issue(
        Role.COORDINATOR, "bench", [], datetime.now(UTC)
    )
    latencies = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
        for number in range(requests):
            started = time.perf_counter()
            response = await client.get(path, params=questions[number % len(questions)])
            latencies.append(1000 * (time.perf_counter() - started))
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}: {response.text}")
    return latencies


REBUILD_HEADER = ("store", "view", "log events", "applied", "seconds", "events/s", "applied/s")
LAG_HEADER = (
    "store",
    "target/s",
    "achieved/s",
    "filed",
    "failed",
    "complaints lag p50/p99/max ms",
    "metrics lag p50/p99/max ms",
    "worst p99 ms",
)
SUMMARY_HEADER = (
    "store",
    "complaints in views",
    "events fed",
    "requests",
    "p50 ms",
    "p99 ms",
    "max ms",
    "aging p50 / p99 ms",
)


def verdicts(
    rebuilds: list[tuple[str, ...]], lags: list[tuple[str, ...]], summaries: list[tuple[str, ...]]
) -> list[tuple[str, ...]]:
    rows = []
    for row in rebuilds:
        rate = float(row[5].replace(",", ""))
        rows.append(
            (
                f"{row[0]} {row[1]}: rebuild ≥ 20,000 events/s",
                f"{row[5]}/s",
                "met" if rate >= 20_000 else "MISSED",
            )
        )
    for row in lags:
        p99 = float(row[-1])
        rows.append(
            (
                f"{row[0]}: lag p99 ≤ 500 ms at {row[1]}/s",
                f"{row[-1]} ms",
                "met" if p99 <= 500 else "MISSED",
            )
        )
    for row in summaries:
        p99 = float(row[5])
        rows.append(
            (f"{row[0]}: summary p99 ≤ 20 ms", f"{row[5]} ms", "met" if p99 <= 20 else "MISSED")
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        print(f"Unknown parts: {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}.")
        return 2
    stores = STORES if args.store == "both" else (args.store,)
    versions = {"SQLite": sqlite_version()}
    if "postgres" in stores:
        versions["PostgreSQL"] = postgres_version(args.postgres_url)
    machine = describe_machine(None, versions)
    rebuilds, lags, summaries = [], [], []
    with tempfile.TemporaryDirectory(prefix="aduan-bench-") as temporary:
        workdir = Path(temporary)
        for store in stores:
            if "rebuild" in args.parts:
                rebuilds += measure_rebuilds(store, args, workdir)
            if "lag" in args.parts:
                lags.append(measure_lag(store, args, workdir))
            if "summary" in args.parts:
                summaries.append(measure_summary(store, args, workdir))
    tables = [
        (rows, header)
        for rows, header in (
            (rebuilds, REBUILD_HEADER),
            (lags, LAG_HEADER),
            (summaries, SUMMARY_HEADER),
            (verdicts(rebuilds, lags, summaries), ("target", "measured", "outcome")),
        )
        if rows  # the parts not measured
    ]
    for rows, header in tables:
        print()
        print(text_table(rows, header))
    if args.markdown:
        print("\n" + markdown_table(list(machine.items()), ("", "")))
        for rows, header in tables:
            print()
            print(markdown_table(rows, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
