"""The transports notifications go out by: e-mail over SMTP, signed webhook calls, and an
SMS gateway reached by HTTP. Each ``send`` returns when the far side accepted the message
and raises ``ChannelError`` when it did not."""

from __future__ import annotations

import smtplib
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

import httpx

from infra.cloudevents import STRUCTURED_CONTENT_TYPE
from infra.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

DELIVERY_HEADER = "X-Aduan-Delivery"
EVENT_HEADER = "X-Aduan-Event-Id"


class ChannelError(Exception):
    """The message was not accepted; the text says why (it is kept with the delivery)."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    message_id: str  # the same on a retry, so mail clients can drop a copy
    event_id: str


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_seconds: float = 10.0


class SmtpMailer:
    """Keeps one SMTP session open between messages (a NOOP checks it is still there
    before each one) and opens a new one when it is not. Threads share it: one message
    at a time."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._session: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    def send(self, email: Email) -> None:
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = email.message_id
        message[EVENT_HEADER] = email.event_id
        message.set_content(email.body)
        with self._lock:
            try:
                self._open_session().send_message(message)
            except (smtplib.SMTPException, OSError) as error:
                self._close_session()
                config = self.config
                raise ChannelError(f"SMTP {config.host}:{config.port}: {error}") from error

    def _open_session(self) -> smtplib.SMTP:
        if self._session is not None:
            try:
                if self._session.noop()[0] == 250:
                    return self._session
            except (smtplib.SMTPException, OSError):
                pass
            self._close_session()
        config = self.config
        session = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
        if config.starttls:
            session.starttls()
        if config.username:
            session.login(config.username, config.password or "")
        self._session = session
        return session

    def close(self) -> None:
        with self._lock:
            self._close_session()

    def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.quit()
            except (smtplib.SMTPException, OSError):
                session.close()


class WebhookPoster:
    """POSTs the CloudEvent (structured mode) to a registered URL, signed with its secret."""

    def __init__(self, timeout_seconds: float = 10.0) -> None:
        self._client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)

    def send(self, url: str, secret: str, body: bytes, delivery_id: str) -> None:
        timestamp = int(time.time())
        headers = {
            "Content-Type": STRUCTURED_CONTENT_TYPE.decode(),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, body),
            DELIVERY_HEADER: delivery_id,
        }
        _post(self._client, url, content=body, headers=headers)

    def close(self) -> None:
        self._client.close()


class SmsGateway:
    """POSTs ``{"to": number, "message": text}`` as JSON to the gateway, with a bearer
    token when one is set; any 2xx answer means the gateway took it."""

    def __init__(self, url: str, token: str | None, timeout_seconds: float = 10.0) -> None:
        self.url = url
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(timeout=timeout_seconds, headers=headers)

    def send(self, to: str, message: str, delivery_id: str) -> None:
        body = {"to": to, "message": message}
        _post(self._client, self.url, json=body, headers={DELIVERY_HEADER: delivery_id})

    def close(self) -> None:
        self._client.close()


def _post(client: httpx.Client, url: str, **request: object) -> None:
    try:
        response = client.post(url, **request)  # type: ignore[arg-type]
    except httpx.HTTPError as error:
        raise ChannelError(f"{url}: {type(error).__name__}: {error}") from error
    if not response.is_success:
        raise ChannelError(f"{url} answered HTTP {response.status_code}")
