"""Queries on the audit view: filters, and pages in log order after a position (keyset
pagination, so a page costs the same however deep it is and an export runs in constant
memory)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from projections.audit import COLUMNS
from projections.complaints import from_micros, micros
from projections.store import ViewStore
from projections.work_queue import InvalidCursorError, start_of_day

CURSOR_KIND = "audit"


@dataclass(frozen=True)
class AuditFilter:
    """Events in ``[day_from, day_to)`` (Asia/Jakarta dates), by one actor, in one unit;
    any left out does not filter."""

    day_from: date | None = None
    day_to: date | None = None
    actor_id: str | None = None
    unit_id: str | None = None


def audit_page(
    store: ViewStore, audit_filter: AuditFilter, after: int, limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` rows after log position ``after``, in log order."""
    where, params = _conditions(audit_filter)
    where.append("position > ?")
    rows = store.query(
        f"SELECT {', '.join(COLUMNS)} FROM audit_events WHERE {' AND '.join(where)}"
        " ORDER BY position LIMIT ?",
        [*params, after, limit],
    )
    return [_present(dict(zip(COLUMNS, row, strict=True))) for row in rows]


def audit_batches(
    store: ViewStore, audit_filter: AuditFilter, batch_size: int
) -> Iterator[list[dict[str, Any]]]:
    """Every matching row, ``batch_size`` at a time."""
    after = 0
    while batch := audit_page(store, audit_filter, after, batch_size):
        yield batch
        after = batch[-1]["position"]


def count_audit_events(store: ViewStore, audit_filter: AuditFilter) -> int:
    where, params = _conditions(audit_filter)
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    return int(store.query(f"SELECT COUNT(*) FROM audit_events{condition}", params)[0][0])


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([CURSOR_KIND, position])).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, position = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as error:
        raise InvalidCursorError("The cursor is not one this API gave out.") from error
    in_range = isinstance(position, int) and 0 <= position < 2**63  # a BIGINT, as stored
    if kind != CURSOR_KIND or not in_range:
        raise InvalidCursorError("The cursor belongs to another listing or is damaged.")
    return int(position)


def _conditions(audit_filter: AuditFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if audit_filter.day_from is not None:
        where.append("at >= ?")
        params.append(micros(start_of_day(audit_filter.day_from)))
    if audit_filter.day_to is not None:
        where.append("at < ?")
        params.append(micros(start_of_day(audit_filter.day_to)))
    for column in ("actor_id", "unit_id"):
        value = getattr(audit_filter, column)
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return where, params


def _present(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "position": int(row["position"]), "at": from_micros(row["at"])}
