"""The audit trail: one row per event of the log, in log order, saying who did what, when,
to which complaint (or other aggregate), in which unit, and why where the event has a
structured reason or a stated purpose.

Rows never carry personal data or free text (notes, answers, descriptions): those stay in
the ledger's events. Writing is idempotent (a row is keyed by its log position), so two
processes catching the view up at once leave it as one would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from projections.complaints import micros
from projections.row_batch import rows_of_ids
from projections.store import ViewTransaction

COLUMNS = (
    "position", "event_id", "event_type", "at", "actor_id", "actor_role", "aggregate_id",
    "complaint_id", "unit_id", "reason",
)  # fmt: skip
# The structured reason of an event (an enum, or the purpose staff stated), by event class.
REASON_FIELDS = {
    "Complaint.Rejected": "reason",
    "Complaint.Closed": "reason",
    "Complaint.Withdrawn": "reason",
    "Complaint.DeadlineMissed": "deadline",
    "PersonalDataRead.Recorded": "purpose",
}
# Events that place an aggregate in a unit; its later events carry no unit of their own.
UNIT_MOVES = frozenset({"Complaint.Filed", "Complaint.Forwarded", "ImprovementPromise.Drafted"})
# What the view reads of an event, besides its aggregate's id and version.
READ_FIELDS = (
    "timestamp",
    "at",
    "actor",
    "unit_id",
    "complaint_id",
    *sorted(set(REASON_FIELDS.values())),
)
EventType = Callable[[type], str]
EventId = Callable[[UUID, int], str]


@dataclass
class _Pending:
    """This transaction's rows and unit moves, written once before it commits, and the
    units stored before it of the aggregates its events are about."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    units: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (unit, position)
    stored_units: dict[str, str | None] | None = None  # read on first need
    # the unit moves of the batch before, perhaps not written yet
    earlier_units: dict[str, tuple[str, int]] = field(default_factory=dict)

    def stored_unit(self, tx: ViewTransaction, key: str) -> str | None:
        if key in self.earlier_units:
            return self.earlier_units[key][0]
        if self.stored_units is None:
            self.stored_units = _stored_units(tx, _aggregates_of(tx.events))
        if key not in self.stored_units:  # an event the runner did not announce
            self.stored_units.update(_stored_units(tx, [key]))
        return self.stored_units.get(key)


class AuditProjection:
    name = "audit"
    version = 1
    per_aggregate = False
    read_fields: tuple[str, ...] | None = READ_FIELDS
    tables: tuple[str, ...] = ("audit_events", "audit_units")
    ddl: tuple[str, ...] = (
        "CREATE TABLE IF NOT EXISTS audit_events ("
        " position BIGINT PRIMARY KEY, event_id TEXT NOT NULL, event_type TEXT NOT NULL,"
        " at BIGINT NOT NULL, actor_id TEXT, actor_role TEXT, aggregate_id TEXT NOT NULL,"
        " complaint_id TEXT, unit_id TEXT, reason TEXT)",
        "CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at)",
        "CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_events_unit ON audit_events (unit_id, position)",
        "CREATE TABLE IF NOT EXISTS audit_units ("
        " id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, position BIGINT NOT NULL)",
    )

    def __init__(
        self, event_classes: Sequence[type], event_type: EventType, event_id: EventId
    ) -> None:
        """``event_classes``: every event the log can hold; ``event_type`` and ``event_id``
        name events as the published CloudEvents do, so rows and messages match."""
        self.topics: tuple[str, ...] = tuple(get_topic(cls) for cls in event_classes)
        self._types = {cls: event_type(cls) for cls in event_classes}
        self._event_id = event_id

    def process(self, event: Any, tx: ViewTransaction) -> None:
        pending: _Pending = tx.deferred(self.name, lambda: _started(tx.earlier(self.name)), _flush)
        state, kind = vars(event), type(event).__qualname__
        aggregate_id = str(event.originator_id)
        complaint_id = aggregate_id if kind.startswith("Complaint.") else state.get("complaint_id")
        actor = state.get("actor")
        pending.rows.append((
            tx.event_position,
            self._event_id(event.originator_id, event.originator_version),
            self._types[type(event)],
            micros(state.get("at") or event.timestamp),
            actor.id if actor is not None else None,
            _text(actor.role if actor is not None else None),
            aggregate_id,
            _text(complaint_id),
            _unit_at(kind, state, aggregate_id, _text(complaint_id), pending, tx),
            _text(state.get(REASON_FIELDS[kind]) if kind in REASON_FIELDS else None),
        ))  # fmt: skip


def _started(earlier: _Pending | None) -> _Pending:
    return _Pending(earlier_units={} if earlier is None else earlier.units)


def _unit_at(
    kind: str,
    state: dict[str, Any],
    aggregate_id: str,
    complaint_id: str | None,
    pending: _Pending,
    tx: ViewTransaction,
) -> str | None:
    """The unit the event happened in: its own, or its complaint's (or promise's) then."""
    unit_id: str | None = state.get("unit_id")
    if kind in UNIT_MOVES:
        pending.units[aggregate_id] = (str(unit_id), tx.event_position)
        return unit_id
    if unit_id is not None:
        return unit_id
    key = complaint_id or aggregate_id
    if key in pending.units:
        return pending.units[key][0]
    return pending.stored_unit(tx, key)


def _aggregates_of(events: Sequence[Any]) -> list[str]:
    """The ids whose unit the events may need: their aggregates' and complaints'."""
    ids = {str(event.originator_id) for event in events}
    ids.update(str(event.complaint_id) for event in events if hasattr(event, "complaint_id"))
    return list(ids)


def _stored_units(tx: ViewTransaction, ids: Sequence[str]) -> dict[str, str | None]:
    """The stored unit of each of ``ids`` (None: none yet), read a few hundred at a time."""
    units: dict[str, str | None] = dict.fromkeys(ids)
    found = rows_of_ids(tx, "SELECT id, unit_id FROM audit_units WHERE id = ANY(?)", ids)
    units.update((str(key), str(unit)) for key, unit in found)
    return units


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _flush(tx: ViewTransaction, pending: _Pending) -> None:
    if not pending.rows:
        return
    tx.insert_many("audit_events", COLUMNS, pending.rows, "ON CONFLICT (position) DO NOTHING")
    if not pending.units:
        return
    # A unit recorded later in the log wins, whichever writer gets there first.
    tx.insert_many(
        "audit_units",
        ("id", "unit_id", "position"),
        [(key, unit, position) for key, (unit, position) in pending.units.items()],
        "ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id,"
        " position = excluded.position WHERE excluded.position > audit_units.position",
    )
