"""create_app(settings): the FastAPI application, with everything built in its lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import Depends, FastAPI

from infra.event_store import sqlite_path
from infra.settings import Settings
from services.api.deps import verified_bearer
from services.api.direct_route import DirectRoute
from services.api.error_docs import document_errors
from services.api.errors import install_error_handlers
from services.api.json_body import document_json_bodies
from services.api.request_body import RequestBodyMiddleware
from services.api.routes import (
    audit,
    complainants,
    complaints,
    health,
    metrics,
    notifications,
    projections,
    promises,
    queue,
    receipts,
    surveys,
    track,
    units,
    verifiable_log,
    webhooks,
)
from services.composition import (
    build_ledger,
    build_ledger_proofs,
    build_log_follower,
    build_projection_host,
    build_token_issuer,
    build_tree_follower,
    build_webhooks,
    ledger_runs_in_process,
    notify_in_process,
    open_notification_store,
    projections_run_in_process,
    system_clock,
)
from services.deadline_watch import DeadlineWatch
from services.failures import log_failed_pass
from services.group_commit import AsyncGroupCommit
from services.ledger import Clock
from services.notifications.deliveries import Deliveries
from services.projection_host import ProjectionHost
from services.promises import PromiseDesk

log = logging.getLogger("aduan.clock")
FOLLOW_SECONDS = 1.0

DESCRIPTION = """
Aduan Ledger keeps every action on a public-service complaint as an immutable event.

* Citizens file complaints (`POST /v1/complaints`, public) and keep the `access_token`
  they get once; with it (header `X-Access-Token`) they read and act on their complaint.
* Staff send a bearer token (`aduan token --role ROLE [--unit ID]`). Officers see only
  complaints routed to their units; anything outside a caller's scope is 404.
* Every time staff are shown a complainant's personal data it is recorded: who, role, when,
  which complaint, which fields, and why (the `X-Purpose` header). Auditors and admins read
  the whole trail at `GET /v1/audit/events`.
* Errors are JSON: `{"code": ..., "message": ...}`; bad input is 422 and names the field
  (a body that is not JSON, or nested too deeply, names `body`).
"""


def create_app(settings: Settings, clock: Clock = system_clock) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ledger = build_ledger(settings, clock)
        projections = build_projection_host(settings, ledger)
        app.state.settings = settings
        app.state.ledger = ledger
        app.state.projections = projections
        app.state.token_issuer = build_token_issuer(settings)
        app.state.filing_commit = filing_commit = AsyncGroupCommit(ledger.write_filings)
        filing_commit.start(asyncio.get_running_loop())
        if projections_run_in_process(settings):
            projections.start(by_subscription=sqlite_path(settings.database_url) is None)
        notification_store = open_notification_store(settings)
        app.state.deliveries = Deliveries(notification_store)
        app.state.webhooks = build_webhooks(notification_store, ledger)
        notifier = None
        if notify_in_process(settings):  # the embedded default: no Kafka, the local log
            notifier = build_log_follower(settings, ledger, notification_store, app.state.webhooks)
            notifier.start()
        app.state.ledger_proofs = build_ledger_proofs(settings, ledger)
        tree_follower = build_tree_follower(settings, ledger, clock)
        if ledger_runs_in_process(settings):
            tree_follower.start()
        clock_stop = asyncio.Event()
        ticker = asyncio.create_task(_run_clock(
            DeadlineWatch(ledger), PromiseDesk(ledger), projections, clock, settings, clock_stop
        ))  # fmt: skip
        gc.freeze()  # what start-up built lives as long as the app: keep it out of collections
        try:
            yield
        finally:
            # Not cancelled: a tick's work runs in a thread that a cancel would leave running
            # against stores closed under it. The clock stops between steps instead.
            clock_stop.set()
            await ticker
            await asyncio.to_thread(filing_commit.stop)
            await asyncio.to_thread(projections.stop)
            await asyncio.to_thread(tree_follower.stop)
            if notifier is not None:
                await asyncio.to_thread(notifier.stop)
            notification_store.close()
            ledger.close()

    app = FastAPI(
        title="Aduan Ledger",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
        dependencies=[Depends(verified_bearer)],
    )
    # Filing, the hot route, is served ahead of the router (inside the body limit).
    app.add_middleware(DirectRoute, method="POST", path="/v1/complaints",
                       endpoint=complaints.file_complaint)  # fmt: skip
    app.add_middleware(RequestBodyMiddleware, max_bytes=settings.max_body_bytes)
    install_error_handlers(app)
    routers = (
        queue, complaints, notifications, track, units, surveys, promises, projections, metrics,
        webhooks, complainants, verifiable_log, receipts, audit, health,
    )  # fmt: skip
    for module in routers:
        app.include_router(module.router)
    document_json_bodies(app)
    document_errors(app)
    return app


async def _run_clock(
    watch: DeadlineWatch,
    promises: PromiseDesk,
    projections: ProjectionHost,
    clock: Clock,
    settings: Settings,
    stop: asyncio.Event,
) -> None:
    """Apply time-based moves every ``tick_seconds``, and follow the log every second in
    between so that a tick never has a long stretch of log to read at once. A failed tick is
    logged and retried later. Ends between two steps once ``stop`` is set."""
    next_tick = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + settings.tick_seconds
                await _tick(watch, promises, projections, clock)
            else:
                await asyncio.to_thread(watch.refresh)
        except Exception as error:  # a failing tick must not stop the server's clock
            log_failed_pass(log, error, "clock tick failed; retrying in %ss", settings.tick_seconds)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), min(FOLLOW_SECONDS, settings.tick_seconds))


async def _tick(
    watch: DeadlineWatch, promises: PromiseDesk, projections: ProjectionHost, clock: Clock
) -> None:
    report = await asyncio.to_thread(watch.tick, clock())
    if report.events_recorded:
        log.info("clock: %s", report)
    missed = await asyncio.to_thread(promises.mark_missed, projections.store)
    if missed:
        log.info("clock: %d promises missed", missed)
