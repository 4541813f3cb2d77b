"""Whether this process can do its work: the stores it reads and writes answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

from infra.store_outages import STORE_ERRORS, is_store_outage
from infra.store_probe import probe_event_store
from projections.store import ViewStore
from services.ledger import ComplaintLedger

log = logging.getLogger("aduan.health")
Outcome = Literal["ok", "unavailable"]
OK: Outcome = "ok"
UNAVAILABLE: Outcome = "unavailable"


@dataclass(frozen=True)
class Health:
    checks: dict[str, Outcome]

    @property
    def ok(self) -> bool:
        return all(outcome == OK for outcome in self.checks.values())


def check_health(ledger: ComplaintLedger, views: ViewStore) -> Health:
    """Ask the event store for the end of its log, and the view store the smallest
    question, both at once and each once: a store that is down is named after one pool
    wait (infra.event_store.POSTGRES_POOL_WAIT_SECONDS), without the event store's retries."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="health") as beside:
        event_store = beside.submit(_answer, lambda: probe_event_store(ledger.recorder))
        views_outcome = _answer(lambda: views.query("SELECT 1"))
        return Health({"event_store": event_store.result(), "views": views_outcome})


def _answer(question: Callable[[], Any]) -> Outcome:
    try:
        question()
    except STORE_ERRORS as error:
        if not is_store_outage(error):
            raise
        log.warning("health check: a store is not answering: %s", error)
        return UNAVAILABLE
    return OK
