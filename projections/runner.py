"""Runs a projection over the event log: reads in order, writes view and position together.

On SQLite the log is followed by polling; on PostgreSQL by the library's LISTEN/NOTIFY
subscription, used as the signal to read what is new.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper

from projections.counts import PendingCounts, added_up
from projections.log_reading import READ_BATCH, part_batches, part_reader, read_batches
from projections.projection import Projection, cycle_collector_paused, process_events, work_out
from projections.rebuild_parts import HelperPart, MakeSource, RebuildPartFailedError, helper_part
from projections.recording import Write, replay
from projections.store import ViewStore, ViewTransaction

# A rebuild applies the events of this many log positions a transaction: a complaint's
# row is then read and written once for most of its life instead of once per few days of
# the log, for a views lock held a few seconds at a time (the live views wait that long
# at most).
REBUILD_BATCH = 100_000
# A rebuild of a per-aggregate projection from a log this long is shared out with a
# helper process (it takes a second or so to start). The log is cut into parts, of which
# the rebuilding process works out one and the helper the rest: one of two when the
# writes take a database server's time, one of three when they take the rebuilding
# process's own (SQLite), which then has less time left to work out events.
PARTS_FROM = 200_000
PARTS_WRITING_ELSEWHERE, PARTS_WRITING_HERE = 2, 3
Progress = Callable[[int, int], None]


class ProjectionFailedError(Exception):
    """A view could not apply an event; it stays where it was and is retried later."""


class ViewMovedError(Exception):
    """Another process moved the view since its runner read where it was: it applied the
    same events (``aduan tick`` catching up beside the server, say), or it is rebuilding
    the view. The runner's transaction is rolled back; it reads the view's position again
    on its next pass."""


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
        rebuild_helper: MakeSource | None = None,
    ) -> None:
        """``rebuild_helper`` builds, in a helper process, what a share of a rebuild needs;
        without it a rebuild runs in this process alone."""
        self.projection = projection
        self._store = store
        self._recorder = recorder
        self._mapper = mapper
        self._rebuild_helper = rebuild_helper
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
        with self._lock, self._store.rebuild_lock(self.name):
            self._drop()
            self._store.create_tables([ddl for ddl in self.projection.ddl if ddl not in indexes])
            with self._store.loading(), cycle_collector_paused():
                applied = self._load(progress)
        self._store.create_tables(indexes)
        return applied

    def _load(self, progress: Progress | None) -> int:
        """Apply the whole log to the emptied view, in large transactions. Each batch is
        worked out while the one before it is written by a thread of its own: the store's
        work (in its server, or in SQLite's code, which lets go of the interpreter lock)
        then overlaps the reading, decoding and processing of the next batch. A long log
        of a per-aggregate projection is shared out with a helper process, each reading
        its own parts of the log."""
        recorder = part_reader(self._recorder)
        end = self._recorder.max_notification_id() or 0
        report = None if progress is None else (lambda at: progress(at, end))
        parts = self._parts(end)
        applied = 0
        earlier: dict[str, Any] = {}
        with (
            helper_part(self._rebuild_helper, parts) as helper,
            ThreadPoolExecutor(1, thread_name_prefix=f"rebuild-{self.name}") as writer,
        ):
            writing: Future[None] | None = None
            if helper is not None:
                helper.ask(0, min(REBUILD_BATCH, end))
            for position, batch in part_batches(
                recorder, self._mapper, self.projection.topics, 0, end, REBUILD_BATCH, (0,), parts,
                self.projection.read_fields,
            ):  # fmt: skip
                events = [(at, event) for at, _, event in batch]
                worked_out = work_out(self.projection, self._store, events, earlier, report)
                helped, writes, counts = _helper_answer(helper, position)
                applied += len(events) + helped
                if writing is not None:
                    writing.result()  # the batch before is in the view: one at a time
                writing = writer.submit(
                    self._write,
                    [worked_out.writes, *writes],
                    [worked_out.counts(), *counts],
                    position,
                )
                if position < end and helper is not None:  # it reads the next batch meanwhile
                    helper.ask(position, min(position + REBUILD_BATCH, end))
                earlier = worked_out.states()
                if report is not None:
                    report(position)
            if writing is not None:
                writing.result()
        return applied

    def _parts(self, log_end: int) -> int:
        """Into how many parts a rebuild of a log ending at ``log_end`` is cut (one: not
        shared out)."""
        if self._rebuild_helper is None or not self.projection.per_aggregate:
            return 1
        return shared_parts(self._store) if log_end >= PARTS_FROM else 1

    def _write(
        self, writes: list[list[Write]], counts: list[list[PendingCounts]], position: int
    ) -> None:
        """Make a batch's writes, worked out in one part or several, write its count
        tables' deltas, each key's added up over the parts, and move to ``position``."""
        with self._store.loading(), self._store.transaction() as tx:
            self._claim(tx)
            for part in writes:
                replay(tx, part)
            for table_counts in added_up(counts):
                table_counts.write(tx)
            tx.set_position(self.name, position, self.projection.version)
        self.position = position

    def _drop(self) -> None:
        with self._store.transaction() as tx:
            for table in self.projection.tables:
                tx.execute(f"DROP TABLE IF EXISTS {table}")
            tx.execute("DELETE FROM projection_positions WHERE name = ?", (self.name,))
        self.position = 0

    def _apply(self, events: list[tuple[int, Any]], position: int) -> None:
        """Process (log position, event) pairs, in order and newer than the view, and move
        to ``position``; leave the view alone while another process rebuilds it."""
        with self._store.transaction() as tx:
            if tx.rebuild_running(self.name):
                raise ViewMovedError(f"{self.name} is being rebuilt")
            self._claim(tx)
            process_events(self.projection, events, tx)
            tx.set_position(self.name, position, self.projection.version)
        self.position = position

    def _claim(self, tx: ViewTransaction) -> None:
        """Lock the view's position for this transaction, still where this runner left it
        (or read it), or raise ViewMovedError: every event is applied once, however many
        processes catch the view up."""
        found = tx.locked_position(self.name, self.projection.version)
        if found != self.position:
            raise ViewMovedError(f"{self.name} is at {found}, not {self.position}")


def shared_parts(store: ViewStore) -> int:
    """Into how many parts a shared rebuild of views on ``store`` cuts the log."""
    return PARTS_WRITING_HERE if store.writes_in_process else PARTS_WRITING_ELSEWHERE


def _helper_answer(
    helper: HelperPart | None, position: int
) -> tuple[int, list[list[Write]], list[list[PendingCounts]]]:
    """How many events the helper applied of the batch ending at ``position``, its
    recorded writes and its count tables' deltas (as lists of one part, or of none)."""
    if helper is None:
        return 0, [], []
    helped_to, events, writes, counts = helper.answer()
    if helped_to != position:
        raise RebuildPartFailedError(f"A helper read a batch to {helped_to}, not {position}.")
    return events, [writes], [counts]


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
    moved: set[str] = set()
    topics = {topic for runner in runners for topic in runner.projection.topics}
    mapper = runners[0]._mapper
    for position, batch in read_batches(recorder, mapper, topics, start, end, READ_BATCH):
        for runner in runners:
            if runner.position >= position or runner.name in failures or runner.name in moved:
                continue
            wanted = runner.topic_set
            mine = [
                (at, event)
                for at, topic, event in batch
                if at > runner.position and topic in wanted
            ]
            try:
                runner._apply(mine, position)
            except ViewMovedError:  # picked up again from where it is on the next pass
                moved.add(runner.name)
                continue
            except Exception as error:  # the others go on; raised below
                failures[runner.name] = error
                continue
            applied += len(mine)
        if progress is not None:
            progress(position - start, end - start)
    for name, failure in failures.items():
        raise ProjectionFailedError(f"Projection {name} failed: {failure}") from failure
    return applied


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
