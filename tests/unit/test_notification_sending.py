"""How a batch's claimed deliveries are sent: each once, in the batch's order within a lane
(one subject's notifications to one recipient by one channel; every e-mail in one lane),
lanes on the sender's threads, and a failure kept as its error."""

from __future__ import annotations

import threading
from typing import Any

from infra.notify_channels import ChannelError
from services.notifications.deliveries import DeliveryKey
from services.notifications.rules import Audience, Channel, Intent
from services.notifications.sending import Send, Sender
from services.notifications.templates import Text

TEXT = Text(subject="Pengaduan Anda telah diterima", sms="Aduan diterima.", body="Yth.")


class RecordingChannels:
    """Notes which thread sent what, and fails the sends it is told to."""

    def __init__(self, failing: str = "") -> None:
        self.sent: list[tuple[DeliveryKey, int]] = []
        self.failing = failing
        self._lock = threading.Lock()

    def send(self, key: DeliveryKey, intent: Intent, *_rest: Any) -> None:
        with self._lock:
            self.sent.append((key, threading.get_ident()))
        if intent.address == self.failing:
            raise ChannelError(f"gateway refused {intent.address}")

    def close(self) -> None:
        return


def send(event: str, subject: str, recipient: str, channel: Channel, address: str = "") -> Send:
    audience = Audience.WEBHOOK if channel is Channel.WEBHOOK else Audience.COMPLAINANT
    intent = Intent(audience, recipient, address or recipient, channel, "t", "id")
    key = DeliveryKey(event, recipient, str(channel))
    return Send(key, intent, TEXT, b"{}", {}, subject)


def sender(channels: RecordingChannels, threads: int = 4) -> Sender:
    return Sender(channels, threads)  # type: ignore[arg-type]


def test_the_sends_of_one_lane_go_one_after_another_in_the_batch_order() -> None:
    channels = RecordingChannels()
    batch = [
        send(f"{subject}-event-{n}", subject, "webhook:wh_1", Channel.WEBHOOK)
        for n in range(12)
        for subject in ("complaint-a", "complaint-b", "complaint-c")
    ]

    outcomes = sender(channels).send(batch)

    assert outcomes == {s.key: None for s in batch}
    for subject in ("complaint-a", "complaint-b", "complaint-c"):
        lane = [s.key for s in batch if s.subject == subject]
        sent = [(key, thread) for key, thread in channels.sent if key in lane]
        assert [key for key, _ in sent] == lane
        assert len({thread for _, thread in sent}) == 1


def test_every_email_is_in_one_lane_whatever_its_subject_and_recipient() -> None:
    channels = RecordingChannels()
    batch = [
        send(f"event-{n}", f"complaint-{n}", f"staff{n}@contoh.id", Channel.EMAIL) for n in range(8)
    ]
    batch.insert(3, send("event-x", "complaint-x", "complainant", Channel.SMS, "0812"))

    sender(channels).send(batch)

    emails = [(key, thread) for key, thread in channels.sent if key.channel == "email"]
    assert [key for key, _ in emails] == [s.key for s in batch if s.key.channel == "email"]
    assert len({thread for _, thread in emails}) == 1
    assert len(channels.sent) == 9


def test_a_refused_send_keeps_its_error_with_the_complainants_number_masked() -> None:
    channels = RecordingChannels(failing="081234567890")
    refused = send("event-1", "complaint-a", "complainant", Channel.SMS, "081234567890")
    accepted = send("event-1", "complaint-a", "webhook:wh_1", Channel.WEBHOOK)

    outcomes = sender(channels, threads=1).send([refused, accepted])

    assert outcomes == {refused.key: "gateway refused *********890", accepted.key: None}
