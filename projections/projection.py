"""What a projection is, and what it makes of a batch of the log's events."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from projections.recording import RecordingTransaction
from projections.store import ViewStore, ViewTransaction

PROGRESS_STEP = 10_000  # events applied between reports of a rebuild's progress
Events = Sequence[tuple[int, Any]]  # (log position, domain event)


class Projection(Protocol):
    """A read model: its tables, which events it reads, and how each changes the view."""

    name: str
    version: int  # raise it when the tables change: the view is then rebuilt
    topics: tuple[str, ...]
    tables: tuple[str, ...]
    ddl: tuple[str, ...]
    # True when an event changes only rows of its own aggregate, and totals summed over
    # them: a rebuild may then share the aggregates out between processes.
    per_aggregate: bool
    # The event fields ``process`` reads besides the aggregate's id and version (None:
    # any): a rebuild then decodes only these (projections.log_reading).
    read_fields: tuple[str, ...] | None

    def process(self, event: Any, tx: ViewTransaction) -> None: ...


def process_events(
    projection: Projection,
    events: Events,
    tx: ViewTransaction,
    report: Callable[[int], None] | None = None,
) -> None:
    """Apply events in order; ``report`` is told the log position every PROGRESS_STEP."""
    tx.events = [event for _, event in events]
    for done, (event_position, event) in enumerate(events, 1):
        tx.event_position = event_position
        projection.process(event, tx)
        if report is not None and done % PROGRESS_STEP == 0:
            report(event_position)


def work_out(
    projection: Projection,
    store: ViewStore,
    events: Events,
    earlier: dict[str, Any],
    report: Callable[[int], None] | None = None,
) -> RecordingTransaction:
    """Process a batch of events on what the view holds (and the batch before left, in
    ``earlier``), recording the writes instead of making them and holding the count
    tables' deltas (``counts()``) for the caller to write."""
    with store.transaction(write=False) as reading:
        worked_out = RecordingTransaction(reading, earlier)
        process_events(projection, events, worked_out, report)
        worked_out.flush_deferred()
    return worked_out


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a view is loaded. Events, rows and counts hold
    no reference cycles (reference counting frees them), and a collection walks every
    object alive, the view's rows held in memory included: measured at a third of a
    rebuild's time. Left as it was found."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
