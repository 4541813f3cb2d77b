"""Resolution metrics facts: one row per complaint with the moments the metrics count.

Durations are stored when they happen, in hundredths of an hour and in working days
(Asia/Jakarta), and counted at once in the totals and duration trees the metric queries
read (projections.metrics_rollup, projections.metrics_durations). Each "first" moment is
set once and never moved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.utils import get_topic

from domain.calendar import WorkingCalendar
from domain.complaint import Complaint
from domain.values import ResolutionOutcome, Status
from projections import metrics_backlog as backlog
from projections import metrics_durations as durations
from projections import metrics_rollup as rollup
from projections.complaints import STATUS_BY_EVENT, micros
from projections.row_batch import row_batch
from projections.store import ViewTransaction

TRIAGE_EVENTS = frozenset({"Verified", "Rejected", "InfoRequested"})
_ROW_COLUMNS = tuple(
    dict.fromkeys(
        (
            "filed_at", "verify_due", "resolution_due", "first_response_due", "routed_at",
            "category", "channel", "maladministration", *rollup.FACT_COLUMNS, *durations.COLUMNS,
        )
    )
)  # fmt: skip
NEW_FACTS = {  # a complaint's facts before anything but its filing happened
    "maladministration": None, "routed_at": None, "first_response_due": None,
    "resolved_at": None, "resolved_date": None, "fixed": 0, "triaged_at": None,
    "triage_on_time": None, "responded_at": None, "response_on_time": None,
    "resolution_on_time": None, **dict.fromkeys(durations.COLUMNS),
    "reopened": 0, "feedback_count": 0, "satisfied_count": 0, "rating_sum": 0,
    "rating_count": 0,
}  # fmt: skip
_EVENTS = ("Filed", *STATUS_BY_EVENT, "FeedbackGiven")


class MetricsProjection:
    name = "metrics"
    version = 5
    per_aggregate = True
    read_fields: tuple[str, ...] | None = None
    tables: tuple[str, ...] = ("complaint_facts", *rollup.TABLES, durations.TABLE, backlog.TABLE)
    topics: tuple[str, ...] = tuple(get_topic(getattr(Complaint, e)) for e in _EVENTS)
    ddl: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS complaint_facts ("
        " id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, category TEXT, channel TEXT NOT NULL,"
        " kind TEXT NOT NULL, maladministration TEXT, status TEXT NOT NULL,"
        " filed_at BIGINT NOT NULL, filed_date TEXT NOT NULL,"
        " verify_due BIGINT, resolution_due BIGINT, first_response_due BIGINT,"
        " triaged_at BIGINT, triage_on_time INTEGER, triage_centihours INTEGER,"
        " triage_days INTEGER, routed_at BIGINT, responded_at BIGINT,"
        " response_on_time INTEGER, response_centihours INTEGER, response_days INTEGER,"
        " resolved_at BIGINT, resolved_date TEXT, resolution_on_time INTEGER,"
        " resolution_centihours INTEGER, resolution_days INTEGER,"
        " fixed INTEGER NOT NULL DEFAULT 0,"
        " reopened INTEGER NOT NULL DEFAULT 0, feedback_count INTEGER NOT NULL DEFAULT 0,"
        " satisfied_count INTEGER NOT NULL DEFAULT 0, rating_sum INTEGER NOT NULL DEFAULT 0,"
        " rating_count INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS complaint_facts_unit ON complaint_facts (unit_id, filed_at)",
        *rollup.DDL,
        durations.DDL,
        backlog.DDL,
    )

    def __init__(self, calendar: WorkingCalendar) -> None:
        self._calendar = calendar

    def process(self, event: Any, tx: ViewTransaction) -> None:
        kind = type(event).__name__
        complaint_id = str(event.originator_id)
        facts = row_batch(tx, "complaint_facts", _ROW_COLUMNS, _move_counts)
        if kind == "Filed":
            facts.add(complaint_id, self._new_row(event, complaint_id))
            return
        row = facts.get(tx, complaint_id)
        if kind in STATUS_BY_EVENT:
            row["status"] = str(STATUS_BY_EVENT[kind])
        if kind in TRIAGE_EVENTS and row["triaged_at"] is None:
            row.update(self._first("triage", row["filed_at"], event.at, row["verify_due"]))
            row["triaged_at"] = micros(event.at)
        row.update(self._changes_of(kind, event, row))

    def _changes_of(self, kind: str, event: Any, row: dict[str, Any]) -> dict[str, Any]:
        if kind == "Verified":
            malad = event.maladministration
            return {"category": event.category, "maladministration": malad and str(malad)}
        if kind == "Supplemented":
            moved = {"verify": "verify_due", "resolution": "resolution_due"}
            return {
                column: micros(event.deadlines[clock])
                for clock, column in moved.items()
                if clock in event.deadlines
            }
        if kind == "Forwarded":
            changes: dict[str, Any] = {"unit_id": event.unit_id}
            if row["responded_at"] is None:  # the routing the first response answers
                changes["routed_at"] = micros(event.at)
                changes["first_response_due"] = micros(event.first_response_due)
            return changes
        if kind == "Responded" and row["responded_at"] is None and row["routed_at"]:
            timing = self._first("response", row["routed_at"], event.at, row["first_response_due"])
            return {**timing, "responded_at": micros(event.at)}
        if kind == "Resolved":
            fixed = {"fixed": int(event.outcome is ResolutionOutcome.FIXED)}
            if row["resolved_at"] is not None:
                return fixed
            timing = self._first("resolution", row["filed_at"], event.at, row["resolution_due"])
            return {
                **timing,
                **fixed,
                "resolved_at": micros(event.at),
                "resolved_date": self._calendar.local_date(event.at).isoformat(),
            }
        if kind == "Reopened":
            return {"reopened": row["reopened"] + 1}
        if kind == "FeedbackGiven":
            rated = event.rating is not None
            return {
                "feedback_count": row["feedback_count"] + 1,
                "satisfied_count": row["satisfied_count"] + int(event.satisfied),
                "rating_sum": row["rating_sum"] + (event.rating or 0),
                "rating_count": row["rating_count"] + int(rated),
            }
        return {}

    def _first(self, prefix: str, since: int, at: datetime, due: int | None) -> dict[str, Any]:
        start = datetime.fromtimestamp(since / 1_000_000, tz=at.tzinfo)
        return {
            f"{prefix}_on_time": int(due is not None and micros(at) <= due),
            f"{prefix}_centihours": durations.centihours(micros(at) - since),
            f"{prefix}_days": self._calendar.working_days_between(start, at),
        }

    def _new_row(self, event: Any, complaint_id: str) -> dict[str, Any]:
        return {
            **NEW_FACTS,
            "id": complaint_id,
            "unit_id": event.unit_id,
            "category": event.category,
            "channel": str(event.channel),
            "kind": str(event.kind),
            "status": str(Status.SUBMITTED),
            "filed_at": micros(event.at),
            "filed_date": self._calendar.local_date(event.at).isoformat(),
            "verify_due": micros(event.deadlines["verify"]),
            "resolution_due": micros(event.deadlines["resolution"]),
        }


def _move_counts(tx: ViewTransaction, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    rollup.move(tx, before, after)
    durations.move(tx, before, after)
    backlog.move(tx, before, after)
