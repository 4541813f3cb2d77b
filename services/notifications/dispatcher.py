"""CloudEvents in, their notifications out: plan, record, send, retry with backoff.

Both consumers (the Kafka group and the in-process log follower) hand what one poll
returned to ``Dispatcher.handle_batch`` and act on each message's outcome, in order:
``Outcome`` without ``dead_letter`` → acknowledge; with it → put the message on the
dead-letter topic, call ``dead_lettered``, acknowledge; ``None`` (stopped while waiting to
retry) → acknowledge neither it nor what follows it. A message that cannot be read, or
names a complaint this ledger does not have, is a poison message: dead-lettered at once.
Any other failure (the store is down) propagates: the consumer acknowledges nothing and
the batch comes again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import orjson

from domain.errors import NotFoundError
from services.notifications import rules, templates
from services.notifications.batch import BatchDelivery, Outcome, Planned, Policy
from services.notifications.deliveries import Deliveries, DeliveryKey
from services.notifications.facts import LedgerFacts
from services.notifications.sending import Sender
from services.notifications.webhooks import Webhooks

_REQUIRED = ("specversion", "id", "type", "time")


class PoisonMessageError(Exception):
    """The message is not a CloudEvent this notifier can act on; retrying cannot help."""


class Dispatcher:
    def __init__(
        self,
        sender: Sender,
        deliveries: Deliveries,
        webhooks: Webhooks,
        facts: LedgerFacts,
        policy: Policy,
    ) -> None:
        self.sender, self.deliveries, self.webhooks = sender, deliveries, webhooks
        self._facts, self.policy = facts, policy
        self._batches = BatchDelivery(deliveries, sender, policy)

    def idle(self) -> bool:
        """Nothing could be sent: no e-mail, no SMS, no webhook registered."""
        enabled = self.sender.channels.enabled
        return enabled == {rules.Channel.WEBHOOK} and not self.webhooks.active()

    def handle_batch(self, values: Sequence[bytes], stop: threading.Event) -> list[Outcome | None]:
        """Each message's outcome, in the order given."""
        outcomes: list[Outcome | None] = []
        batch: dict[int, Planned] = {}
        for index, value in enumerate(values):
            try:
                planned = self._plan(value)
            except PoisonMessageError as error:
                outcomes.append(Outcome(0, dead_letter=str(error), poison=True))
                continue
            outcomes.append(None if planned.intents else Outcome(0))
            if planned.intents:
                batch[index] = planned
        if batch:
            for index, outcome in self._batches.deliver(batch, stop).items():
                outcomes[index] = outcome
        return outcomes

    def dead_lettered(self, values: Sequence[bytes]) -> None:
        """The messages are on the dead-letter topic: their failed deliveries say so."""
        event_ids = []
        for value in values:
            try:
                event_ids.append(str(orjson.loads(value)["id"]))
            except (orjson.JSONDecodeError, KeyError, TypeError):
                continue  # a poison message has no deliveries
        self.deliveries.mark_dead_lettered(event_ids)

    def close(self) -> None:
        self.sender.close()

    def _plan(self, value: bytes) -> Planned:
        envelope = parse(value)
        event_type, channels = envelope["type"], self.sender.channels.enabled
        hooks = [h for h in self.webhooks.active() if h.wants_type(event_type)]
        facts = None
        if rules.is_complaint_event(envelope) and (
            rules.needs_facts(event_type, channels) or any(h.unit_id for h in hooks)
        ):
            facts = self._complaint_facts(envelope)
        policy = self.policy
        intents = rules.plan(envelope, facts, policy.directory, hooks, channels, policy.language)
        texts: dict[str, templates.Text] = {}
        if facts is not None:
            values = templates.context(envelope, facts, policy.language)
            try:
                for template in {i.template for i in intents} - {rules.WEBHOOK_TEMPLATE}:
                    texts[template] = templates.render(template, policy.language, values)
            except (KeyError, ValueError) as error:
                raise PoisonMessageError(f"template {error} cannot be filled") from error
        keyed = {DeliveryKey(envelope["id"], i.recipient, str(i.channel)): i for i in intents}
        return Planned(envelope, value, keyed, texts, {h.id: h for h in hooks})

    def _complaint_facts(self, envelope: dict[str, Any]) -> rules.ComplaintFacts:
        try:
            return self._facts.of(UUID(str(envelope.get("subject"))), envelope["id"])
        except (ValueError, NotFoundError) as error:
            raise PoisonMessageError(f"no such complaint event: {error}") from error


def parse(value: bytes) -> dict[str, Any]:
    try:
        envelope = orjson.loads(value)
    except orjson.JSONDecodeError as error:
        raise PoisonMessageError(f"not JSON: {error}") from error
    if not isinstance(envelope, dict):
        raise PoisonMessageError("not a CloudEvent: the JSON is not an object")
    missing = [name for name in _REQUIRED if not isinstance(envelope.get(name), str)]
    if missing:
        raise PoisonMessageError(f"not a CloudEvent: no {', '.join(missing)}")
    if not isinstance(envelope.get("data", {}), dict):
        raise PoisonMessageError("not an Aduan CloudEvent: data is not an object")
    return envelope
