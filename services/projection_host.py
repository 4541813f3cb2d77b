"""Builds the projections on the ledger's store and keeps them following the log."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from domain.calendar import WorkingCalendar
from domain.errors import NotFoundError
from projections.complaints import ComplaintsProjection
from projections.metrics import MetricsProjection
from projections.promises import PromisesProjection
from projections.runner import Projection, ProjectionRunner
from projections.skm import SkmProjection
from projections.store import PostgresViewStore, SQLiteViewStore, ViewStore
from services.ledger import ComplaintLedger

log = logging.getLogger("aduan.projections")


def all_projections(calendar: WorkingCalendar) -> list[Projection]:
    return [
        ComplaintsProjection(),
        MetricsProjection(calendar),
        SkmProjection(calendar),
        PromisesProjection(),
    ]


def open_view_store(sqlite_file: Path | None, postgres_url: str) -> ViewStore:
    if sqlite_file is not None:
        return SQLiteViewStore(sqlite_file)
    return PostgresViewStore(postgres_url)


class ProjectionHost:
    def __init__(self, ledger: ComplaintLedger, store: ViewStore) -> None:
        self.store = store
        self.runners = {
            projection.name: ProjectionRunner(projection, store, ledger.recorder, ledger.mapper)
            for projection in all_projections(ledger.calendar)
        }
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def runner(self, name: str) -> ProjectionRunner:
        try:
            return self.runners[name]
        except KeyError:
            known = ", ".join(self.runners)
            raise NotFoundError(f"No projection {name}; there are: {known}.") from None

    def catch_up(self) -> None:
        for runner in self.runners.values():
            runner.catch_up()

    def start(self, by_subscription: bool) -> None:
        """Follow the log in background threads until stop()."""
        for runner in self.runners.values():
            follow = runner.follow_by_subscription if by_subscription else runner.follow_by_polling
            thread = threading.Thread(
                target=self._keep_following, args=(follow,), name=f"projection-{runner.name}"
            )
            thread.start()
            self._threads.append(thread)

    def _keep_following(self, follow: Callable[[threading.Event], None]) -> None:
        while not self._stop.is_set():
            try:
                follow(self._stop)
            except Exception:  # a failed pass is logged and retried, never fatal
                log.exception("projection failed; retrying in 1s")
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        self.store.close()
