"""Complaint histories made in memory by the domain itself, for the projection benchmarks.

Each complaint is filed and taken through the lifecycle by the ``Complaint`` aggregate's own
methods (so every event is one the ledger would store), then handed over as its events:
written to a store in large transactions to make a log, or fed to projections directly.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from workload import complaint_bodies

from domain.calendar import WorkingCalendar
from domain.complaint import Complaint
from domain.promise import ImprovementPromise
from domain.skm import SKM_2017
from domain.sla import SlaPolicy
from domain.survey import RespondentProfile, SurveyResponse
from domain.tracking import TrackingIndex, format_tracking_number
from domain.values import Actor, RejectReason, ResolutionOutcome, Role
from services.filing import Filing
from services.principals import PUBLIC_ACTOR, hash_access_token

UNIT_IDS = tuple(f"unit-{n:02d}" for n in range(20))
COORDINATOR = Actor("koordinator-bench", Role.COORDINATOR)
OFFICER = Actor("petugas-bench", Role.OFFICER)
COMPLAINANT = Actor("public", Role.COMPLAINANT)
UNIT_HEAD = Actor("kepala-bench", Role.SUPERVISOR)
AUDITOR = Actor("inspektorat-bench", Role.AUDITOR)
SURVEY_SHARE = 0.3  # service users who answer the satisfaction survey, per complaint filed
COMPLAINTS_PER_PROMISE = 250
POLICY = SlaPolicy()
TOKEN_HASH = hash_access_token("bench-access-token")


def complaint_histories(
    count: int,
    start: datetime,
    days: int,
    calendar: WorkingCalendar,
    seed: int = 2009,
    in_filing_order: bool = False,
) -> Iterator[list[Any]]:
    """The events of ``count`` complaints filed over ``days`` from ``start``, one list each:
    about 12 % rejected, most verified, routed, answered and resolved, half with feedback,
    and the most recent still open. Beside them, in the same lists, SKM survey responses
    (about three for every ten complaints) and an improvement promise's whole history for
    every 250 complaints, so that every view has events of its own to read.
    ``in_filing_order``: each complaint filed after the one before (else at random)."""
    rng = random.Random(seed)
    filings = [Filing.model_validate_json(body) for body in complaint_bodies(2000, seed)]
    for number in range(count):
        if in_filing_order:
            filed_at = start + timedelta(seconds=(number + rng.random()) * days * 86400 / count)
        else:
            filed_at = start + timedelta(seconds=rng.uniform(0, days * 86400))
        filing = filings[number % len(filings)]
        tracking_number = format_tracking_number(rng.getrandbits(50))
        complaint = Complaint.file(
            id=uuid4(),
            policy=POLICY,
            calendar=calendar,
            at=filed_at,
            tracking_number=tracking_number,
            unit_id=rng.choice(UNIT_IDS),
            title=filing.title,
            description=filing.description,
            channel=filing.channel,
            kind=filing.kind,
            category=filing.category,
            incident_date=None,
            location=filing.location.to_domain() if filing.location else None,
            anonymous=filing.anonymous,
            confidential=filing.confidential,
            complainant=filing.complainant.to_domain() if filing.complainant else None,
            access_token_hash=TOKEN_HASH,
            actor=PUBLIC_ACTOR,
        )
        _live(complaint, rng, filed_at, calendar)
        index = TrackingIndex.assign(tracking_number, complaint.id)
        events = [*complaint.collect_events(), *index.collect_events()]
        if rng.random() < SURVEY_SHARE:
            events.extend(_survey_response(rng, complaint.unit_id, filed_at))
        if number % COMPLAINTS_PER_PROMISE == COMPLAINTS_PER_PROMISE - 1:
            events.extend(_promise(rng, complaint.unit_id, filed_at, calendar))
        yield events


def in_time_order(histories: Iterator[list[Any]]) -> Iterator[Any]:
    """The events of histories given in filing order, as a log holds them: in the order
    they happened, complaints' lifecycles interleaved. An event waits until a complaint
    filed after it arrives (every later event happens after that filing)."""
    waiting: list[tuple[datetime, int, Any]] = []
    order = itertools.count()
    for events in histories:
        filed_at = events[0].at
        when = filed_at
        for event in events:
            when = getattr(event, "at", when)  # an index's event: the moment before it
            heapq.heappush(waiting, (when, next(order), event))
        while waiting and waiting[0][0] <= filed_at:
            yield heapq.heappop(waiting)[2]
    while waiting:
        yield heapq.heappop(waiting)[2]


def _survey_response(rng: random.Random, unit_id: str, at: datetime) -> list[Any]:
    quality = rng.uniform(2.6, 3.6)
    scores = [min(4, max(1, round(rng.gauss(quality, 0.55)))) for _ in SKM_2017.elements]
    profile = RespondentProfile(age_band="26-35", sex=rng.choice(("L", "P")))
    response = SurveyResponse.record(
        id=uuid4(), unit_id=unit_id, element_set=SKM_2017.name, scores=scores,
        profile=profile, at=at + timedelta(hours=rng.uniform(0, 2)),
    )  # fmt: skip
    return list(response.collect_events())


def _promise(
    rng: random.Random, unit_id: str, at: datetime, calendar: WorkingCalendar
) -> list[Any]:
    """Drafted, signed, published, worked on, then kept (and verified) or missed."""
    due = calendar.local_date(at) + timedelta(days=rng.randint(30, 120))
    promise = ImprovementPromise.draft(
        id=uuid4(), unit_id=unit_id, title="Antrean lebih singkat",
        commitment="Menambah loket pelayanan", due_date=due, answers_categories=[],
        answers_skm_elements=[rng.choice(SKM_2017.elements)], actor=UNIT_HEAD,
        at=at, calendar=calendar,
    )  # fmt: skip
    promise.sign(UNIT_HEAD, at + timedelta(days=1), "Kepala Dinas")
    promise.publish(UNIT_HEAD, at + timedelta(days=2))
    promise.note_progress(UNIT_HEAD, at + timedelta(days=10), "Loket ketiga sudah dibuka.")
    if rng.random() < 0.65:
        promise.fulfil(UNIT_HEAD, at + timedelta(days=20), "Foto loket", calendar)
    else:
        promise.apply_time(UNIT_HEAD, at + timedelta(days=130), calendar)
    promise.verify(
        AUDITOR, at + timedelta(days=140), kept=bool(promise.fulfilled_on_time), note="Diperiksa"
    )
    return list(promise.collect_events())


def _live(
    complaint: Complaint, rng: random.Random, at: datetime, calendar: WorkingCalendar
) -> None:
    fate = rng.random()
    at += timedelta(hours=rng.uniform(2, 90))
    if fate < 0.12:
        complaint.reject(COORDINATOR, at, RejectReason.UNCLEAR)
        return
    complaint.verify(COORDINATOR, at)
    if fate > 0.95:
        return
    at += timedelta(hours=rng.uniform(1, 24))
    complaint.forward(COORDINATOR, at, complaint.unit_id, POLICY, calendar)
    at += timedelta(hours=rng.uniform(4, 150))
    complaint.respond(OFFICER, at, "Sedang kami tindak lanjuti.")
    if fate > 0.85:
        return
    at += timedelta(days=rng.uniform(1, 40))
    complaint.resolve(OFFICER, at, "Sudah diperbaiki.", ResolutionOutcome.FIXED, calendar)
    if fate < 0.5:
        at += timedelta(days=rng.uniform(0.2, 8))
        complaint.give_feedback(COMPLAINANT, at, satisfied=fate < 0.42, rating=rng.randint(1, 5))
