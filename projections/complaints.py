"""The work queue: one row per complaint, with what staff filter, search and sort on.

The view holds no personal data: the complainant stays in the ledger's events.
``next_due`` is the earliest running deadline of the handling team (verify, first
response, answer, resolution); a complaint waiting on its complainant has none. Beside
it, the complaints are counted by the day it falls due (projections.overdue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from eventsourcing.utils import get_topic

from domain.complaint import Complaint
from domain.deadlines import active_deadlines
from domain.filing_limit import filed_after_limit
from domain.sla import STAFF_DEADLINES, DeadlineKind
from domain.values import Status
from projections import overdue
from projections.row_batch import row_batch
from projections.store import ViewTransaction

NO_DEADLINE = 2**62  # sorts after every real deadline, and keeps row comparisons simple
DEADLINE_COLUMNS = {kind: f"{kind}_due" for kind in DeadlineKind}
STATUS_BY_EVENT = {
    "Verified": Status.VERIFIED,
    "Rejected": Status.REJECTED,
    "InfoRequested": Status.INFO_REQUESTED,
    "Supplemented": Status.SUBMITTED,
    "Forwarded": Status.FORWARDED,
    "Responded": Status.IN_PROGRESS,
    "Resolved": Status.RESOLVED,
    "Reopened": Status.IN_PROGRESS,
    "Closed": Status.CLOSED,
    "Withdrawn": Status.WITHDRAWN,
}
STATUS_OF_VALUE = {status.value: status for status in Status}  # faster than calling Status
_DEADLINE_DDL = ", ".join(f"{column} BIGINT" for column in DEADLINE_COLUMNS.values())
_CHANGING_COLUMNS = (  # what events change, and what working out the next deadline reads
    "status", "category", "maladministration", "unit_id", "routed", *DEADLINE_COLUMNS.values(),
    "first_responded_at", "filed_at", "updated_at", "version", "next_due",
)  # fmt: skip


def micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def from_micros(value: int | None) -> datetime | None:
    if value is None or value >= NO_DEADLINE:
        return None
    return datetime.fromtimestamp(value / 1_000_000, tz=UTC)


@dataclass
class _DeadlineState:
    """What ``active_deadlines`` reads of a complaint, rebuilt from a view row."""

    status: Status
    first_responded_at: int | None
    deadlines: dict[str, int] = field(default_factory=dict)


class ComplaintsProjection:
    name = "complaints"
    version = 3
    per_aggregate = True
    read_fields: tuple[str, ...] | None = None
    tables: tuple[str, ...] = ("complaints_view", overdue.TABLE)
    topics: tuple[str, ...] = tuple(
        get_topic(getattr(Complaint, event_name))
        for event_name in ("Filed", *STATUS_BY_EVENT, "FeedbackGiven", "DeadlineMissed")
    )
    ddl: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS complaints_view ("
        " id TEXT PRIMARY KEY, tracking_number TEXT NOT NULL, status TEXT NOT NULL,"
        " unit_id TEXT NOT NULL, routed INTEGER NOT NULL, category TEXT,"
        " channel TEXT NOT NULL, kind TEXT NOT NULL, maladministration TEXT,"
        " title TEXT NOT NULL, description TEXT NOT NULL, search_text TEXT NOT NULL,"
        " anonymous INTEGER NOT NULL, confidential INTEGER NOT NULL,"
        " filed_after_limit INTEGER NOT NULL, filed_at BIGINT NOT NULL,"
        " updated_at BIGINT NOT NULL, version INTEGER NOT NULL,"
        f" {_DEADLINE_DDL}, first_responded_at BIGINT, next_due BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS complaints_view_filed ON complaints_view (filed_at, id)",
        "CREATE INDEX IF NOT EXISTS complaints_view_due ON complaints_view (next_due, id)",
        "CREATE INDEX IF NOT EXISTS complaints_view_updated ON complaints_view (updated_at, id)",
        "CREATE INDEX IF NOT EXISTS complaints_view_unit ON complaints_view (unit_id, status)",
        "CREATE INDEX IF NOT EXISTS complaints_view_status ON complaints_view (status)",
        overdue.DDL,
    )

    def process(self, event: Any, tx: ViewTransaction) -> None:
        kind = type(event).__name__
        rows = row_batch(tx, "complaints_view", _CHANGING_COLUMNS, _move_counts)
        if kind == "Filed":
            rows.add(str(event.originator_id), _new_row(event))
            return
        row = rows.get(tx, str(event.originator_id))
        if kind in STATUS_BY_EVENT:
            row["status"] = str(STATUS_BY_EVENT[kind])
        changes = _changes_of(kind, event)
        if changes.get("first_responded_at") and row["first_responded_at"] is not None:
            del changes["first_responded_at"]  # only the first response counts
        row.update(changes)
        row["updated_at"] = micros(event.at)
        row["version"] = event.originator_version
        row["next_due"] = _next_due(row)


def _new_row(event: Any) -> dict[str, Any]:
    deadlines: dict[str, int | None] = dict.fromkeys(DEADLINE_COLUMNS.values())
    deadlines.update(
        {DEADLINE_COLUMNS[DeadlineKind(k)]: micros(v) for k, v in event.deadlines.items()}
    )
    row: dict[str, Any] = {
        "id": str(event.originator_id),
        "tracking_number": event.tracking_number,
        "status": str(Status.SUBMITTED),
        "unit_id": event.unit_id,
        "routed": 0,
        "category": event.category,
        "channel": str(event.channel),
        "kind": str(event.kind),
        "maladministration": None,
        "title": event.title,
        "description": event.description,
        "search_text": f"{event.title}\n{event.description}".lower(),
        "anonymous": int(event.anonymous),
        "confidential": int(event.confidential),
        "filed_after_limit": int(filed_after_limit(event.incident_date, event.at)),
        "filed_at": micros(event.at),
        "updated_at": micros(event.at),
        "version": event.originator_version,
        **deadlines,
        "first_responded_at": None,
    }
    row["next_due"] = _next_due(row)
    return row


def _move_counts(tx: ViewTransaction, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    overdue.move(tx, None if before is None else _due(before), _due(after))


def _changes_of(kind: str, event: Any) -> dict[str, Any]:
    if kind == "Verified":
        return {
            "category": event.category,
            "maladministration": str(event.maladministration) if event.maladministration else None,
        }
    if kind == "InfoRequested":
        return {"info_due": micros(event.info_due)}
    if kind == "Supplemented":
        return {DEADLINE_COLUMNS[DeadlineKind(k)]: micros(v) for k, v in event.deadlines.items()}
    if kind == "Forwarded":
        return {
            "unit_id": event.unit_id,
            "routed": 1,
            "first_response_due": micros(event.first_response_due),
        }
    if kind == "Responded":
        return {"first_responded_at": micros(event.at)}
    if kind == "Resolved":
        return {"feedback_due": micros(event.feedback_due)}
    return {}


def _due(row: dict[str, Any]) -> overdue.Due:
    next_due = row["next_due"]
    return overdue.Due(
        row["unit_id"], row["filed_at"], None if next_due >= NO_DEADLINE else next_due
    )


def _next_due(row: dict[str, Any]) -> int:
    state = _DeadlineState(
        status=STATUS_OF_VALUE[row["status"]],
        first_responded_at=row["first_responded_at"],
        deadlines={
            kind: row[column]
            for kind, column in DEADLINE_COLUMNS.items()
            if row[column] is not None
        },
    )
    running = [due for kind, due in active_deadlines(state).items() if kind in STAFF_DEADLINES]
    return min(running, default=NO_DEADLINE)
