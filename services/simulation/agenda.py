"""What the simulation's actors see of it: the ledger, the dice, and a way to act later."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from services.ledger import ComplaintLedger

Step = Callable[[], Any]


class Agenda(Protocol):
    ledger: ComplaintLedger
    rng: random.Random

    def schedule(self, at: datetime, step: Step) -> None:
        """Take ``step`` at ``at`` (dropped if that is after the simulated period)."""

    def filed_before(self) -> UUID | None:
        """Some complaint filed earlier, for duplicates."""
