"""The projection runner on real stores: catching up, lag, rebuilding, resuming, following.

Every test runs on SQLite and on PostgreSQL; the Hypothesis test runs on SQLite (fast).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from unittest.mock import patch
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import WorkingCalendar
from domain.errors import DomainError
from domain.lifecycle import ALLOWED_ACTIONS
from domain.sla import SlaPolicy
from domain.values import (
    Action,
    Actor,
    Channel,
    Kind,
    Maladministration,
    RejectReason,
    ResolutionOutcome,
    Role,
    Status,
)
from infra.event_store import persistence_env, sqlite_path
from infra.settings import Settings
from projections import rebuild_parts
from projections import runner as runner_module
from projections import store as store_module
from projections.complaints import NO_DEADLINE, micros
from projections.log_reading import read_batches
from projections.runner import ProjectionFailedError, catch_up_together
from projections.store import ViewRebuildingError
from services import commands
from services.composition import build_ledger, build_projection_host
from services.ledger import ComplaintLedger
from services.principals import ComplainantKey, Principal, Staff
from services.projection_host import ProjectionHost, open_view_store
from tests.support import MutableClock, file_complaint
from tests.view_support import complaint_rows, dump_views, expected_row, wait_until

if TYPE_CHECKING:  # fixtures' types, for annotations only: conftest is not imported
    from tests.conftest import MakeLedger

UNITS = ("disdukcapil", "rsud")
ADMIN = Actor("admin-1", Role.ADMIN)
COORDINATOR = Staff("koordinator-1", Role.COORDINATOR)
OFFICER = Staff("petugas-1", Role.OFFICER, frozenset(UNITS))

# Filed and acted on at the clock's start (Monday 23 Nov 2026, 10:00 in Jakarta).
VERIFY_DUE = datetime(2026, 11, 26, 17, tzinfo=UTC)
ANSWER_DUE = datetime(2026, 12, 7, 17, tzinfo=UTC)
RESOLUTION_DUE = datetime(2027, 1, 22, 17, tzinfo=UTC)
FIRST_RESPONSE_DUE = datetime(2026, 11, 30, 17, tzinfo=UTC)
FIXED, EXPLAINED = ResolutionOutcome.FIXED, ResolutionOutcome.EXPLAINED

MakeHost = Callable[[ComplaintLedger], ProjectionHost]


@pytest.fixture
def make_host(store_url: str) -> Iterator[MakeHost]:
    """Builds projection hosts on the test's store; all are stopped afterwards."""
    hosts: list[ProjectionHost] = []

    def make(ledger: ComplaintLedger) -> ProjectionHost:
        host = ProjectionHost(ledger, open_view_store(sqlite_path(store_url), store_url))
        hosts.append(host)
        return host

    yield make
    for host in hosts:
        host.stop()


@pytest.fixture
def units(ledger: ComplaintLedger) -> tuple[str, ...]:
    register_units(ledger)
    return UNITS


def register_units(ledger: ComplaintLedger) -> None:
    for unit_id in UNITS:
        ledger.register_unit(ADMIN, unit_id, unit_id.upper(), None, SlaPolicy())


def act(
    ledger: ComplaintLedger, filed: dict[str, Any], *steps: tuple[Principal, commands.Command]
) -> None:
    for principal, command in steps:
        ledger.perform(filed["id"], principal, command)


def complaint_event_count(ledger: ComplaintLedger, complaint_ids: list[UUID]) -> int:
    """Every event of a complaint raises its version by one."""
    return sum(ledger.load_complaint(complaint_id).version for complaint_id in complaint_ids)


def play_fixed_history(
    ledger: ComplaintLedger, clock: MutableClock, catch_up: Callable[[], Any]
) -> list[UUID]:
    """Every kind of complaint event, on six complaints, caught up at several points."""
    full, paused, rejected, withdrawn, neglected, lapsed = (
        file_complaint(ledger, category="adminduk"),
        file_complaint(
            ledger, unit_id="rsud", channel=Channel.SMS, kind=Kind.ASPIRASI, anonymous=True
        ),
        file_complaint(ledger, title="Iklan obat", confidential=True),
        file_complaint(ledger),
        file_complaint(ledger, unit_id="rsud"),
        file_complaint(ledger, channel=Channel.PHONE),
    )
    catch_up()
    full_key = ComplainantKey(full["access_token"])
    paused_key = ComplainantKey(paused["access_token"])
    act(ledger, rejected, (COORDINATOR, commands.Reject(reason=RejectReason.SPAM)))
    act(ledger, withdrawn, (ComplainantKey(withdrawn["access_token"]), commands.Withdraw()))
    act(ledger, lapsed, (COORDINATOR, commands.RequestInfo(questions="Nomor KK?")))
    act(ledger, paused, (COORDINATOR, commands.RequestInfo(questions="Foto lokasi?")))
    clock.advance(timedelta(days=2))
    act(
        ledger,
        full,
        (COORDINATOR, commands.Verify(category="kependudukan")),
        (COORDINATOR, commands.Forward(unit_id="rsud")),
        (OFFICER, commands.Forward(unit_id="disdukcapil", note="Bukan wewenang RSUD.")),
    )
    catch_up()
    clock.advance(timedelta(days=3))
    act(
        ledger,
        paused,
        (paused_key, commands.Supplement(information="Foto terlampir.")),
        (COORDINATOR, commands.Verify(maladministration=Maladministration.PENUNDAAN_BERLARUT)),
    )
    act(
        ledger,
        full,
        (OFFICER, commands.Respond(message="Sedang kami periksa.")),
        (OFFICER, commands.Resolve(resolution="Sudah dicetak.", outcome=EXPLAINED)),
        (full_key, commands.Feedback(satisfied=False, rating=2)),
    )
    clock.advance(timedelta(hours=5))  # a later response must not move the first one
    act(
        ledger,
        full,
        (full_key, commands.Reopen(reason="Belum saya terima.")),
        (OFFICER, commands.Respond(message="Dikirim hari ini.")),
        (OFFICER, commands.Resolve(resolution="Sudah diantar.", outcome=FIXED)),
        (full_key, commands.Feedback(satisfied=True, rating=5)),
    )
    catch_up()
    complaints = [f["id"] for f in (full, paused, rejected, withdrawn, neglected, lapsed)]
    clock.advance(timedelta(days=40))  # the neglected one misses deadlines; lapsed lapses
    for complaint_id in complaints:
        ledger.apply_time(complaint_id, clock.now())
    return complaints


def assert_incremental_equals_rebuild_equals_aggregates(
    ledger: ComplaintLedger, host: ProjectionHost, complaint_ids: list[UUID]
) -> None:
    host.catch_up()
    incremental = dump_views(host)
    for runner in host.runners.values():
        runner.rebuild()
    assert dump_views(host) == incremental
    expected = {str(cid): expected_row(ledger, cid) for cid in complaint_ids}
    assert complaint_rows(host.store) == expected


def test_catch_up_applies_every_complaint_event_and_each_row_matches_its_complaint(
    ledger: ComplaintLedger, make_host: MakeHost, units: tuple[str, ...]
) -> None:
    submitted = file_complaint(ledger)
    verified = file_complaint(ledger, category="adminduk")
    act(ledger, verified, (COORDINATOR, commands.Verify(category="kependudukan")))
    forwarded = file_complaint(ledger)
    act(
        ledger,
        forwarded,
        (COORDINATOR, commands.Verify()),
        (COORDINATOR, commands.Forward(unit_id="rsud")),
    )
    answered = file_complaint(ledger, category="kesehatan")
    act(
        ledger,
        answered,
        (COORDINATOR, commands.Verify()),
        (COORDINATOR, commands.Forward(unit_id="disdukcapil")),
        (OFFICER, commands.Respond(message="Sedang kami periksa.")),
    )
    waiting = file_complaint(ledger)
    act(ledger, waiting, (COORDINATOR, commands.RequestInfo(questions="Nomor KK?")))
    host = make_host(ledger)

    applied = host.runner("complaints").catch_up()

    rows = complaint_rows(host.store)
    summary = {
        complaint_id: (r["status"], r["unit_id"], r["version"], r["category"], r["next_due"])
        for complaint_id, r in rows.items()
    }
    assert applied == 1 + 2 + 3 + 4 + 2
    assert summary == {
        str(submitted["id"]): ("submitted", "disdukcapil", 1, None, micros(VERIFY_DUE)),
        str(verified["id"]): ("verified", "disdukcapil", 2, "kependudukan", micros(ANSWER_DUE)),
        str(forwarded["id"]): ("forwarded", "rsud", 3, None, micros(FIRST_RESPONSE_DUE)),
        str(answered["id"]): ("in_progress", "disdukcapil", 4, "kesehatan", micros(RESOLUTION_DUE)),
        str(waiting["id"]): ("info_requested", "disdukcapil", 2, None, NO_DEADLINE),
    }
    complaints = (submitted, verified, forwarded, answered, waiting)
    assert rows == {str(f["id"]): expected_row(ledger, f["id"]) for f in complaints}


def test_status_reports_position_log_end_and_lag_before_and_after_catching_up(
    ledger: ComplaintLedger, make_host: MakeHost, units: tuple[str, ...]
) -> None:
    for _ in range(3):
        file_complaint(ledger)
    host = make_host(ledger)
    log_end = ledger.recorder.max_notification_id()
    assert log_end

    before = {name: runner.status() for name, runner in host.runners.items()}
    host.catch_up()
    after = {name: runner.status() for name, runner in host.runners.items()}
    file_complaint(ledger)  # a filing writes two events: the complaint's and its tracking number's
    behind = {name: runner.status() for name, runner in host.runners.items()}

    assert set(before) == {"complaints", "metrics", "skm", "promises", "audit"}
    for name in before:
        assert (before[name].position, before[name].log_position, before[name].lag) == (
            0,
            log_end,
            log_end,
        )
        # The log ends with a tracking-number event no view reads: the position passes it.
        assert (after[name].position, after[name].log_position, after[name].lag) == (
            log_end,
            log_end,
            0,
        )
        assert (behind[name].position, behind[name].log_position, behind[name].lag) == (
            log_end,
            log_end + 2,
            2,
        )


def test_rebuild_drops_the_view_and_builds_one_equal_to_the_incremental_view(
    ledger: ComplaintLedger, make_host: MakeHost, clock: MutableClock, units: tuple[str, ...]
) -> None:
    host = make_host(ledger)
    complaints = play_fixed_history(ledger, clock, host.catch_up)
    host.catch_up()
    incremental = dump_views(host)
    runner = host.runner("complaints")

    applied = runner.rebuild()

    assert applied == complaint_event_count(ledger, complaints)
    assert dump_views(host) == incremental
    assert runner.status().lag == 0
    assert len(incremental["complaints_view"]) == len(complaints)


def test_rebuilding_one_view_leaves_the_other_as_it_was(
    ledger: ComplaintLedger, make_host: MakeHost, units: tuple[str, ...]
) -> None:
    host = make_host(ledger)
    file_complaint(ledger)
    host.runner("metrics").catch_up()
    metrics_before = host.runner("metrics").status()

    host.runner("complaints").rebuild()

    assert host.runner("metrics").status() == metrics_before
    assert host.runner("complaints").status().lag == 0


def test_views_at_different_positions_catch_up_together_each_event_once(
    ledger: ComplaintLedger, make_host: MakeHost, units: tuple[str, ...]
) -> None:
    host = make_host(ledger)
    early = file_complaint(ledger)
    host.runner("complaints").catch_up()  # complaints ahead, metrics still at 0
    act(ledger, early, (COORDINATOR, commands.Verify()))
    later = file_complaint(ledger, unit_id="rsud")

    host.catch_up()

    log_end = ledger.recorder.max_notification_id()
    assert {r.name: r.status().position for r in host.runners.values()} == dict.fromkeys(
        host.runners, log_end
    )
    complaint_ids = [early["id"], later["id"]]
    assert complaint_rows(host.store) == {
        str(cid): expected_row(ledger, cid) for cid in complaint_ids
    }
    incremental = dump_views(host)
    for runner in host.runners.values():
        runner.rebuild()
    assert dump_views(host) == incremental


def test_a_failing_view_stays_behind_while_the_others_go_on(
    ledger: ComplaintLedger,
    make_host: MakeHost,
    units: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host = make_host(ledger)
    complaints = host.runner("complaints").projection  # the first in the catch-up order

    def broken(event: Any, tx: Any) -> None:
        raise ValueError("bad event")

    monkeypatch.setattr(complaints, "process", broken)
    filed = file_complaint(ledger)

    with pytest.raises(ProjectionFailedError, match="complaints failed: bad event"):
        host.catch_up()

    assert host.runner("complaints").status().position == 0
    assert complaint_rows(host.store) == {}
    assert host.runner("metrics").status().lag == 0
    monkeypatch.undo()
    host.catch_up()
    assert host.runner("complaints").status().lag == 0
    assert complaint_rows(host.store) == {str(filed["id"]): expected_row(ledger, filed["id"])}


def test_two_processes_catching_up_at_once_apply_each_event_once(
    ledger: ComplaintLedger,
    make_ledger: MakeLedger,
    make_host: MakeHost,
    clock: MutableClock,
    units: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`aduan tick` catches the views up beside the server: both may read the same
    position, and the one that writes second must find the view moved, not apply the
    same events again (counts twice, rows inserted twice)."""
    host, beside = make_host(ledger), make_host(make_ledger())
    complaints = play_fixed_history(ledger, clock, lambda: None)
    read = read_batches  # what the runner calls, until it is patched below
    overtaken: list[bool] = []

    def read_after_the_other_caught_up(*args: Any) -> Any:
        if not overtaken:  # once: the other's own catch-up reads through here too
            overtaken.append(True)
            beside.catch_up()
        yield from read(*args)

    monkeypatch.setattr(runner_module, "read_batches", read_after_the_other_caught_up)
    applied_behind = catch_up_together(list(host.runners.values()))
    monkeypatch.undo()

    assert overtaken and applied_behind == 0
    assert all(runner.status().lag == 0 for runner in host.runners.values())
    assert_incremental_equals_rebuild_equals_aggregates(ledger, host, complaints)
    later = file_complaint(ledger, unit_id="rsud")
    assert host.runner("complaints").catch_up() == 1  # it goes on from where the view is
    assert str(later["id"]) in complaint_rows(host.store)


def test_views_being_rebuilt_elsewhere_are_left_alone_until_the_rebuild_ends(
    store_url: str,
    ledger: ComplaintLedger,
    make_host: MakeHost,
    units: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While a process holds a view's rebuild lock, runners following the log skip that
    view (without failing) and a second rebuild is refused; afterwards they catch up."""
    monkeypatch.setattr(store_module, "REBUILD_LOCK_WAIT_SECONDS", 0.2)
    host = make_host(ledger)
    file_complaint(ledger)
    elsewhere = open_view_store(sqlite_path(store_url), store_url)
    try:
        with elsewhere.rebuild_lock("metrics"):
            host.catch_up()
            assert host.runner("metrics").status().position == 0
            assert host.runner("complaints").status().lag == 0
            with pytest.raises(ViewRebuildingError, match="rebuilding the view metrics"):
                host.runner("metrics").rebuild()
            assert host.runner("complaints").rebuild() == 1
    finally:
        elsewhere.close()
    host.catch_up()
    assert host.runner("metrics").status().lag == 0
    assert host.runner("metrics").rebuild() == 1


def test_restarted_host_resumes_from_its_position_and_applies_nothing_twice(
    ledger: ComplaintLedger,
    make_ledger: MakeLedger,
    make_host: MakeHost,
    clock: MutableClock,
    units: tuple[str, ...],
) -> None:
    first = make_host(ledger)
    early = [file_complaint(ledger) for _ in range(3)]
    act(ledger, early[0], (COORDINATOR, commands.Verify()))
    first.catch_up()
    position_at_stop = first.runner("complaints").status().position
    first.stop()
    clock.advance(timedelta(hours=2))
    late = [file_complaint(ledger, unit_id="rsud") for _ in range(2)]
    act(ledger, early[0], (COORDINATOR, commands.Forward(unit_id="rsud")))
    act(ledger, early[1], (COORDINATOR, commands.Reject(reason=RejectReason.UNCLEAR)))

    restarted_ledger = make_ledger()
    restarted = make_host(restarted_ledger)
    resumed_from = restarted.runner("complaints").status().position
    applied = restarted.runner("complaints").catch_up()
    applied_again = restarted.runner("complaints").catch_up()

    complaint_ids = [f["id"] for f in early + late]
    rows = complaint_rows(restarted.store)
    assert resumed_from == position_at_stop
    assert applied == 2 + 1 + 1  # two filings, a forward, a rejection
    assert applied_again == 0
    assert len(rows) == len(complaint_ids)
    assert {r["id"]: r["version"] for r in rows.values()} == {
        str(complaint_id): restarted_ledger.load_complaint(complaint_id).version
        for complaint_id in complaint_ids
    }
    assert rows == {str(cid): expected_row(restarted_ledger, cid) for cid in complaint_ids}


def test_following_the_log_picks_up_new_events_by_polling_or_subscription(
    store_url: str, ledger: ComplaintLedger, make_host: MakeHost, units: tuple[str, ...]
) -> None:
    """SQLite is followed by polling, PostgreSQL by its LISTEN/NOTIFY subscription."""
    host = make_host(ledger)
    host.start(by_subscription=sqlite_path(store_url) is None)
    filed = file_complaint(ledger)
    act(ledger, filed, (COORDINATOR, commands.Verify()))

    def verified_in_view() -> bool:
        row = complaint_rows(host.store).get(str(filed["id"]))
        return row is not None and (row["status"], row["version"]) == ("verified", 2)

    assert wait_until(verified_in_view), complaint_rows(host.store)
    later = file_complaint(ledger, unit_id="rsud")

    assert wait_until(lambda: str(later["id"]) in complaint_rows(host.store))
    assert wait_until(lambda: all(r.status().lag == 0 for r in host.runners.values()))


def test_catching_up_and_rebuilding_in_small_batches_gives_the_same_view_as_one_pass(
    ledger: ComplaintLedger,
    make_host: MakeHost,
    clock: MutableClock,
    units: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rebuild in batches of a few events works out each batch while the one before is
    still being written: a complaint's row then comes from the batch before, not the view."""
    monkeypatch.setattr(runner_module, "READ_BATCH", 3)
    monkeypatch.setattr(runner_module, "REBUILD_BATCH", 3)
    host = make_host(ledger)
    complaints = play_fixed_history(ledger, clock, host.catch_up)

    assert_incremental_equals_rebuild_equals_aggregates(ledger, host, complaints)


def test_a_rebuild_shared_with_a_helper_process_equals_the_incremental_view(
    store_url: str, clock: MutableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A helper process works out the complaints whose ids fall in its part, batch by
    batch; batches of a few events make each part often find a complaint's row in the
    batch before, not yet written. The view is written from both parts' writes, and
    their count tables' deltas added up."""
    monkeypatch.setattr(runner_module, "REBUILD_BATCH", 3)
    monkeypatch.setattr(runner_module, "PARTS_FROM", 0)
    helped: list[int] = []
    counted_by_helper: list[int] = []
    answer = rebuild_parts.HelperPart.answer

    def counted_answer(helper: rebuild_parts.HelperPart) -> Any:
        outcome = answer(helper)
        helped.append(outcome[1])
        counted_by_helper.append(sum(len(counts) for counts in outcome[3]))
        return outcome

    monkeypatch.setattr(rebuild_parts.HelperPart, "answer", counted_answer)
    settings = Settings(database_url=store_url)
    ledger = build_ledger(settings, clock.now)  # the helper builds its own from settings
    host = build_projection_host(settings, ledger)
    try:
        register_units(ledger)
        complaints = play_fixed_history(ledger, clock, host.catch_up)
        parts = runner_module.shared_parts(host.store)
        while len({complaint.bytes[-1] % parts for complaint in complaints}) < parts:
            complaints.append(file_complaint(ledger)["id"])  # complaints in every part
        host.catch_up()
        incremental = dump_views(host)

        applied = [host.runner(name).rebuild() for name in ("complaints", "metrics")]

        assert dump_views(host) == incremental
        assert applied[0] == complaint_event_count(ledger, complaints)
        assert 0 < sum(helped) < sum(applied)
        assert sum(counted_by_helper) > 0  # the helper's deltas were added to the view
    finally:
        host.stop()
        ledger.close()


def test_fixed_history_incremental_view_equals_rebuild_and_each_complaint(
    ledger: ComplaintLedger, make_host: MakeHost, clock: MutableClock, units: tuple[str, ...]
) -> None:
    host = make_host(ledger)
    complaints = play_fixed_history(ledger, clock, host.catch_up)

    assert_incremental_equals_rebuild_equals_aggregates(ledger, host, complaints)
    events = {
        type(event).__name__ for cid in complaints for event in ledger.events.get(cid)
    }  # the history covers every event the complaints view reads
    assert events == {
        "Filed", "Verified", "Rejected", "InfoRequested", "Supplemented", "Forwarded",
        "Responded", "Resolved", "FeedbackGiven", "Reopened", "Closed", "Withdrawn",
        "DeadlineMissed",
    }  # fmt: skip


# Random histories (SQLite) ------------------------------------------------------------

HOURS = st.sampled_from([1, 9, 24 * 2, 24 * 5, 24 * 12, 24 * 35])
VARIANTS: dict[Action, tuple[str, ...]] = {
    Action.VERIFY: ("verify", "verify-category"),
    Action.REJECT: ("reject",),
    Action.REQUEST_INFO: ("request-info",),
    Action.SUPPLEMENT: ("supplement",),
    Action.FORWARD: ("forward-0", "forward-1"),
    Action.RESPOND: ("respond",),
    Action.RESOLVE: ("resolve-fixed", "resolve-explained"),
    Action.FEEDBACK: ("feedback-yes", "feedback-no"),
    Action.REOPEN: ("reopen",),
    Action.CLOSE: ("close",),
    Action.WITHDRAW: ("withdraw",),
}
HAPPY_PATH = {
    Status.SUBMITTED: Action.VERIFY,
    Status.INFO_REQUESTED: Action.SUPPLEMENT,
    Status.VERIFIED: Action.FORWARD,
    Status.FORWARDED: Action.RESPOND,
    Status.IN_PROGRESS: Action.RESOLVE,
    Status.RESOLVED: Action.FEEDBACK,
}
ANY_ACTION = st.sampled_from([name for names in VARIANTS.values() for name in names])
# "next" mostly takes the complaint further along its happy path, else another move its
# status allows (a window or a rule may still refuse either); "act" tries any move at all.
FILE = st.tuples(
    st.just("file"),
    st.sampled_from(UNITS),
    st.sampled_from(list(Channel)),
    st.sampled_from([None, "adminduk", "kesehatan"]),
)
STEP_KINDS: dict[str, st.SearchStrategy[tuple[Any, ...]]] = {
    "file": FILE,
    "next": st.tuples(st.just("next"), st.integers(0, 3), st.integers(0, 11)),
    "act": st.tuples(st.just("act"), st.integers(0, 3), ANY_ACTION),
    "advance": st.tuples(st.just("advance"), HOURS),
    "catch-up": st.tuples(st.just("catch-up")),
}
# Weighted: mostly moves, now and then a filing, a clock advance or a catch-up.
STEPS = st.sampled_from(["file", *["next"] * 6, "act", "advance", "catch-up"]).flatmap(
    STEP_KINDS.__getitem__
)


def command_for(action: str, token: str) -> tuple[Principal, commands.Command]:
    complainant = ComplainantKey(token)
    table: dict[str, tuple[Principal, commands.Command]] = {
        "verify": (COORDINATOR, commands.Verify()),
        "verify-category": (COORDINATOR, commands.Verify(category="jalan")),
        "reject": (COORDINATOR, commands.Reject(reason=RejectReason.OUT_OF_SCOPE)),
        "request-info": (COORDINATOR, commands.RequestInfo(questions="Alamat lengkap?")),
        "supplement": (complainant, commands.Supplement(information="Jl. Merdeka 1.")),
        "forward-0": (COORDINATOR, commands.Forward(unit_id=UNITS[0])),
        "forward-1": (COORDINATOR, commands.Forward(unit_id=UNITS[1])),
        "respond": (OFFICER, commands.Respond(message="Diproses.")),
        "resolve-fixed": (OFFICER, commands.Resolve(resolution="Beres.", outcome=FIXED)),
        "resolve-explained": (
            COORDINATOR,
            commands.Resolve(resolution="Sudah dijelaskan.", outcome=EXPLAINED),
        ),
        "feedback-yes": (complainant, commands.Feedback(satisfied=True, rating=4)),
        "feedback-no": (complainant, commands.Feedback(satisfied=False)),
        "reopen": (complainant, commands.Reopen(reason="Belum beres.")),
        "close": (COORDINATOR, commands.Close()),
        "withdraw": (complainant, commands.Withdraw()),
    }
    return table[action]


def next_move(ledger: ComplaintLedger, complaint_id: UUID, choice: int) -> str | None:
    complaint = ledger.load_complaint(complaint_id)
    allowed = ALLOWED_ACTIONS[complaint.status]
    if not allowed:
        return None
    action = HAPPY_PATH[complaint.status] if choice < 8 else allowed[choice % len(allowed)]
    if action is Action.FEEDBACK and complaint.unsatisfied_feedback:
        action = Action.REOPEN
    variants = VARIANTS[action]
    return variants[choice % len(variants)]


def play_step(
    ledger: ComplaintLedger,
    clock: MutableClock,
    host: ProjectionHost,
    filed: list[dict[str, Any]],
    step: tuple[Any, ...],
) -> None:
    name = step[0]
    if name == "file":
        _, unit_id, channel, category = step
        filed.append(file_complaint(ledger, unit_id=unit_id, channel=channel, category=category))
    elif name in ("act", "next") and filed:
        complaint = filed[step[1] % len(filed)]
        move = step[2] if name == "act" else next_move(ledger, complaint["id"], step[2])
        if move is None:
            return
        principal, command = command_for(move, complaint["access_token"])
        with contextlib.suppress(DomainError):  # a move the rules refuse is skipped
            ledger.perform(complaint["id"], principal, command)
    elif name == "advance":
        clock.advance(timedelta(hours=step[1]))
        for complaint in filed:
            ledger.apply_time(complaint["id"], clock.now())
    elif name == "catch-up":
        host.catch_up()


@settings(max_examples=25, deadline=None)
@given(
    filings=st.lists(FILE, min_size=1, max_size=3),
    steps=st.lists(STEPS, min_size=10, max_size=50),
    read_batch=st.sampled_from([1, 4, 2000]),
)
def test_random_history_incremental_view_equals_rebuild_and_each_complaint(
    filings: list[tuple[Any, ...]], steps: list[tuple[Any, ...]], read_batch: int
) -> None:
    with (
        tempfile.TemporaryDirectory() as directory,
        patch.object(runner_module, "READ_BATCH", read_batch),
        patch.object(runner_module, "REBUILD_BATCH", read_batch),
    ):
        url = f"sqlite:///{directory}/events.db"
        clock = MutableClock()
        ledger = ComplaintLedger(
            persistence_env(Settings(database_url=url)), WorkingCalendar(), clock.now
        )
        host = ProjectionHost(ledger, open_view_store(sqlite_path(url), url))
        try:
            register_units(ledger)
            filed: list[dict[str, Any]] = []
            for step in filings + steps:
                play_step(ledger, clock, host, filed, step)
            assert_incremental_equals_rebuild_equals_aggregates(
                ledger, host, [complaint["id"] for complaint in filed]
            )
        finally:
            host.stop()
            ledger.close()
