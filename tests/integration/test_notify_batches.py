"""The notifier works what one poll returns as a batch, on SQLite and PostgreSQL, against a
real SMTP server and HTTP receivers: a fixed number of transactions per batch, a failing
delivery retried without sending the others again, an event twice in a batch sent once,
a batch interrupted between its claim and its outcomes sending nothing twice, and a stop
during a retry's backoff keeping the follower's place before the open event."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from domain.values import Role
from infra.settings import Settings
from infra.stored_cloudevents import StoredEvent, stored_message
from projections.store import ViewStore
from services.commands import Verify
from services.composition import build_log_follower
from services.filing import ComplainantIn
from services.ledger import ComplaintLedger
from services.notifications.deliveries import Deliveries
from services.notifications.log_follower import POSITION_NAME, Report
from services.notifications.webhooks import Webhooks
from services.principals import Staff
from tests.notify_support import (
    WEBHOOK_SECRET,
    DiesWhileSending,
    HttpSink,
    SmtpSink,
    notify_settings,
)
from tests.support import file_complaint

COORDINATOR = Staff("koordinator", Role.COORDINATOR)


@pytest.fixture
def settings(store_url: str, smtp: SmtpSink, http: HttpSink) -> Settings:
    settings: Settings = notify_settings(store_url, smtp, http)
    return settings


def file_some(ledger: ComplaintLedger, count: int) -> list[dict[str, Any]]:
    """Complaints each with an address and a number of their own."""
    return [
        file_complaint(ledger, complainant=ComplainantIn(
            name="Siti", email=f"pengadu{n}@contoh.id", phone=f"08123456{n:04d}"))
        for n in range(count)
    ]  # fmt: skip


def catch_up(
    settings: Settings, ledger: ComplaintLedger, store: ViewStore, stop: threading.Event | None
) -> Report:
    follower = build_log_follower(settings, ledger, store)
    try:
        return follower.catch_up(stop or threading.Event())
    finally:
        follower.dispatcher.close()


def rows(store: ViewStore, complaint: dict[str, Any]) -> list[dict[str, Any]]:
    return Deliveries(store).of_complaint(str(complaint["id"]))


class CountingWrites:
    """The store, counting the write transactions begun on it."""

    def __init__(self, store: ViewStore) -> None:
        self.store, self.writes = store, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Any]:
        self.writes += write
        with self.store.transaction(write) as tx:
            yield tx


def test_a_batch_of_events_costs_three_write_transactions_however_many_it_sends(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink
) -> None:
    unit_events = unit_ledger.recorder.max_notification_id() or 0
    file_some(unit_ledger, 10)  # twenty events: each filing's and its tracking number's
    counting = CountingWrites(store)
    follower = build_log_follower(settings, unit_ledger, counting)  # type: ignore[arg-type]
    counting.writes = 0  # the tables were created

    report = follower.catch_up(threading.Event())
    follower.dispatcher.close()

    # Record and claim; the outcomes; the follower's position.
    assert (report.messages, report.sent, counting.writes) == (unit_events + 20, 20, 3)
    assert len(smtp.messages) == 10


def test_in_a_batch_a_failing_delivery_is_retried_and_the_others_go_out_once(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink,
) -> None:  # fmt: skip
    hooks = Webhooks(store)
    hooks.register(http.url("/hook-all"), ["aduan.complaint.*"], None, WEBHOOK_SECRET, "a")
    hooks.register(http.url("/hook-flaky"), ["aduan.complaint.Verified"], None,
                   WEBHOOK_SECRET, "a")  # fmt: skip
    calls: Counter[str] = Counter()

    def fail(path: str) -> bool:
        calls[path] += 1
        return path == "/hook-flaky" and calls[path] < 3

    http.fail = fail
    complaints = file_some(unit_ledger, 3)
    unit_ledger.perform(complaints[1]["id"], COORDINATOR, Verify())

    report = catch_up(settings, unit_ledger, store, None)

    deliveries = [r for complaint in complaints for r in rows(store, complaint)]
    # Mail, SMS and a webhook call for each filing, and for the verification the same
    # and the flaky webhook's call.
    assert {r["state"] for r in deliveries} == {"sent"}
    assert sorted(r["attempts"] for r in deliveries) == [1] * 12 + [3]
    assert (report.sent, report.dead_lettered) == (13, 0)
    assert Counter(c.path for c in http.calls) == {"/hook-all": 4, "/sms": 4, "/hook-flaky": 1}
    assert http.calls[-1].path == "/hook-flaky"  # tried again once the others were out
    assert len(smtp.messages) == 4


def cloud_event(ledger: ComplaintLedger, settings: Settings, position: int) -> bytes:
    (notification,) = ledger.recorder.select_notifications(position, 1)
    event = StoredEvent(notification, ledger.mapper)
    return stored_message(event, notification.id, settings.event_source, False).value


def test_an_event_twice_in_one_batch_is_sent_once(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink,
) -> None:  # fmt: skip
    before = unit_ledger.recorder.max_notification_id() or 0
    (filed,) = file_some(unit_ledger, 1)
    value = cloud_event(unit_ledger, settings, before + 1)
    dispatcher = build_log_follower(settings, unit_ledger, store).dispatcher

    outcomes = dispatcher.handle_batch([value, value], threading.Event())
    dispatcher.close()

    assert [o.sent if o else None for o in outcomes] == [2, 0]
    assert len(smtp.messages) == 1 and len(http.accepted("/sms")) == 1
    assert {r["state"] for r in rows(store, filed)} == {"sent"}


def test_a_batch_interrupted_between_claim_and_outcomes_sends_nothing_twice_and_the_next_goes(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink
) -> None:
    interrupted = file_some(unit_ledger, 3)
    dying = build_log_follower(settings, unit_ledger, store)
    sender = dying.dispatcher.sender
    sender.channels = DiesWhileSending(sender.channels, die_at=2)  # type: ignore[assignment]
    with pytest.raises(SystemExit):
        dying.catch_up(threading.Event())

    again = catch_up(settings, unit_ledger, store, None)
    (later,) = file_some(unit_ledger, 1)
    catch_up(settings, unit_ledger, store, None)

    assert again.sent == 0
    assert {r["state"] for c in interrupted for r in rows(store, c)} == {"sending"}
    assert {r["state"] for r in rows(store, later)} == {"sent"}
    received = Counter(smtp.event_ids())
    assert set(received.values()) == {1}
    # The first e-mail went out before the second send died; the others never did.
    assert len(received) == 2


def test_stopped_while_waiting_to_retry_the_follower_keeps_its_place_before_the_open_event(
    unit_ledger: ComplaintLedger, settings: Settings, store: ViewStore, smtp: SmtpSink,
    http: HttpSink,
) -> None:  # fmt: skip
    Webhooks(store).register(http.url("/hook-down"), ["aduan.complaint.Verified"], None,
                             WEBHOOK_SECRET, "a")  # fmt: skip
    unit_events = unit_ledger.recorder.max_notification_id() or 0
    first, second = file_some(unit_ledger, 2)
    unit_ledger.perform(first["id"], COORDINATOR, Verify())
    verified_at = unit_ledger.recorder.max_notification_id() or 0
    third = file_some(unit_ledger, 1)[0]
    stop = threading.Event()

    def fail_and_stop(path: str) -> bool:
        if path != "/hook-down":
            return False
        stop.set()  # as if Ctrl-C came during the send; the backoff then ends at once
        return True

    http.fail = fail_and_stop

    stopped = catch_up(settings, unit_ledger, store, stop)

    assert store.position(POSITION_NAME) == verified_at - 1
    assert stopped.messages == unit_events + 4  # the two filings and their tracking numbers
    # The batch's other deliveries went out at once, those after the open event too.
    assert {r["state"] for r in rows(store, second) + rows(store, third)} == {"sent"}
    (hook,) = [r for r in rows(store, first) if r["channel"] == "webhook"]
    assert (hook["state"], hook["attempts"]) == ("failed", 1)
    http.fail = lambda _path: False

    catch_up(settings, unit_ledger, store, None)

    (hook,) = [r for r in rows(store, first) if r["channel"] == "webhook"]
    assert (hook["state"], hook["attempts"]) == ("sent", 2)
    assert set(Counter(smtp.event_ids()).values()) == {1}
    assert len(smtp.messages) == 4
