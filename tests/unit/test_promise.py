"""Improvement promises: draft, sign, publish, progress, fulfil or miss, verify."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.calendar import WorkingCalendar
from domain.errors import InvalidTransitionError, RuleViolationError
from domain.promise import ImprovementPromise, PromiseStatus
from domain.values import Actor, Role

NOW = datetime(2026, 11, 23, 3, tzinfo=UTC)
CALENDAR = WorkingCalendar()
HEAD = Actor("camat", Role.COORDINATOR)
TEAM = Actor("tim-perbaikan", Role.SUPERVISOR)


def drafted(due: date = date(2026, 12, 31)) -> ImprovementPromise:
    return ImprovementPromise.draft(
        id=uuid4(),
        unit_id="kecamatan-banyuresmi",
        title="Antrean KTP dengan nomor",
        commitment="Nomor antrean dan jadwal layanan ditempel di loket.",
        due_date=due,
        answers_categories=["adminduk"],
        answers_skm_elements=["waktu_penyelesaian"],
        actor=HEAD,
        at=NOW,
        calendar=CALENDAR,
    )


def published() -> ImprovementPromise:
    promise = drafted()
    promise.sign(HEAD, NOW, signed_by="Camat Banyuresmi")
    promise.publish(HEAD, NOW)
    return promise


def status_now(promise: ImprovementPromise) -> PromiseStatus:
    """``promise.status``, read afresh: a check of it before a command would otherwise keep
    its type narrowed to the status checked then."""
    return promise.status


def test_a_promise_is_signed_published_noted_and_fulfilled_on_time() -> None:
    promise = published()
    promise.note_progress(HEAD, NOW + timedelta(days=3), "Papan antrean dipesan.")
    promise.fulfil(HEAD, NOW + timedelta(days=20), "Foto papan antrean.", CALENDAR)
    assert promise.status is PromiseStatus.FULFILLED
    assert promise.fulfilled_on_time is True
    assert promise.progress_notes == 1


def test_fulfilling_after_the_due_date_is_late() -> None:
    promise = published()
    promise.fulfil(HEAD, datetime(2027, 1, 2, 3, tzinfo=UTC), "Terlambat.", CALENDAR)
    assert promise.fulfilled_on_time is False


def test_a_published_promise_past_its_due_date_is_missed_by_the_clock() -> None:
    promise = published()
    promise.apply_time(HEAD, datetime(2026, 12, 31, 16, tzinfo=UTC), CALENDAR)  # 23:00 WIB
    assert promise.status is PromiseStatus.PUBLISHED
    promise.apply_time(HEAD, datetime(2026, 12, 31, 17, tzinfo=UTC), CALENDAR)  # next day WIB
    assert status_now(promise) is PromiseStatus.MISSED


def test_the_improvement_team_verifies_once() -> None:
    promise = published()
    promise.fulfil(HEAD, NOW, "Foto.", CALENDAR)
    promise.verify(TEAM, NOW, kept=True, note="Dicek di lapangan.")
    assert promise.verified_kept is True
    with pytest.raises(RuleViolationError):
        promise.verify(TEAM, NOW, kept=False, note="Lagi.")


def test_a_draft_cannot_be_published_before_it_is_signed() -> None:
    with pytest.raises(InvalidTransitionError) as refused:
        drafted().publish(HEAD, NOW)
    assert refused.value.message == (
        "Cannot publish a promise that is draft; allowed actions: sign."
    )


def test_a_published_promise_cannot_be_verified_yet() -> None:
    with pytest.raises(InvalidTransitionError):
        published().verify(TEAM, NOW, kept=True, note="Terlalu cepat.")


def test_a_promise_due_today_or_earlier_is_refused() -> None:
    with pytest.raises(RuleViolationError) as error:
        drafted(due=date(2026, 11, 23))
    assert error.value.context["field"] == "due_date"


def test_a_promise_must_answer_a_category_or_an_skm_element() -> None:
    with pytest.raises(RuleViolationError):
        ImprovementPromise.draft(
            id=uuid4(), unit_id="u1", title="t", commitment="c", due_date=date(2027, 1, 1),
            answers_categories=[], answers_skm_elements=[], actor=HEAD, at=NOW,
            calendar=CALENDAR,
        )  # fmt: skip


def test_replaying_the_events_gives_the_same_promise() -> None:
    promise = published()
    promise.fulfil(HEAD, NOW, "Foto.", CALENDAR)
    events = promise.collect_events()
    replayed = None
    for domain_event in events:
        replayed = domain_event.mutate(replayed)
    assert replayed is not None
    assert (replayed.status, replayed.fulfilled_on_time, replayed.version) == (
        PromiseStatus.FULFILLED, True, 4,
    )  # fmt: skip
