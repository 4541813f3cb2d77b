"""The bare filing loop: ``ComplaintLedger.file`` called in this process, no HTTP, one caller."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from statistics import quantiles

from workload import BENCH_UNIT_ID, BENCH_UNIT_NAME

from domain.sla import SlaPolicy
from domain.values import Actor, Role
from infra.settings import Settings
from services.composition import build_ledger
from services.filing import Filing

BENCH_ADMIN = Actor(id="bench", role=Role.ADMIN)
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class BareResult:
    filed: int
    seconds: float
    latency_ms: dict[str, float]

    @property
    def rate(self) -> float:
        return self.filed / self.seconds


def file_bare(
    database_url: str, bodies: list[bytes], count: int, on_progress: Callable[[int], None]
) -> BareResult:
    """File ``count`` complaints through the ledger on ``database_url``, timing each call."""
    filings = [Filing.model_validate_json(body) for body in bodies]
    ledger = build_ledger(Settings(database_url=database_url))
    try:
        ledger.register_unit(BENCH_ADMIN, BENCH_UNIT_ID, BENCH_UNIT_NAME, None, SlaPolicy())
        durations_ns = []
        started = time.perf_counter()
        for done in range(1, count + 1):
            call_started = time.perf_counter_ns()
            ledger.file(filings[done % len(filings)], None)
            durations_ns.append(time.perf_counter_ns() - call_started)
            if done % PROGRESS_EVERY == 0:
                on_progress(done)
        seconds = time.perf_counter() - started
    finally:
        ledger.close()
    return BareResult(count, seconds, _percentiles_ms(durations_ns))


def _percentiles_ms(durations_ns: list[int]) -> dict[str, float]:
    cuts = quantiles(durations_ns, n=100, method="inclusive")
    return {"p50": cuts[49] / 1e6, "p99": cuts[98] / 1e6, "max": max(durations_ns) / 1e6}
