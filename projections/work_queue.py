"""Queries on the complaints view: filters, scope, search, keyset (cursor) pagination."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

import orjson

from domain.calendar import JAKARTA
from projections.complaints import from_micros, micros
from projections.store import ViewStore

SortOrder = Literal["-filed_at", "filed_at", "next_due", "-updated_at", "updated_at"]
SORTS: dict[SortOrder, tuple[str, str]] = {
    "-filed_at": ("filed_at", "DESC"),
    "filed_at": ("filed_at", "ASC"),
    "next_due": ("next_due", "ASC"),
    "-updated_at": ("updated_at", "DESC"),
    "updated_at": ("updated_at", "ASC"),
}
COLUMNS = (
    "id", "tracking_number", "status", "unit_id", "category", "channel", "kind",
    "maladministration", "title", "anonymous", "confidential", "filed_after_limit", "filed_at",
    "updated_at",
    "version", "next_due",
)  # fmt: skip


class InvalidCursorError(ValueError):
    """The cursor was not made by this query: start again without one."""


@dataclass(frozen=True)
class Scope:
    """Which complaints a caller may list: all, or those of some units (routed ones only,
    for officers)."""

    unit_ids: frozenset[str] | None = None
    routed_only: bool = False


@dataclass(frozen=True)
class QueueQuery:
    status: tuple[str, ...] = ()
    unit_id: str | None = None
    category: str | None = None
    channel: str | None = None
    kind: str | None = None
    overdue: bool | None = None
    filed_after_limit: bool | None = None
    q: str | None = None
    filed_from: date | None = None
    filed_to: date | None = None
    sort: SortOrder = "-filed_at"
    page_size: int = 50
    cursor: str | None = None
    now: datetime | None = None
    scope: Scope = field(default_factory=Scope)


def search(store: ViewStore, query: QueueQuery) -> tuple[list[dict[str, Any]], str | None]:
    """One page of complaints and the cursor of the next page (None on the last)."""
    where, params = _conditions(query)
    column, direction = SORTS[query.sort]
    if query.cursor is not None:
        value, last_id = _decode_cursor(query.cursor, query.sort)
        operator = "<" if direction == "DESC" else ">"
        where.append(f"({column}, id) {operator} (?, ?)")
        params += [value, last_id]
    sql = (
        f"SELECT {', '.join(COLUMNS)} FROM complaints_view"
        f"{' WHERE ' + ' AND '.join(where) if where else ''}"
        f" ORDER BY {column} {direction}, id {direction} LIMIT ?"
    )
    rows = store.query(sql, [*params, query.page_size + 1])
    items = [dict(zip(COLUMNS, row, strict=True)) for row in rows[: query.page_size]]
    next_cursor = None
    if len(rows) > query.page_size:
        last = items[-1]
        next_cursor = _encode_cursor(query.sort, last[column], last["id"])
    return [_present(item) for item in items], next_cursor


def _conditions(query: QueueQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []

    def add(condition: str, *values: Any) -> None:
        where.append(condition)
        params.extend(values)

    if query.scope.unit_ids is not None:
        units = sorted(query.scope.unit_ids) or [""]
        add(f"unit_id IN ({', '.join('?' for _ in units)})", *units)
    if query.scope.routed_only:
        add("routed = 1")
    if query.status:
        add(f"status IN ({', '.join('?' for _ in query.status)})", *query.status)
    for column in ("unit_id", "category", "channel", "kind"):
        value = getattr(query, column)
        if value is not None:
            add(f"{column} = ?", value)
    if query.overdue is not None and query.now is not None:
        add("next_due <= ?" if query.overdue else "next_due > ?", micros(query.now))
    if query.filed_after_limit is not None:
        add("filed_after_limit = ?", int(query.filed_after_limit))
    if query.q:
        add("search_text LIKE ?", f"%{_escape_like(query.q.lower())}%")
        where[-1] += " ESCAPE '\\'"
    if query.filed_from is not None:
        add("filed_at >= ?", micros(start_of_day(query.filed_from)))
    if query.filed_to is not None:
        add("filed_at < ?", micros(start_of_day(query.filed_to)))
    return where, params


def start_of_day(day: date) -> datetime:
    """Midnight opening ``day`` in Asia/Jakarta."""
    return datetime.combine(day, time(0), tzinfo=JAKARTA)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _encode_cursor(sort: str, value: Any, last_id: str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([sort, value, last_id])).decode()


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        cursor_sort, value, last_id = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as error:
        raise InvalidCursorError("The cursor is not one this API gave out.") from error
    in_range = isinstance(value, int) and -(2**63) <= value < 2**63  # a BIGINT, as stored
    if cursor_sort != sort or not in_range or not isinstance(last_id, str):
        raise InvalidCursorError("The cursor belongs to another sort order or is damaged.")
    return value, last_id


def _present(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **item,
        "anonymous": bool(item["anonymous"]),
        "confidential": bool(item["confidential"]),
        "filed_after_limit": bool(item["filed_after_limit"]),
        "filed_at": from_micros(item["filed_at"]),
        "updated_at": from_micros(item["updated_at"]),
        "next_due": from_micros(item["next_due"]),
    }
