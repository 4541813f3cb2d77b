"""A batch of messages through their deliveries: two transactions a round, whatever the
batch holds.

1. Record every delivery the batch asks for and claim each one still to send, in one
   transaction (an event twice in a batch, or already handled, sends nothing again).
2. Send the claimed ones (``Sender``: in order per lane, lanes side by side).
3. Record every outcome, in one transaction.
4. A message whose deliveries were all sent, or cannot be sent, is settled; the messages
   with failed deliveries left to try are tried again (claim, send, mark) after a backoff
   (``backoff_seconds``, doubling up to ``MAX_BACKOFF_SECONDS``), while the settled ones
   wait only for the batch to end.

A crash between a round's claim and its marks leaves that round's deliveries ``sending``:
none of them is ever sent again, so nothing goes out twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra.settings import UnitContacts
from services.notifications import rules, templates
from services.notifications.deliveries import (
    RETRYABLE,
    Deliveries,
    DeliveryKey,
    DeliveryState,
    EventDeliveries,
)
from services.notifications.sending import Send, Sender

MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class Outcome:
    sent: int
    dead_letter: str | None = None  # why, when the message goes to the dead-letter topic
    poison: bool = False
    attempts: int = 0


@dataclass(frozen=True)
class Policy:
    directory: Mapping[str, UnitContacts]
    language: str
    attempts: int
    backoff_seconds: float


@dataclass(frozen=True)
class Planned:
    """One message's deliveries, with what it takes to send them."""

    envelope: dict[str, Any]
    value: bytes
    intents: dict[DeliveryKey, rules.Intent]
    texts: dict[str, templates.Text]
    hooks: dict[str, rules.Webhook]

    def record(self) -> EventDeliveries:
        envelope = self.envelope
        subject = envelope.get("subject") if rules.is_complaint_event(envelope) else None
        return EventDeliveries(envelope["id"], envelope["type"], subject,
                               list(self.intents.values()))  # fmt: skip

    def send(self, key: DeliveryKey) -> Send:
        intent = self.intents[key]
        subject = str(self.envelope.get("subject", key.event_id))
        text = self.texts.get(intent.template)
        return Send(key, intent, text, self.value, self.hooks, subject)


class BatchDelivery:
    def __init__(self, deliveries: Deliveries, sender: Sender, policy: Policy) -> None:
        self.deliveries, self.sender, self.policy = deliveries, sender, policy

    def deliver(
        self, batch: Mapping[int, Planned], stop: threading.Event
    ) -> dict[int, Outcome | None]:
        """Each message's outcome by its index; None for those still open when ``stop``
        was set during a backoff."""
        owners: dict[DeliveryKey, int] = {}  # each delivery is sent for its first message
        for index, planned in batch.items():
            owners.update({key: index for key in planned.intents if key not in owners})
        records = [planned.record() for planned in batch.values()]
        attempts = self.policy.attempts
        claimed = self.deliveries.record_and_claim(records, list(owners), attempts)
        outcomes: dict[int, Outcome | None] = {}
        waiting, sent, delivered, retry = dict(batch), Counter[int](), set[DeliveryKey](), 0
        while True:
            sent_now = self._round(batch, owners, claimed)
            delivered.update(sent_now)
            sent.update(owners[key] for key in sent_now)
            settled, waiting = self._settle(waiting, sent, delivered)
            outcomes.update(settled)
            if not waiting:
                return outcomes
            backoff = self.policy.backoff_seconds * 2**retry
            if stop.wait(min(backoff, MAX_BACKOFF_SECONDS)):
                return outcomes | dict.fromkeys(waiting)
            retry += 1
            open_keys = [key for planned in waiting.values() for key in planned.intents]
            claimed = self.deliveries.claim(open_keys, attempts)

    def _round(
        self,
        batch: Mapping[int, Planned],
        owners: dict[DeliveryKey, int],
        claimed: set[DeliveryKey],
    ) -> list[DeliveryKey]:
        """Send the claimed deliveries, in the batch's order, and record their outcomes in
        one transaction; the ones sent."""
        sends = [batch[index].send(key) for key, index in owners.items() if key in claimed]
        results = self.sender.send(sends)
        failed = {key: error for key, error in results.items() if error is not None}
        sent = [key for key in results if key not in failed]
        self.deliveries.mark(failed, sent)
        return sent

    def _settle(
        self, waiting: dict[int, Planned], sent: Counter[int], delivered: set[DeliveryKey]
    ) -> tuple[dict[int, Outcome], dict[int, Planned]]:
        """The messages now settled, with their outcomes, and those to try again. Only a
        message with a delivery not sent in this batch needs its records read."""
        settled: dict[int, Outcome] = {}
        unsure = {i: p for i, p in waiting.items() if not delivered.issuperset(p.intents)}
        settled.update({i: Outcome(sent[i]) for i in waiting if i not in unsure})
        states = self.deliveries.states({p.envelope["id"] for p in unsure.values()})
        again: dict[int, Planned] = {}
        for index, planned in unsure.items():
            outcome = self._outcome(planned, states, sent[index])
            if outcome is None:
                again[index] = planned
            else:
                settled[index] = outcome
        return settled, again

    def _outcome(
        self, planned: Planned, states: Mapping[DeliveryKey, DeliveryState], sent: int
    ) -> Outcome | None:
        """From the records: None while a failed delivery has tries left."""
        attempts = self.policy.attempts
        open_keys = [key for key in planned.intents if states[key].state in RETRYABLE]
        if any(states[key].attempts < attempts for key in open_keys):
            return None
        if not open_keys:
            return Outcome(sent)
        errors = sorted({str(states[key].last_error) for key in open_keys})
        return Outcome(sent, dead_letter="; ".join(errors), attempts=attempts)
