"""The figures of one store, the targets they are held to, and how they are printed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bare import BareResult
from load import LoadResult

MB = 1024 * 1024
RSS_TARGET_MB = 300
RSS_TARGET_AFTER = 100_000
RATE_TARGETS = {"sqlite": 1200, "postgres": 600}
P99_TARGETS_MS = {"sqlite": 50.0}
COLUMNS = (
    "store", "filed over HTTP", "complaints/s", "p50 ms", "p99 ms", "peak RSS MB",
    "RSS after MB", "server CPU ms/complaint", "bare complaints/s", "bare p50 ms",
    "HTTP/bare", "not filed",
)  # fmt: skip


@dataclass(frozen=True)
class StoreResult:
    store: str
    http: LoadResult
    peak_rss_bytes: int
    final_rss_bytes: int
    server_cpu_seconds: float
    bare: BareResult

    @property
    def http_rate(self) -> float:
        return self.http.filed / self.http.seconds

    @property
    def ratio(self) -> float:
        return self.http_rate / self.bare.rate

    def row(self) -> tuple[str, ...]:
        return (
            self.store,
            f"{self.http.filed:,}",
            f"{self.http_rate:,.0f}",
            f"{self.http.latency_ms['p50']:.1f}",
            f"{self.http.latency_ms['p99']:.1f}",
            f"{self.peak_rss_bytes / MB:.0f}",
            f"{self.final_rss_bytes / MB:.0f}",
            f"{1000 * self.server_cpu_seconds / max(self.http.filed, 1):.2f}",
            f"{self.bare.rate:,.0f}",
            f"{self.bare.latency_ms['p50']:.2f}",
            f"{self.ratio:.2f}",
            _not_filed(self.http),
        )


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    met: bool | None  # None: the run was too small to tell

    def row(self) -> tuple[str, str, str]:
        outcome = {True: "met", False: "MISSED", None: "not measured"}[self.met]
        return (self.target, self.measured, outcome)


def verdicts(result: StoreResult) -> list[Verdict]:
    store, http = result.store, result.http
    found = [
        Verdict(
            f"{store}: ≥ {RATE_TARGETS[store]:,} complaints/s over HTTP",
            f"{result.http_rate:,.0f}/s",
            result.http_rate >= RATE_TARGETS[store],
        )
    ]
    if store in P99_TARGETS_MS:
        p99 = http.latency_ms["p99"]
        target = P99_TARGETS_MS[store]
        found.append(Verdict(f"{store}: p99 ≤ {target:.0f} ms", f"{p99:.1f} ms", p99 <= target))
    rss_mb = result.peak_rss_bytes / MB
    enough = http.filed >= RSS_TARGET_AFTER
    found.append(
        Verdict(
            f"{store}: RSS ≤ {RSS_TARGET_MB} MB after {RSS_TARGET_AFTER:,} complaints",
            f"peak {rss_mb:.0f} MB after {http.filed:,}",
            rss_mb <= RSS_TARGET_MB if enough else None,
        )
    )
    return found


def text_table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> str:
    lines = [header, tuple("---" for _ in header), *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _not_filed(http: LoadResult) -> str:
    parts = [f"{n} HTTP {status}" for status, n in sorted(http.not_filed.items())]
    parts += [f"{n} {kind} errors" for kind, n in sorted(http.socket_errors.items())]
    return ", ".join(parts) or "0"
