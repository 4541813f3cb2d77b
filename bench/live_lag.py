"""Commit-to-view lag while complaints are filed over HTTP at a steady rate.

A sampler in this process reads, every few milliseconds, the log's last notification id and
each view's recorded position straight from the store. A notification counts as committed
when the sampler first sees it in the log, and as visible in a view when that view's
position first reaches it; the lag is the difference (so it is exact to about one sampling
interval).
"""

from __future__ import annotations

import asyncio
import bisect
import threading
import time
from dataclasses import dataclass

from workload import complaint_bodies

from infra.event_store import sqlite_path
from infra.settings import Settings
from services.composition import build_ledger
from services.projection_host import open_view_store

SAMPLE_SECONDS = 0.005
VIEWS = ("complaints", "metrics")
SENDERS = 32


@dataclass(frozen=True)
class LagResult:
    rate_target: float
    rate_achieved: float
    filed: int
    failed: int
    lag_ms: dict[str, dict[str, float]]  # view -> p50, p99, max


class Sampler:
    def __init__(self, database_url: str) -> None:
        self._ledger = build_ledger(Settings(database_url=database_url))
        path = sqlite_path(database_url)
        self._views = open_view_store(path, database_url)
        self.times: list[float] = []
        self.log: list[int] = []
        self.positions: dict[str, list[int]] = {view: [] for view in VIEWS}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._views.close()
        self._ledger.close()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            moment = time.monotonic()
            log_end = self._ledger.recorder.max_notification_id() or 0
            positions = {view: self._views.position(view) for view in VIEWS}
            self.times.append(moment)
            self.log.append(log_end)
            for view in VIEWS:
                self.positions[view].append(positions[view])

    def lags_ms(self, first: int, last: int) -> dict[str, list[float]]:
        """For each notification id in [first, last]: when it became visible minus when
        it was committed, per view."""
        lags: dict[str, list[float]] = {view: [] for view in VIEWS}
        for notification_id in range(first, last + 1):
            committed = bisect.bisect_left(self.log, notification_id)
            if committed >= len(self.times):
                continue
            for view in VIEWS:
                seen = bisect.bisect_left(self.positions[view], notification_id)
                if seen < len(self.times):
                    lags[view].append(1000 * (self.times[seen] - self.times[committed]))
        return lags


async def file_at_rate(base_url: str, rate: float, seconds: float) -> tuple[int, int, float]:
    """POST complaints at ``rate`` a second for ``seconds`` from a pool of senders on
    keep-alive connections, each request at its scheduled moment while a sender is free;
    returns (filed, failed, the rate they were sent at). A minimal HTTP/1.1 client keeps
    the sending cheap, so the schedule is held on two cores shared with the server."""
    host, port = base_url.removeprefix("http://").split(":")
    requests = [_post(host, body) for body in complaint_bodies(2000)]
    total = int(rate * seconds)
    schedule = iter(range(total))
    outcomes: list[bool] = []
    started = time.monotonic()
    last_sent = started

    async def sender() -> None:
        nonlocal last_sent
        reader, writer = await asyncio.open_connection(host, int(port))
        for number in schedule:
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            last_sent = time.monotonic()
            writer.write(requests[number % len(requests)])
            outcomes.append(await _status(reader) == 201)
        writer.close()

    await asyncio.gather(*(sender() for _ in range(SENDERS)))
    filed = sum(outcomes)
    return filed, total - filed, total / max(last_sent - started, 1e-9)


def _post(host: str, body: bytes) -> bytes:
    head = (
        f"POST /v1/complaints HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _status(reader: asyncio.StreamReader) -> int:
    """Read one response; return its status code."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": float("nan"), "p90": float("nan"), "p99": float("nan"), "max": float("nan")}

    def rank(share: float) -> float:
        return ordered[max(int(share * len(ordered) + 0.999999) - 1, 0)]

    return {"p50": rank(0.50), "p90": rank(0.90), "p99": rank(0.99), "max": ordered[-1]}
