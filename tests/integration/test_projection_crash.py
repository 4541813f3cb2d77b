"""The projector process killed mid-stream: after a restart every event is in the views once.

`aduan project` runs as its own process (polling on SQLite, subscription on PostgreSQL)
while this test writes a stream of complaints; the process is killed with SIGKILL, which
leaves no chance to tidy up, and started again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO
from uuid import UUID

import pytest

from domain.complaint import Complaint
from domain.sla import SlaPolicy
from domain.values import Actor, RejectReason, ResolutionOutcome, Role
from infra.event_store import sqlite_path
from services.filing import Filing
from services.ledger import ComplaintLedger
from services.projection_host import ProjectionHost, open_view_store
from tests.support import MutableClock
from tests.view_support import complaint_rows, dump_views, expected_row, wait_until

ADUAN = Path(sys.executable).with_name("aduan")
UNITS = ("disdukcapil", "rsud")
ADMIN = Actor("admin-1", Role.ADMIN)
COORDINATOR = Actor("koordinator-1", Role.COORDINATOR)
OFFICER = Actor("petugas-1", Role.OFFICER)
COMPLAINANT = Actor("complainant", Role.COMPLAINANT)
StartProjector = Callable[[], "subprocess.Popen[bytes]"]
BACKLOG = 120  # complaints written before the projector starts: it has work at once
AFTER_KILL = 80  # complaints written while no projector runs
TAIL = 40  # complaints written while the restarted projector follows


class Stream:
    """Writes complaint lives in turn (two to twelve events each), with the clock moving on."""

    def __init__(self, ledger: ComplaintLedger, clock: MutableClock) -> None:
        self.ledger = ledger
        self.clock = clock
        self.complaint_ids: list[UUID] = []

    def write(self, count: int) -> None:
        for _ in range(count):
            self.write_one()

    def write_one(self) -> None:
        number = len(self.complaint_ids)
        filed = self.ledger.file(
            Filing(
                unit_id=UNITS[number % 2],
                title=f"Aduan nomor {number}",
                description="Pelayanan di loket sangat lambat.",
            ),
            None,
        )
        complaint = self.ledger.load_complaint(filed["id"])
        self._live(complaint, number)
        self.ledger.save(complaint)  # the life's events in one transaction after the filing
        self.complaint_ids.append(filed["id"])
        self.clock.advance(timedelta(minutes=7))

    def _live(self, complaint: Complaint, number: int) -> None:
        at, calendar = self.clock.now(), self.ledger.calendar
        policy = self.ledger.unit_policy
        shape = number % 4
        if shape == 3:
            complaint.withdraw(COMPLAINANT, at)
            return
        if shape == 2:
            complaint.request_info(COORDINATOR, at, "Nomor antrean?", calendar)
            complaint.supplement(COMPLAINANT, at, "A-17.", calendar)
        complaint.verify(COORDINATOR, at, category=f"kategori-{number % 3}")
        if shape == 1:
            complaint.reject(COORDINATOR, at, RejectReason.OUT_OF_SCOPE)
            return
        unit = UNITS[(number + 1) % 2]
        complaint.forward(COORDINATOR, at, unit, policy(unit), calendar)
        complaint.respond(OFFICER, at, "Sedang diperiksa.")
        complaint.resolve(OFFICER, at, "Dijelaskan.", ResolutionOutcome.EXPLAINED, calendar)
        complaint.give_feedback(COMPLAINANT, at, satisfied=False, rating=2)
        complaint.reopen(COMPLAINANT, at, "Belum beres.")
        complaint.resolve(OFFICER, at, "Diperbaiki.", ResolutionOutcome.FIXED, calendar)
        complaint.give_feedback(COMPLAINANT, at, satisfied=True, rating=5)


@pytest.fixture
def observer(store_url: str, ledger: ComplaintLedger) -> Iterator[ProjectionHost]:
    """The test's own view of the projections' positions (it applies nothing itself)."""
    host = ProjectionHost(ledger, open_view_store(sqlite_path(store_url), store_url))
    yield host
    host.stop()


@pytest.fixture
def start_projector(store_url: str, tmp_path: Path) -> Iterator[StartProjector]:
    """Starts `aduan project` processes on the test's store; any still running is killed."""
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[IO[bytes]] = []
    env = {**os.environ, "ADUAN_DATABASE_URL": store_url}
    env.pop("ADUAN_PROJECTIONS_IN_PROCESS", None)

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"projector-{len(processes)}.log").open("wb")
        logs.append(log)
        process = subprocess.Popen(
            [str(ADUAN), "project"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    for log in logs:
        log.close()


def lag(observer: ProjectionHost) -> int:
    return max(runner.status().lag for runner in observer.runners.values())


def test_projector_killed_mid_stream_resumes_and_applies_every_event_exactly_once(
    ledger: ComplaintLedger,
    clock: MutableClock,
    observer: ProjectionHost,
    start_projector: StartProjector,
    tmp_path: Path,
) -> None:
    start = start_projector
    for unit_id in UNITS:
        ledger.register_unit(ADMIN, unit_id, unit_id.upper(), None, SlaPolicy())
    stream = Stream(ledger, clock)
    complaints = observer.runner("complaints")
    stream.write(BACKLOG)

    projector = start()
    # Keep writing while the projector follows; kill it once it has committed something.
    give_up = time.monotonic() + 60
    while complaints.status().position == 0 and projector.poll() is None:
        stream.write_one()
        assert time.monotonic() < give_up, "the projector never committed a position"
    projector.kill()
    projector.wait(timeout=10)
    position_at_kill = complaints.status().position
    stream.write(AFTER_KILL)
    log_end_before_restart = complaints.status().log_position

    restarted = start()
    stream.write(TAIL)
    caught_up = wait_until(lambda: lag(observer) == 0, timeout=60)
    restarted.terminate()
    assert restarted.wait(timeout=10) == 0

    def output(number: int) -> str:
        return (tmp_path / f"projector-{number}.log").read_text(errors="replace")

    assert 0 < position_at_kill < log_end_before_restart, output(0)
    assert caught_up, (*(runner.status() for runner in observer.runners.values()), output(1))
    rows = complaint_rows(observer.store)
    assert len(rows) == len(stream.complaint_ids)
    assert {row["id"]: row["version"] for row in rows.values()} == {
        str(complaint_id): ledger.load_complaint(complaint_id).version
        for complaint_id in stream.complaint_ids
    }
    assert rows == {str(cid): expected_row(ledger, cid) for cid in stream.complaint_ids}
    incremental = dump_views(observer)
    for runner in observer.runners.values():
        runner.rebuild()
    assert dump_views(observer) == incremental  # counters (feedback, reopened) included
