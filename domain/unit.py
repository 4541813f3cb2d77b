"""Service units (unit layanan): the tree of units complaints are about."""

from __future__ import annotations

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.sla import SlaPolicy
from domain.values import Actor

UNIT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def unit_aggregate_id(unit_id: str) -> UUID:
    """Units are addressed by a readable id; the aggregate id is derived from it."""
    return uuid5(NAMESPACE_URL, f"aduan:unit:{unit_id}")


class ServiceUnit(Aggregate):
    @event("Registered")
    def __init__(
        self,
        *,
        id: UUID,
        unit_id: str,
        name: str,
        parent_id: str | None,
        policy: SlaPolicy,
        actor: Actor,
    ) -> None:
        self.unit_id = unit_id
        self.name = name
        self.parent_id = parent_id
        self.policy = policy

    @classmethod
    def register(
        cls,
        *,
        unit_id: str,
        name: str,
        parent_id: str | None,
        policy: SlaPolicy,
        actor: Actor,
    ) -> ServiceUnit:
        if not UNIT_ID_PATTERN.match(unit_id):
            raise RuleViolationError(
                "A unit id is 2-63 lowercase letters, digits or dashes.", field="unit_id"
            )
        if parent_id == unit_id:
            raise RuleViolationError("A unit cannot be its own parent.", field="parent_id")
        return cls(
            id=unit_aggregate_id(unit_id),
            unit_id=unit_id,
            name=name,
            parent_id=parent_id,
            policy=policy,
            actor=actor,
        )


class UnitDirectory(Aggregate):
    """The list of registered unit ids, saved with each new unit so ids stay unique."""

    ID = uuid5(NAMESPACE_URL, "aduan:unit-directory")

    @event("Started")
    def __init__(self, *, id: UUID) -> None:
        self.unit_ids: list[str] = []

    @classmethod
    def start(cls) -> UnitDirectory:
        return cls(id=cls.ID)

    @event("UnitAdded")
    def add(self, unit_id: str) -> None:
        self.unit_ids.append(unit_id)
