"""The ingest benchmark: complaints filed over HTTP against `aduan serve` (one worker) by 32
concurrent clients, and the bare `ComplaintLedger.file` loop on the same kind of store.

    .venv/bin/python bench/ingest.py [--store sqlite|postgres|both] [--complaints N]
                                     [--duration SECONDS] [--bare-complaints N] [--markdown]

Each measurement gets a fresh store (a new SQLite file; a PostgreSQL database created for
it and dropped after). Prints complaints/s, p50/p99 latency, the server's peak RSS and the
HTTP/bare ratio, then which targets are met; --markdown adds rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bare import file_bare
from load import LoadResult, ensure_wrk, run_wrk
from machine import describe_machine
from report import COLUMNS, MB, StoreResult, markdown_table, text_table, verdicts
from server import RssSampler, register_bench_unit, running_server
from stores import DEFAULT_POSTGRES_URL, STORES, fresh_store, postgres_version, sqlite_version
from workload import complaint_bodies

BODY_COUNT = 2000
SETTLE_SECONDS = 1.0


class Progress:
    """One status line on stderr, rewritten in place on a terminal, every 10% otherwise."""

    def __init__(self, label: str, total: int, rss: RssSampler | None = None) -> None:
        self._label, self._total, self._rss = label, total, rss
        self._started = time.perf_counter()
        self._tty = sys.stderr.isatty()
        self._next_line_at = total / 10

    def __call__(self, done: int) -> None:
        if not self._tty and done < self._next_line_at and done < self._total:
            return
        self._next_line_at += self._total / 10
        rate = done / max(time.perf_counter() - self._started, 1e-9)
        line = f"{self._label}: {done:,}/{self._total:,} complaints, {rate:,.0f}/s"
        if self._rss is not None:
            line += f", server RSS {self._rss.current_bytes / MB:.0f} MB"
        print(f"\r{line}" if self._tty else line, end="" if self._tty else "\n", file=sys.stderr)

    def finish(self) -> None:
        if self._tty:
            print(file=sys.stderr)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=[*STORES, "both"], default="both")
    parser.add_argument(
        "--complaints", type=int, default=100_000, metavar="N", help="filed over HTTP, per store"
    )
    parser.add_argument(
        "--duration", type=int, default=600, metavar="SECONDS", help="cap on each HTTP run"
    )
    parser.add_argument(
        "--bare-complaints", type=int, default=20_000, metavar="N", help="filed bare, per store"
    )
    parser.add_argument(
        "--connections", type=int, default=32, metavar="N", help="concurrent HTTP clients"
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        metavar="URL",
        help="the bench database (dropped and created again)",
    )
    parser.add_argument("--markdown", action="store_true", help="also print rows for the docs")
    return parser.parse_args(argv)


def measure_http(
    database_url: str, args: argparse.Namespace, wrk: str, workdir: Path, label: str
) -> tuple[LoadResult, RssSampler]:
    with running_server(database_url, workdir) as server:
        register_bench_unit(server)
        print(f"{label}: aduan serve (pid {server.pid}) on {server.base_url}", file=sys.stderr)
        with RssSampler(server.pid) as rss:
            progress = Progress(label, args.complaints, rss)
            load = run_wrk(
                wrk,
                server.base_url,
                workdir / "bodies.jsonl",
                limit=args.complaints,
                duration_seconds=args.duration,
                connections=args.connections,
                on_progress=progress,
            )
            progress.finish()
            time.sleep(SETTLE_SECONDS)  # the last in-flight requests end before the last sample
    return load, rss


def measure_store(
    store: str, args: argparse.Namespace, wrk: str, workdir: Path, bodies: list[bytes]
) -> StoreResult:
    with fresh_store(store, workdir, args.postgres_url) as database_url:
        load, rss = measure_http(database_url, args, wrk, workdir, f"{store} HTTP")
    with fresh_store(store, workdir, args.postgres_url) as database_url:
        progress = Progress(f"{store} bare", args.bare_complaints)
        bare = file_bare(database_url, bodies, args.bare_complaints, progress)
        progress.finish()
    return StoreResult(store, load, rss.peak_bytes, rss.current_bytes, rss.cpu_seconds, bare)


def print_report(results: list[StoreResult], machine: dict[str, str], markdown: bool) -> None:
    rows = [result.row() for result in results]
    verdict_rows = [verdict.row() for result in results for verdict in verdicts(result)]
    verdict_header = ("target", "measured", "outcome")
    print()
    print(text_table(rows, COLUMNS))
    print()
    print(text_table(verdict_rows, verdict_header))
    if markdown:
        command = shlex.join(["python", "bench/ingest.py", *sys.argv[1:]])
        print(f"\n## Machine\n\n{markdown_table(list(machine.items()), ('', ''))}")
        print(f"\nCommand: `{command}`\n")
        print(markdown_table(rows, COLUMNS))
        print()
        print(markdown_table(verdict_rows, verdict_header))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stores = STORES if args.store == "both" else (args.store,)
    wrk = ensure_wrk()
    versions = {"SQLite": sqlite_version()}
    if "postgres" in stores:
        versions["PostgreSQL"] = postgres_version(args.postgres_url)
    machine = describe_machine(wrk, versions)  # before the run: its date, load and code
    bodies = complaint_bodies(BODY_COUNT)
    with tempfile.TemporaryDirectory(prefix="aduan-bench-") as temporary:
        workdir = Path(temporary)
        (workdir / "bodies.jsonl").write_bytes(b"\n".join(bodies) + b"\n")
        results = [measure_store(store, args, wrk, workdir, bodies) for store in stores]
    print_report(results, machine, args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
