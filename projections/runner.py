"""Runs a projection over the event log: reads in order, writes view and position together.

On SQLite the log is followed by polling; on PostgreSQL by the library's LISTEN/NOTIFY
subscription, used as the signal to read what is new.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Mapper

from projections.store import ViewStore, ViewTransaction

READ_BATCH = 2000
Progress = Callable[[int, int], None]


class Projection(Protocol):
    """A read model: its tables, which events it reads, and how each changes the view."""

    name: str
    version: int  # raise it when the tables change: the view is then rebuilt
    topics: tuple[str, ...]
    tables: tuple[str, ...]
    ddl: tuple[str, ...]

    def process(self, event: Any, tx: ViewTransaction) -> None: ...


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
        self._known_position = 0
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
        with self._lock:
            end = self._recorder.max_notification_id() or 0
            position = self._known_position = self._store.position(self.name)
            start = position
            applied = 0
            while position < end:
                batch = self._recorder.select_notifications(
                    position,
                    READ_BATCH,
                    stop=end,
                    topics=self.projection.topics,
                    inclusive_of_start=False,
                )
                # Events of other topics are skipped, so the position can go to the batch's
                # end, or to the log's end when the batch came back short.
                next_position = batch[-1].id if len(batch) == READ_BATCH else end
                with self._store.transaction() as tx:
                    for notification in batch:
                        self.projection.process(self._mapper.to_domain_event(notification), tx)
                    tx.set_position(self.name, next_position, self.projection.version)
                applied += len(batch)
                position = self._known_position = next_position
                if progress is not None:
                    progress(position - start, end - start)
            return applied

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop the view and build it again from the whole log."""
        with self._lock:
            self._drop()
            self._store.create_tables(self.projection.ddl)
        return self.catch_up(progress)

    def _drop(self) -> None:
        with self._store.transaction() as tx:
            for table in self.projection.tables:
                tx.execute(f"DROP TABLE IF EXISTS {table}")
            tx.execute("DELETE FROM projection_positions WHERE name = ?", (self.name,))

    def follow_by_polling(self, stop: threading.Event, interval: float = 0.05) -> None:
        while not stop.is_set():
            if not self.catch_up():
                stop.wait(interval)

    def follow_by_subscription(self, stop: threading.Event) -> None:
        """Catch up, then catch up again whenever the log announces something new."""
        self.catch_up()
        with self._recorder.subscribe(gt=self._known_position) as subscription:
            threading.Thread(target=_stop_when, args=(stop, subscription), daemon=True).start()
            for notification in subscription:
                if notification.id > self._known_position:
                    self.catch_up()


def _stop_when(stop: threading.Event, subscription: Any) -> None:
    stop.wait()
    subscription.stop()
