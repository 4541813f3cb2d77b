"""Sending a batch's claimed deliveries, each once, by its channel.

The sends of one lane go one after another in the order of the batch, so that a
complainant or a webhook hears of an aggregate's events in the order they happened, as
Kafka keeps them. A lane is one subject's notifications to one recipient by SMS or
webhook; every e-mail is in one lane, as the SMTP session sends one message at a time.
Lanes run side by side on a few threads, so that one slow webhook or gateway does not
hold up the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from infra.notify_channels import ChannelError
from services.notifications.channels import Channels
from services.notifications.deliveries import DeliveryKey
from services.notifications.masking import mask
from services.notifications.rules import Audience, Channel, Intent, Webhook
from services.notifications.templates import Text

ERROR_LIMIT = 1000  # characters of an error kept with its delivery


@dataclass(frozen=True)
class Send:
    key: DeliveryKey
    intent: Intent
    text: Text | None
    cloud_event: bytes
    hooks: Mapping[str, Webhook]
    subject: str

    @property
    def lane(self) -> tuple[str, ...]:
        if self.intent.channel is Channel.EMAIL:
            return (Channel.EMAIL,)
        return (self.subject, self.key.recipient, self.key.channel)


class Sender:
    def __init__(self, channels: Channels, threads: int) -> None:
        self.channels = channels
        self._pool = (
            ThreadPoolExecutor(threads, thread_name_prefix="notify-send") if threads > 1 else None
        )

    def send(self, sends: Sequence[Send]) -> dict[DeliveryKey, str | None]:
        """Each delivery's outcome: None when the far side accepted it, else the error to
        keep with it."""
        lanes: dict[tuple[str, ...], list[Send]] = {}
        for send in sends:
            lanes.setdefault(send.lane, []).append(send)
        if self._pool is None or len(lanes) < 2:
            done = [self._send_lane(lane) for lane in lanes.values()]
        else:
            done = list(self._pool.map(self._send_lane, lanes.values()))
        return {key: error for outcomes in done for key, error in outcomes.items()}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
        self.channels.close()

    def _send_lane(self, lane: Sequence[Send]) -> dict[DeliveryKey, str | None]:
        return {send.key: self._send_one(send) for send in lane}

    def _send_one(self, send: Send) -> str | None:
        intent = send.intent
        try:
            self.channels.send(send.key, intent, send.text, send.cloud_event, send.hooks)
        except Exception as error:  # any failure of a transport is a failed try
            message = str(error) if isinstance(error, ChannelError) else repr(error)
            if intent.audience is Audience.COMPLAINANT:
                message = message.replace(intent.address, mask(intent.address))
            return message[:ERROR_LIMIT]
        return None
