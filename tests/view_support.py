"""Helpers for the read-model tests: table dumps, a bounded wait, and the work-queue row a
complaint aggregate implies (a brute-force model of the complaints projection)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.sla import STAFF_DEADLINES
from projections.complaints import DEADLINE_COLUMNS, NO_DEADLINE, micros
from projections.store import ViewStore
from services.ledger import ComplaintLedger
from services.projection_host import ProjectionHost

COMPLAINT_COLUMNS = (
    "id", "tracking_number", "status", "unit_id", "routed", "category", "channel", "kind",
    "maladministration", "title", "description", "search_text", "anonymous", "confidential",
    "filed_after_limit", "filed_at", "updated_at", "version", *DEADLINE_COLUMNS.values(),
    "first_responded_at", "next_due",
)  # fmt: skip


def dump_views(host: ProjectionHost) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view table, in a fixed order."""
    return {
        table: sorted((tuple(row) for row in host.store.query(f"SELECT * FROM {table}")), key=repr)
        for runner in host.runners.values()
        for table in runner.projection.tables
    }


def complaint_rows(store: ViewStore) -> dict[str, dict[str, Any]]:
    rows = store.query(f"SELECT {', '.join(COMPLAINT_COLUMNS)} FROM complaints_view")
    return {row[0]: dict(zip(COMPLAINT_COLUMNS, row, strict=True)) for row in rows}


def expected_row(ledger: ComplaintLedger, complaint_id: UUID) -> dict[str, Any]:
    """The complaints-view row for the complaint as the ledger has it now."""
    complaint = ledger.load_complaint(complaint_id)
    last_event = list(ledger.events.get(complaint_id))[-1]
    running_staff_dues = [
        micros(due) for kind, due in complaint.active_deadlines().items() if kind in STAFF_DEADLINES
    ]
    malad = complaint.maladministration
    row: dict[str, Any] = {
        "id": str(complaint.id),
        "tracking_number": complaint.tracking_number,
        "status": str(complaint.status),
        "unit_id": complaint.unit_id,
        "routed": int(complaint.routed),
        "category": complaint.category,
        "channel": str(complaint.channel),
        "kind": str(complaint.kind),
        "maladministration": str(malad) if malad else None,
        "title": complaint.title,
        "description": complaint.description,
        "search_text": f"{complaint.title}\n{complaint.description}".lower(),
        "anonymous": int(complaint.anonymous),
        "confidential": int(complaint.confidential),
        "filed_after_limit": int(complaint.filed_after_limit()),
        "filed_at": micros(complaint.filed_at),
        "updated_at": micros(vars(last_event)["at"]),
        "version": complaint.version,
    }
    for kind, column in DEADLINE_COLUMNS.items():
        due = complaint.deadlines.get(kind)
        row[column] = None if due is None else micros(due)
    responded = complaint.first_responded_at
    row["first_responded_at"] = None if responded is None else micros(responded)
    row["next_due"] = min(running_staff_dues, default=NO_DEADLINE)
    return row


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll until the condition holds or the time is up; returns whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
