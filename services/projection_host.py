"""Builds the projections on the ledger's store and keeps them following the log."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from domain.calendar import WorkingCalendar
from domain.errors import NotFoundError
from infra.cloudevents import event_type_of_class, published_event_classes
from infra.event_store import POSTGRES_POOL_WAIT_SECONDS
from infra.stored_cloudevents import event_id_text
from projections.audit import AuditProjection
from projections.complaints import ComplaintsProjection
from projections.metrics import MetricsProjection
from projections.projection import Projection
from projections.promises import PromisesProjection
from projections.rebuild_parts import PartSource
from projections.runner import (
    ProjectionRunner,
    catch_up_together,
    follow_by_polling,
    follow_by_subscription,
)
from projections.skm import SkmProjection
from projections.sqlite_store import SQLiteViewStore
from projections.store import PostgresViewStore, ViewStore
from services.failures import log_failed_pass
from services.ledger import ComplaintLedger

log = logging.getLogger("aduan.projections")
Follow = Callable[[Sequence[ProjectionRunner], threading.Event], None]


def all_projections(calendar: WorkingCalendar) -> list[Projection]:
    return [
        ComplaintsProjection(),
        MetricsProjection(calendar),
        SkmProjection(calendar),
        PromisesProjection(),
        AuditProjection(published_event_classes(), event_type_of_class, event_id_text),
    ]


def open_view_store(sqlite_file: Path | None, postgres_url: str) -> ViewStore:
    if sqlite_file is not None:
        return SQLiteViewStore(views_file_beside(sqlite_file))
    return PostgresViewStore(postgres_url, POSTGRES_POOL_WAIT_SECONDS)


def views_file_beside(event_store_file: Path) -> Path:
    """On SQLite the views have a file of their own (``aduan.db`` → ``aduan.views.db``):
    SQLite has one writer per file, and projections must never hold up filings."""
    return event_store_file.with_name(f"{event_store_file.stem}.views{event_store_file.suffix}")


class ProjectionHost:
    def __init__(
        self,
        ledger: ComplaintLedger,
        store: ViewStore,
        rebuild_helper: Callable[[str], PartSource] | None = None,
    ) -> None:
        """``rebuild_helper`` builds, in a helper process, what a share of a rebuild of
        the view it is given the name of needs (see projections.rebuild_parts)."""
        self.store = store
        self.runners = {
            projection.name: ProjectionRunner(
                projection,
                store,
                ledger.recorder,
                ledger.mapper,
                None if rebuild_helper is None else partial(rebuild_helper, projection.name),
            )
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
        catch_up_together(list(self.runners.values()))

    def start(self, by_subscription: bool) -> None:
        """Follow the log in a background thread until stop()."""
        follow = follow_by_subscription if by_subscription else follow_by_polling
        thread = threading.Thread(target=self._keep_following, args=(follow,), name="projections")
        thread.start()
        self._threads.append(thread)

    def _keep_following(self, follow: Follow) -> None:
        runners = list(self.runners.values())
        while not self._stop.is_set():
            try:
                follow(runners, self._stop)
            except Exception as error:  # a failed pass is logged and retried, never fatal
                log_failed_pass(log, error, "projections failed; retrying in 1s")
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        self.store.close()
