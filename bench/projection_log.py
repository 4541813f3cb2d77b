"""The logs and views the projection benchmarks read: built once, cached between runs."""

from __future__ import annotations

import itertools
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventsourcing.utils import get_topic
from histories import UNIT_IDS, complaint_histories, in_time_order

from domain.sla import SlaPolicy
from domain.values import Actor, Role
from infra.holidays_id import indonesian_calendar
from infra.settings import Settings
from projections.runner import Projection
from projections.store import ViewStore
from services.composition import build_ledger

HISTORY_START = datetime(2025, 11, 24, tzinfo=UTC)
HISTORY_DAYS = 364
SAVE_BATCH = 3000  # events per transaction
EVENTS_PER_COMPLAINT_AT_LEAST = 6  # so that enough complaints are planned for the log
FEED_BATCH = 5000  # events per view transaction
ADMIN = Actor("bench", Role.ADMIN)


def build_log(database_url: str, events_wanted: int, report: Callable[[str], None]) -> int:
    """Fill an empty store with complaint histories until it holds ``events_wanted``
    events, written in the order they happened (complaints filed over a year, their
    lifecycles interleaved); returns how many it holds."""
    ledger = build_ledger(Settings(database_url=database_url))
    try:
        for unit_id in UNIT_IDS:
            ledger.register_unit(ADMIN, unit_id, unit_id, None, SlaPolicy())
        stored = ledger.recorder.max_notification_id() or 0
        complaints = events_wanted // EVENTS_PER_COMPLAINT_AT_LEAST
        histories = complaint_histories(
            complaints, HISTORY_START, HISTORY_DAYS, ledger.calendar, in_filing_order=True
        )
        events = in_time_order(histories)
        started = time.monotonic()
        while stored < events_wanted:
            batch = list(itertools.islice(events, SAVE_BATCH))
            if not batch:
                break
            ledger.save(*batch)
            stored = ledger.recorder.max_notification_id() or 0
            rate = stored / max(time.monotonic() - started, 1e-9)
            report(f"building the log: {stored:,}/{events_wanted:,} events ({rate:,.0f}/s)")
        return stored
    finally:
        ledger.close()


def cached_sqlite_log(cache_dir: Path, events_wanted: int, report: Callable[[str], None]) -> Path:
    """A SQLite event store of at least ``events_wanted`` events, built on first use."""
    path = cache_dir / f"projection-log-{events_wanted}-in-time-order.db"
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        build_log(f"sqlite:///{building.resolve()}", events_wanted, report)
        building.rename(path)
    return path


def copy_sqlite_store(source: Path, target_dir: Path) -> str:
    target = target_dir / "log.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target.resolve()}"


def feed_views(
    store: ViewStore, projections: list[Projection], complaints: int, report: Callable[[str], None]
) -> int:
    """Put ``complaints`` complaint histories into the views through the projections' own
    code, without storing the events; returns how many events the views took."""
    for projection in projections:
        store.create_tables(projection.ddl)
    calendar = indonesian_calendar(Settings().extra_holidays)
    topics = {topic for projection in projections for topic in projection.topics}
    pending: list[Any] = []
    fed = 0
    started = time.monotonic()
    for done, events in enumerate(
        complaint_histories(complaints, HISTORY_START, HISTORY_DAYS, calendar), 1
    ):
        pending.extend(e for e in events if _topic(e) in topics)
        if len(pending) >= FEED_BATCH or done == complaints:
            with store.transaction() as tx:
                tx.events = pending
                for projection in projections:
                    wanted = set(projection.topics)
                    for event in pending:
                        if _topic(event) in wanted:
                            projection.process(event, tx)
            fed += len(pending)
            pending.clear()
            rate = done / max(time.monotonic() - started, 1e-9)
            report(f"filling the views: {done:,}/{complaints:,} complaints ({rate:,.0f}/s)")
    return fed


def _topic(event: Any) -> str:
    return get_topic(type(event))


def say(message: str) -> None:
    print(f"\r{message}", end="", file=sys.stderr, flush=True)
