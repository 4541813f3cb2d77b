"""Real receivers for the notification tests: an SMTP server (aiosmtpd) and an HTTP server
for webhooks and the SMS gateway, both on loopback in threads, recording what arrives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import uuid4

import orjson
from aiosmtpd.controller import Controller

from infra.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

WEBHOOK_SECRET = "webhook-secret-" + "s" * 24


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class SmtpSink:
    """Every message the SMTP server accepted, parsed."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def event_ids(self) -> list[tuple[str, str]]:
        """(event id, recipient) of each message received."""
        return [(str(m["X-Aduan-Event-Id"]), str(m["To"])) for m in list(self.messages)]


def mail_text(message: EmailMessage) -> str:
    """The body as written (SMTP carries CRLF line ends)."""
    return str(message.get_content()).replace("\r\n", "\n")


@contextmanager
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class HttpCall:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class HttpSink:
    """Webhook calls (``/hook...``, signature checked with ``WEBHOOK_SECRET``) and SMS gateway
    calls (``/sms``). ``fail(path)`` says whether to answer 500 instead."""

    port: int = 0
    calls: list[HttpCall] = field(default_factory=list)
    fail: Callable[[str], bool] = lambda _path: False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def accepted(self, prefix: str) -> list[HttpCall]:
        return [c for c in list(self.calls) if c.path.startswith(prefix) and c.signature_ok]


@contextmanager
def http_server() -> Iterator[HttpSink]:
    sink = HttpSink()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            failing = sink.fail(self.path)
            signed = self.path.startswith("/sms") or _signed(headers, body)
            if not failing:
                sink.calls.append(HttpCall(self.path, headers, body, signed))
            self.send_response(500 if failing else 204 if signed else 401)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()


def _signed(headers: dict[str, str], body: bytes) -> bool:
    timestamp = headers.get(TIMESTAMP_HEADER.lower(), "")
    signature = headers.get(SIGNATURE_HEADER.lower(), "")
    return timestamp.isdigit() and verify(
        WEBHOOK_SECRET, int(timestamp), body, signature, now=time.time()
    )


class DiesWhileSending:
    """Channels whose process dies in the middle of an e-mail send (the ``die_at``th)."""

    def __init__(self, channels: Any, die_at: int = 1) -> None:
        self.channels, self.emails, self.die_at = channels, 0, die_at

    def __getattr__(self, name: str) -> Any:
        return getattr(self.channels, name)

    def send(self, key: Any, intent: Any, *rest: Any) -> None:
        if intent.channel == "email":
            self.emails += 1
            if self.emails == self.die_at:
                raise SystemExit("killed during the send")
        self.channels.send(key, intent, *rest)


def wait_until(
    condition: Callable[[], bool],
    what: str,
    seconds: float = 60,
    explain: Callable[[], str] = str,
) -> None:
    """Wait for ``condition``; a timeout's message ends with what ``explain`` returns."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}{explain()}"
        time.sleep(0.05)


OFFICER_MAIL = "budi@disdukcapil.go.id"
SUPERVISOR_MAIL = "sari@inspektorat.go.id"
COMPLAINANT_MAIL = "siti@example.id"
COMPLAINANT_PHONE = "081234567890"


def notify_settings(store_url: str, smtp: SmtpSink, http: HttpSink, **overrides: Any) -> Any:
    """Settings with every channel on the test receivers and a staff directory."""
    from infra.settings import Settings, UnitContacts

    values: dict[str, Any] = {
        "database_url": store_url,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port,
        "sms_gateway_url": http.url("/sms"),
        "unit_contacts": {
            "disdukcapil": UnitContacts(officers=[OFFICER_MAIL], supervisors=[SUPERVISOR_MAIL])
        },
        "notify_attempts": 3,
        "notify_backoff_seconds": 0.01,
        "notify_timeout_seconds": 5,
        **overrides,
    }
    return Settings(**values)


def settings_env(settings: Any) -> dict[str, str]:
    """The ADUAN_* variables that give a child process these settings."""
    env = {}
    for name, value in settings.model_dump(mode="json", exclude_unset=True).items():
        text = value if isinstance(value, str) else orjson.dumps(value).decode()
        env[f"ADUAN_{name.upper()}"] = text
    return env


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


def committed_offsets(admin: Any, group: str, topic: str) -> dict[int, int]:
    offsets = admin.list_group_offsets(group).get(group, {})
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}


def all_committed(admin: Any, group: str, bootstrap: str, topic: str) -> bool:
    """Whether the group committed every partition to its end (an empty partition has
    nothing to commit)."""
    ends = end_offsets(bootstrap, topic)
    committed = committed_offsets(admin, group, topic)
    return all(committed.get(partition, 0) == end for partition, end in ends.items())


def produce_raw(bootstrap: str, topic: str, value: bytes, key: bytes) -> tuple[int, int]:
    """Put one message on the topic as another producer might; its (partition, offset)."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    try:
        metadata = producer.send(topic, value=value, key=key).get(timeout=30)
        return metadata.partition, metadata.offset
    finally:
        producer.close()


@contextmanager
def kafka_notify_settings(
    prefix: str, store_url: str, kafka_bootstrap: str, admin: Any, smtp: SmtpSink, http: HttpSink
) -> Iterator[Any]:
    """``notify_settings`` on the broker: a fresh topic, dead-letter topic and group, the
    topics deleted afterwards."""
    from tests.kafka_support import create_topic

    name = uuid4().hex[:10]
    topic, dead_letters = f"test.{prefix}.{name}", f"test.{prefix}.dlq.{name}"
    for new in (topic, dead_letters):
        create_topic(admin, new)
    try:
        yield notify_settings(
            store_url, smtp, http, kafka_bootstrap=kafka_bootstrap, kafka_topic=topic,
            kafka_dead_letter_topic=dead_letters, notify_group=f"test-notifier-{name}",
            kafka_timeout_seconds=10, sms_gateway_url=None,
        )  # fmt: skip
    finally:
        admin.delete_topics([topic, dead_letters])
