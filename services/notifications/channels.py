"""The configured channels, and how one intended notification becomes one send."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import NAMESPACE_URL, uuid5

from infra.notify_channels import ChannelError, Email, SmsGateway, SmtpMailer, WebhookPoster
from services.notifications.deliveries import DeliveryKey
from services.notifications.rules import Channel, Intent, Webhook
from services.notifications.templates import Text

DELIVERY_NAMESPACE = uuid5(NAMESPACE_URL, "aduan:delivery")


def delivery_id(key: DeliveryKey) -> str:
    """Opaque and stable: the same on every try, and no address in it."""
    return str(uuid5(DELIVERY_NAMESPACE, f"{key.event_id}|{key.recipient}|{key.channel}"))


@dataclass
class Channels:
    mailer: SmtpMailer | None = None
    sms: SmsGateway | None = None
    webhooks: WebhookPoster = field(default_factory=WebhookPoster)

    @property
    def enabled(self) -> frozenset[Channel]:
        configured = {Channel.EMAIL: self.mailer, Channel.SMS: self.sms}
        return frozenset({Channel.WEBHOOK} | {c for c, sender in configured.items() if sender})

    def send(
        self,
        key: DeliveryKey,
        intent: Intent,
        text: Text | None,
        cloud_event: bytes,
        hooks: Mapping[str, Webhook],
    ) -> None:
        """Send one notification; ChannelError when it was not accepted."""
        identifier = delivery_id(key)
        if intent.channel is Channel.WEBHOOK:
            hook = hooks.get(intent.address)
            if hook is None:
                raise ChannelError(f"webhook {intent.address} was deleted")
            self.webhooks.send(hook.url, hook.secret, cloud_event, identifier)
            return
        if text is None:
            raise ChannelError(f"no text for {intent.template}")
        if intent.channel is Channel.EMAIL and self.mailer is not None:
            message_id = f"<{identifier}@aduan.ledger>"
            self.mailer.send(Email(intent.address, text.subject, text.body, message_id,
                                   key.event_id))  # fmt: skip
        elif intent.channel is Channel.SMS and self.sms is not None:
            self.sms.send(intent.address, text.sms, identifier)
        else:
            raise ChannelError(f"channel {intent.channel} is not configured")

    def close(self) -> None:
        self.webhooks.close()
        if self.mailer is not None:
            self.mailer.close()
        if self.sms is not None:
            self.sms.close()
