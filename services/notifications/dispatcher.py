"""One CloudEvent in, its notifications out: plan, record, send, retry with backoff.

Both consumers (the Kafka group and the in-process log follower) hand every message to
``Dispatcher.handle`` and act on its outcome: ``delivered`` → acknowledge; ``dead_letter``
→ put the message on the dead-letter topic, call ``dead_lettered``, acknowledge; ``None``
(stopped while waiting to retry) → acknowledge nothing. A message that cannot be read, or
names a complaint this ledger does not have, is a poison message: dead-lettered at once.
Any other failure (the store is down) propagates: the consumer acknowledges nothing and
the message comes again.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson

from domain.errors import NotFoundError
from infra.notify_channels import ChannelError
from infra.settings import UnitContacts
from services.notifications import rules, templates
from services.notifications.channels import Channels
from services.notifications.deliveries import RETRYABLE, Deliveries, DeliveryKey
from services.notifications.facts import LedgerFacts
from services.notifications.masking import mask
from services.notifications.webhooks import Webhooks

MAX_BACKOFF_SECONDS = 60.0
_REQUIRED = ("specversion", "id", "type", "time")


class PoisonMessageError(Exception):
    """The message is not a CloudEvent this notifier can act on; retrying cannot help."""


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
class _Planned:
    envelope: dict[str, Any]
    intents: dict[DeliveryKey, rules.Intent]
    texts: dict[str, templates.Text]
    hooks: dict[str, rules.Webhook]


class Dispatcher:
    def __init__(
        self,
        channels: Channels,
        deliveries: Deliveries,
        webhooks: Webhooks,
        facts: LedgerFacts,
        policy: Policy,
    ) -> None:
        self.channels, self.deliveries, self.webhooks = channels, deliveries, webhooks
        self._facts, self.policy = facts, policy

    def idle(self) -> bool:
        """Nothing could be sent: no e-mail, no SMS, no webhook registered."""
        return self.channels.enabled == {rules.Channel.WEBHOOK} and not self.webhooks.active()

    def handle(self, value: bytes, stop: threading.Event) -> Outcome | None:
        try:
            planned = self._plan(value)
        except PoisonMessageError as error:
            return Outcome(0, dead_letter=str(error), poison=True)
        if not planned.intents:
            return Outcome(0)
        envelope = planned.envelope
        subject = envelope.get("subject") if rules.is_complaint_event(envelope) else None
        self.deliveries.record(
            envelope["id"], envelope["type"], subject, list(planned.intents.values())
        )
        return self._deliver(planned, value, stop)

    def dead_lettered(self, value: bytes) -> None:
        """The message is on the dead-letter topic: its failed deliveries say so."""
        try:
            event_id = str(orjson.loads(value)["id"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return  # a poison message has no deliveries
        self.deliveries.mark_dead_lettered(event_id)

    def _plan(self, value: bytes) -> _Planned:
        envelope = parse(value)
        event_type, channels = envelope["type"], self.channels.enabled
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
        return _Planned(envelope, keyed, texts, {h.id: h for h in hooks})

    def _complaint_facts(self, envelope: dict[str, Any]) -> rules.ComplaintFacts:
        try:
            return self._facts.of(UUID(str(envelope.get("subject"))), envelope["id"])
        except (ValueError, NotFoundError) as error:
            raise PoisonMessageError(f"no such complaint event: {error}") from error

    def _deliver(self, planned: _Planned, value: bytes, stop: threading.Event) -> Outcome | None:
        attempts, sent, retry = self.policy.attempts, 0, 0
        while True:
            sent_now = sum(self._try(k, i, planned, value) for k, i in planned.intents.items())
            sent += sent_now
            if sent_now == len(planned.intents):
                return Outcome(sent)  # the usual case: no need to read the records back
            states = self.deliveries.states(planned.envelope["id"])
            open_keys = [k for k in planned.intents if states[k].state in RETRYABLE]
            if not any(states[k].attempts < attempts for k in open_keys):
                if not open_keys:
                    return Outcome(sent)
                errors = sorted({str(states[k].last_error) for k in open_keys})
                return Outcome(sent, dead_letter="; ".join(errors), attempts=attempts)
            if stop.wait(min(self.policy.backoff_seconds * 2**retry, MAX_BACKOFF_SECONDS)):
                return None
            retry += 1

    def _try(self, key: DeliveryKey, intent: rules.Intent, planned: _Planned, value: bytes) -> int:
        if self.deliveries.claim(key, self.policy.attempts) is None:
            return 0  # sent, being sent, or out of attempts
        text = planned.texts.get(intent.template)
        try:
            self.channels.send(key, intent, text, value, planned.hooks)
        except Exception as error:  # any failure of a transport is a failed try
            message = str(error) if isinstance(error, ChannelError) else repr(error)
            if intent.audience is rules.Audience.COMPLAINANT:
                message = message.replace(intent.address, mask(intent.address))
            self.deliveries.mark_failed(key, message[:1000])
            return 0
        self.deliveries.mark_sent(key)
        return 1


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
