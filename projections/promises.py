"""Improvement promises per unit, each with its timeline, and the share each unit kept on
time."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.utils import get_topic

from domain.promise import ImprovementPromise, PromiseStatus
from projections.store import ViewStore, ViewTransaction

STATUS_BY_EVENT = {
    "Signed": PromiseStatus.SIGNED,
    "Published": PromiseStatus.PUBLISHED,
    "Fulfilled": PromiseStatus.FULFILLED,
    "Missed": PromiseStatus.MISSED,
}
PUBLIC_STATUSES = (PromiseStatus.PUBLISHED, PromiseStatus.FULFILLED, PromiseStatus.MISSED)
COLUMNS = (
    "id", "unit_id", "title", "status", "due_date", "answers", "progress_notes",
    "fulfilled_on_time", "verified_kept",
)  # fmt: skip
# What a timeline entry's text is, by event: the unit head who signed, a progress note, the
# evidence of fulfilment, the improvement team's verification note.
TEXT_BY_EVENT = {
    "Signed": "signed_by",
    "ProgressNoted": "note",
    "Fulfilled": "evidence",
    "Verified": "note",
}
ENTRY_NAMES = {
    "Drafted": "drafted",
    "Signed": "signed",
    "Published": "published",
    "ProgressNoted": "progress_noted",
    "Fulfilled": "fulfilled",
    "Missed": "missed",
    "Verified": "verified",
}


class PromisesProjection:
    name = "promises"
    version = 2
    per_aggregate = False
    read_fields: tuple[str, ...] | None = None
    tables: tuple[str, ...] = ("promises_view", "promise_timeline_view")
    topics: tuple[str, ...] = tuple(get_topic(getattr(ImprovementPromise, e)) for e in ENTRY_NAMES)
    ddl: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS promises_view ("
        " id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, title TEXT NOT NULL,"
        " status TEXT NOT NULL, due_date TEXT NOT NULL, answers TEXT NOT NULL,"
        " progress_notes INTEGER NOT NULL, fulfilled_on_time INTEGER, verified_kept INTEGER,"
        " commitment TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS promise_timeline_view ("
        " promise_id TEXT NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL,"
        " at TEXT NOT NULL, text TEXT, kept INTEGER, PRIMARY KEY (promise_id, version))",
        "CREATE INDEX IF NOT EXISTS promises_view_unit ON promises_view (unit_id, status)",
    )

    def process(self, event: Any, tx: ViewTransaction) -> None:
        kind = type(event).__name__
        promise_id = str(event.originator_id)
        text = getattr(event, TEXT_BY_EVENT[kind]) if kind in TEXT_BY_EVENT else None
        tx.execute(
            "INSERT INTO promise_timeline_view (promise_id, version, event, at, text, kept)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (promise_id, event.originator_version, ENTRY_NAMES[kind], event.at.isoformat(),
             text, int(event.kept) if kind == "Verified" else None),
        )  # fmt: skip
        if kind == "Drafted":
            answers = {
                "categories": event.answers_categories,
                "skm_elements": event.answers_skm_elements,
            }
            tx.execute(
                f"INSERT INTO promises_view ({', '.join(COLUMNS)}, commitment)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?)",
                (promise_id, event.unit_id, event.title, str(PromiseStatus.DRAFT),
                 event.due_date.isoformat(), orjson.dumps(answers).decode(), event.commitment),
            )  # fmt: skip
            return
        changes: dict[str, Any] = {}
        if kind in STATUS_BY_EVENT:
            changes["status"] = str(STATUS_BY_EVENT[kind])
        if kind == "Fulfilled":
            changes["fulfilled_on_time"] = int(event.on_time)
        if kind == "Missed":
            changes["fulfilled_on_time"] = 0
        if kind == "Verified":
            changes["verified_kept"] = int(event.kept)
        if kind == "ProgressNoted":
            tx.execute(
                "UPDATE promises_view SET progress_notes = progress_notes + 1 WHERE id = ?",
                (promise_id,),
            )
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            tx.execute(
                f"UPDATE promises_view SET {assignments} WHERE id = ?",
                [*changes.values(), promise_id],
            )


def list_promises(
    store: ViewStore, unit_id: str | None, status: str | None, include_unpublished: bool
) -> list[dict[str, Any]]:
    where, params = [], []
    if unit_id is not None:
        where.append("unit_id = ?")
        params.append(unit_id)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    if not include_unpublished:
        where.append(f"status IN ({', '.join('?' for _ in PUBLIC_STATUSES)})")
        params.extend(str(s) for s in PUBLIC_STATUSES)
    sql = f"SELECT {', '.join(COLUMNS)} FROM promises_view"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = store.query(sql + " ORDER BY due_date, id", params)
    return [_present(dict(zip(COLUMNS, row, strict=True))) for row in rows]


def get_promise(
    store: ViewStore, promise_id: UUID, include_unpublished: bool
) -> dict[str, Any] | None:
    """One promise with its commitment, who signed it and every step in order; None when
    there is none, or it is not published and ``include_unpublished`` is false."""
    columns = (*COLUMNS, "commitment")
    rows = store.query(
        f"SELECT {', '.join(columns)} FROM promises_view WHERE id = ?", (str(promise_id),)
    )
    if not rows:
        return None
    promise = _present(dict(zip(columns, rows[0], strict=True)))
    if not include_unpublished and promise["status"] not in PUBLIC_STATUSES:
        return None
    entries = store.query(
        "SELECT version, event, at, text, kept FROM promise_timeline_view"
        " WHERE promise_id = ? ORDER BY version",
        (str(promise_id),),
    )
    promise["version"] = entries[-1][0]
    promise["timeline"] = [
        {"event": event, "at": at, "text": text, "kept": None if kept is None else bool(kept)}
        for _, event, at, text, kept in entries
    ]
    promise["signed_by"] = next(
        (text for _, event, _, text, _ in entries if event == "signed"), None
    )
    return promise


def overdue_promise_ids(store: ViewStore, today: date) -> list[UUID]:
    rows = store.query(
        "SELECT id FROM promises_view WHERE status = ? AND due_date < ?",
        (str(PromiseStatus.PUBLISHED), today.isoformat()),
    )
    return [UUID(promise_id) for (promise_id,) in rows]


def kept_on_time(store: ViewStore) -> list[dict[str, Any]]:
    """Per unit: promises come due (fulfilled or missed), those kept on time (fulfilled by
    the due date, unless the improvement team's verification found them not kept), and
    how many of the due the team verified, and found kept."""
    rows = store.query(
        "SELECT unit_id, COUNT(*),"
        " SUM(CASE WHEN fulfilled_on_time = 1 AND COALESCE(verified_kept, 1) = 1"
        " THEN 1 ELSE 0 END), COUNT(verified_kept), SUM(verified_kept)"
        " FROM promises_view WHERE status IN (?, ?) GROUP BY unit_id ORDER BY unit_id",
        (str(PromiseStatus.FULFILLED), str(PromiseStatus.MISSED)),
    )
    return [
        {"unit_id": unit_id, "due": due, "kept_on_time": int(kept), "kept_on_time_rate": kept / due,
         "verified": verified, "verified_kept": int(verified_kept or 0)}
        for unit_id, due, kept, verified, verified_kept in rows
    ]  # fmt: skip


def _present(row: dict[str, Any]) -> dict[str, Any]:
    answers = orjson.loads(row.pop("answers"))
    return {
        **row,
        "answers_categories": answers["categories"],
        "answers_skm_elements": answers["skm_elements"],
        "fulfilled_on_time": None
        if row["fulfilled_on_time"] is None
        else bool(row["fulfilled_on_time"]),
        "verified_kept": None if row["verified_kept"] is None else bool(row["verified_kept"]),
    }
