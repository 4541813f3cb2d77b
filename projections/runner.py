"""Runs a projection over the event log: reads in order, writes view and position together.

On SQLite the log is followed by polling; on PostgreSQL by the library's LISTEN/NOTIFY
subscription, used as the signal to read what is new.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Mapper

from projections.recording import RecordingTransaction
from projections.store import ViewStore, ViewTransaction

READ_BATCH = 10_000
# A rebuild applies this many events a transaction: a complaint's row is then read and
# written once for most of its life instead of once per few days of the log, for a
# views lock held a few seconds at a time (the live views wait that long at most).
REBUILD_BATCH = 100_000
PROGRESS_STEP = 10_000  # events applied between reports of a rebuild's progress
Progress = Callable[[int, int], None]


class Projection(Protocol):
    """A read model: its tables, which events it reads, and how each changes the view."""

    name: str
    version: int  # raise it when the tables change: the view is then rebuilt
    topics: tuple[str, ...]
    tables: tuple[str, ...]
    ddl: tuple[str, ...]

    def process(self, event: Any, tx: ViewTransaction) -> None: ...


class ProjectionFailedError(Exception):
    """A view could not apply an event; it stays where it was and is retried later."""


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    log_position: int

    @property
    def lag(self) -> int:
        return max(self.log_position - self.position, 0)


class ProjectionRunner:
    def __init__(
        self,
        projection: Projection,
        store: ViewStore,
        recorder: ApplicationRecorder,
        mapper: Mapper[Any],
    ) -> None:
        self.projection = projection
        self._store = store
        self._recorder = recorder
        self._mapper = mapper
        self._lock = threading.Lock()  # one catch-up at a time per projection
        self.position = 0  # as of its last catch-up
        self.topic_set = frozenset(projection.topics)
        store.create_tables(())  # the positions table, before reading a version from it
        built_version = store.version(projection.name)
        if built_version is not None and built_version != projection.version:
            self._drop()
        store.create_tables(projection.ddl)

    @property
    def name(self) -> str:
        return self.projection.name

    def status(self) -> ProjectionStatus:
        return ProjectionStatus(
            self.name, self._store.position(self.name), self._recorder.max_notification_id() or 0
        )

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply every event up to the log's current end; returns how many were applied."""
        return catch_up_together([self], progress)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop the view and build it again from the whole log. Its secondary indexes are
        made after the load: one sort each, instead of an insert at a random place per
        row (a rebuild cut short gets them when its runner next starts)."""
        indexes = [ddl for ddl in self.projection.ddl if ddl.startswith("CREATE INDEX")]
        with self._lock:
            self._drop()
            self._store.create_tables([ddl for ddl in self.projection.ddl if ddl not in indexes])
            with self._store.loading(), _cycle_collector_paused():
                applied = self._load(progress)
        self._store.create_tables(indexes)
        return applied

    def _load(self, progress: Progress | None) -> int:
        """Apply the whole log to the emptied view, in large transactions. Each batch is
        worked out while the one before it is written by a thread of its own: the store's
        work (in its server, or in SQLite's code, which lets go of the interpreter lock)
        then overlaps the reading, decoding and processing of the next batch."""
        end = self._recorder.max_notification_id() or 0
        report = None if progress is None else (lambda at: progress(at, end))
        applied = 0
        earlier: dict[str, Any] = {}
        with ThreadPoolExecutor(1, thread_name_prefix=f"rebuild-{self.name}") as writer:
            writing: Future[None] | None = None
            for position, batch in _read([self], 0, end, REBUILD_BATCH):
                events = [(at, event) for at, _, event in batch]
                worked_out = self._work_out(events, earlier, report)
                if writing is not None:
                    writing.result()  # the batch before is in the view: one at a time
                writing = writer.submit(self._write, worked_out, position)
                earlier = worked_out.states()
                applied += len(batch)
                if report is not None:
                    report(position)
            if writing is not None:
                writing.result()
        return applied

    def _work_out(
        self,
        events: list[tuple[int, Any]],
        earlier: dict[str, Any],
        report: Callable[[int], None] | None,
    ) -> RecordingTransaction:
        """Process a batch of events on what the view holds (and the batch before left),
        recording the writes; ``report`` is told the log position every PROGRESS_STEP
        events."""
        with self._store.transaction(write=False) as reading:
            worked_out = RecordingTransaction(reading, earlier)
            self._process(events, worked_out, report)
            worked_out.flush_deferred()
        return worked_out

    def _write(self, worked_out: RecordingTransaction, position: int) -> None:
        with self._store.loading(), self._store.transaction() as tx:
            worked_out.replay(tx)
            tx.set_position(self.name, position, self.projection.version)
        self.position = position

    def _drop(self) -> None:
        with self._store.transaction() as tx:
            for table in self.projection.tables:
                tx.execute(f"DROP TABLE IF EXISTS {table}")
            tx.execute("DELETE FROM projection_positions WHERE name = ?", (self.name,))

    def _apply(self, events: list[tuple[int, Any]], position: int) -> None:
        """Process (log position, event) pairs, in order and newer than the view, and move
        to ``position``."""
        with self._store.transaction() as tx:
            self._process(events, tx)
            tx.set_position(self.name, position, self.projection.version)
        self.position = position

    def _process(
        self,
        events: list[tuple[int, Any]],
        tx: ViewTransaction,
        report: Callable[[int], None] | None = None,
    ) -> None:
        tx.events = [event for _, event in events]
        for done, (event_position, event) in enumerate(events, 1):
            tx.event_position = event_position
            self.projection.process(event, tx)
            if report is not None and done % PROGRESS_STEP == 0:
                report(event_position)


def catch_up_together(runners: Sequence[ProjectionRunner], progress: Progress | None = None) -> int:
    """Bring every runner (all on one log) to the log's current end, reading and decoding
    each event once for all of them; returns how many events they applied in total."""
    runners = sorted(runners, key=lambda runner: runner.name)  # locks in one order
    with ExitStack() as locks:
        for runner in runners:
            locks.enter_context(runner._lock)
        return _read_and_apply(runners, progress)


def _read_and_apply(runners: Sequence[ProjectionRunner], progress: Progress | None) -> int:
    recorder = runners[0]._recorder
    end = recorder.max_notification_id() or 0
    for runner in runners:
        runner.position = runner._store.position(runner.name)
    start = min(runner.position for runner in runners)
    applied = 0
    failures: dict[str, Exception] = {}  # a failing view stops only itself
    for position, batch in _read(runners, start, end):
        for runner in runners:
            if runner.position >= position or runner.name in failures:
                continue
            wanted = runner.topic_set
            mine = [
                (at, event)
                for at, topic, event in batch
                if at > runner.position and topic in wanted
            ]
            try:
                runner._apply(mine, position)
            except Exception as error:  # the others go on; raised below
                failures[runner.name] = error
                continue
            applied += len(mine)
        if progress is not None:
            progress(position - start, end - start)
    for name, failure in failures.items():
        raise ProjectionFailedError(f"Projection {name} failed: {failure}") from failure
    return applied


Batch = list[tuple[int, str, Any]]  # (log position, topic, domain event)


def _read(
    runners: Sequence[ProjectionRunner], start: int, end: int, limit: int = READ_BATCH
) -> Iterator[tuple[int, Batch]]:
    """The events of the runners' topics after ``start`` up to ``end``, decoded, ``limit``
    at a time, each batch with the position the runners may move to once they have
    applied it."""
    recorder, mapper = runners[0]._recorder, runners[0]._mapper
    topics = sorted({topic for runner in runners for topic in runner.projection.topics})
    position = start
    while position < end:
        notifications = recorder.select_notifications(
            position, limit, stop=end, topics=topics, inclusive_of_start=False
        )
        # Events of other topics are skipped, so the position can go to the batch's end,
        # or to the log's end when the batch came back short.
        position = notifications[-1].id if len(notifications) == limit else end
        yield position, [(n.id, n.topic, mapper.to_domain_event(n)) for n in notifications]


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
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


def follow_by_polling(
    runners: Sequence[ProjectionRunner], stop: threading.Event, interval: float = 0.05
) -> None:
    """Catch up every ``interval`` seconds. Pausing after a busy pass as well lets filings
    gather into larger batches (fewer view transactions per event) for at most ``interval``
    of extra lag."""
    while not stop.is_set():
        catch_up_together(runners)
        stop.wait(interval)


def follow_by_subscription(runners: Sequence[ProjectionRunner], stop: threading.Event) -> None:
    """Catch up, then catch up again whenever the log announces something new."""
    catch_up_together(runners)
    known = min(runner.position for runner in runners)
    with runners[0]._recorder.subscribe(gt=known) as subscription:
        threading.Thread(target=_stop_when, args=(stop, subscription), daemon=True).start()
        for notification in subscription:
            if notification.id > min(runner.position for runner in runners):
                catch_up_together(runners)


def _stop_when(stop: threading.Event, subscription: Any) -> None:
    stop.wait()
    subscription.stop()
