"""`aduan audit export`: the whole trail (or a filtered part) as JSON lines or CSV, from the
audit view brought up to date first, in batches, with progress on standard error."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.sla import SlaPolicy
from domain.values import Actor, RejectReason, Role
from infra.cloudevents import event_id
from infra.settings import Settings
from projections.audit import COLUMNS
from projections.audit_queries import audit_batches
from services import audit_export
from services.cli import main
from services.commands import Forward, Reject, Verify
from services.composition import build_ledger
from services.filing import ComplainantIn, Filing
from services.ledger import ComplaintLedger
from services.personal_data_reads import Shown
from services.principals import Staff
from tests.support import originator_uuid

ADMIN = Actor("admin-test", Role.ADMIN)
RINA = Staff("rina", Role.COORDINATOR)


@pytest.fixture
def ledger(cli_env: Settings) -> Iterator[ComplaintLedger]:
    """Two units; three complaints verified by rina (each response shown to her), one
    routed to the RSUD, one rejected."""
    ledger = build_ledger(cli_env)
    for unit_id in ("disdukcapil", "rsud"):
        ledger.register_unit(ADMIN, unit_id, unit_id.upper(), None, SlaPolicy())
    filed = []
    complainant = ComplainantIn(name="Siti Aminah", phone="081234567890")
    for _ in range(3):
        filing = Filing(unit_id="disdukcapil", title="Akta kelahiran",
                        description="Akta kelahiran anak saya belum terbit.",
                        complainant=complainant)  # fmt: skip
        filed.append(ledger.file(filing, None)["id"])
        ledger.perform(filed[-1], RINA, Verify(), shown=Shown("Verifikasi"))
    ledger.perform(filed[0], RINA, Forward(unit_id="rsud"))
    ledger.perform(filed[1], RINA, Reject(reason=RejectReason.OUT_OF_SCOPE))
    yield ledger
    ledger.close()


def export(*options: str) -> int:
    return main(["audit", "export", *options])


def test_jsonl_export_holds_every_event_of_the_log_in_order(
    ledger: ComplaintLedger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "audit.jsonl"
    log = ledger.recorder.select_notifications(0, 1000)

    assert export("--format", "jsonl", "--output", str(output)) == 0

    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [row["position"] for row in rows] == [n.id for n in log]
    assert [row["event_id"] for row in rows] == [
        str(event_id(originator_uuid(n), n.originator_version)) for n in log
    ]
    assert all(list(row) == list(COLUMNS) for row in rows)
    reads = [r for r in rows if r["event_type"] == "aduan.personal_data_read.Recorded"]
    assert [(r["actor_id"], r["reason"]) for r in reads] == [("rina", "Verifikasi")] * 3
    assert rows[-1]["reason"] == "out_of_scope" and rows[-1]["at"].endswith("Z")
    err = capsys.readouterr().err
    assert "exporting [" in err and f"] {len(log)}/{len(log)} " in err
    assert err.strip().endswith(f"exported {len(log)} audit events to {output}")
    assert "Siti Aminah" not in output.read_text() and "081234567890" not in output.read_text()


def test_csv_export_to_standard_output_has_a_header_and_one_line_per_event(
    ledger: ComplaintLedger, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("--format", "csv") == 0

    captured = capsys.readouterr()
    header, *rows = list(csv.reader(io.StringIO(captured.out)))
    assert header == list(COLUMNS)
    assert len(rows) == ledger.recorder.max_notification_id()
    by_type = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
    forwarded = by_type["aduan.complaint.Forwarded"]
    assert (forwarded["actor_id"], forwarded["actor_role"], forwarded["unit_id"]) == (
        "rina", "coordinator", "rsud"
    )  # fmt: skip
    assert by_type["aduan.tracking.Assigned"]["actor_id"] == ""  # no actor: empty, not "None"
    assert "exported" in captured.err and "exported" not in captured.out


def test_filters_keep_only_the_matching_events(ledger: ComplaintLedger, tmp_path: Path) -> None:
    output = tmp_path / "rina-rsud.jsonl"

    code = export("--format", "jsonl", "--actor", "rina", "--unit-id", "rsud", "--output",
                  str(output))  # fmt: skip

    assert code == 0
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [(r["event_type"], r["actor_id"], r["unit_id"]) for r in rows] == [
        ("aduan.complaint.Forwarded", "rina", "rsud")
    ]


def test_a_period_with_no_events_gives_an_empty_export(
    ledger: ComplaintLedger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "old.csv"

    assert export("--format", "csv", "--from", "2001-01-01", "--to", "2001-02-01",
                  "--output", str(output)) == 0  # fmt: skip

    assert output.read_text().splitlines() == [",".join(COLUMNS)]
    assert "exported 0 audit events" in capsys.readouterr().err


def test_the_export_reads_the_view_in_batches(
    ledger: ComplaintLedger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(audit_export, "BATCH_SIZE", 4)
    output = tmp_path / "audit.jsonl"
    pages: list[int] = []
    batches = audit_batches  # what audit_export calls, until it is patched below

    def counted(*args: Any) -> Iterator[list[dict[str, Any]]]:
        for batch in batches(*args):
            pages.append(len(batch))
            yield batch

    monkeypatch.setattr(audit_export, "audit_batches", counted)

    assert export("--format", "jsonl", "--output", str(output)) == 0

    total = ledger.recorder.max_notification_id()
    assert len(output.read_text().splitlines()) == total == sum(pages)
    assert max(pages) == 4 and len(pages) == -(-total // 4)
    assert capsys.readouterr().err.count("exporting [") == len(pages)


def test_to_before_from_exits_2_saying_so(
    ledger: ComplaintLedger, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export("--format", "csv", "--from", "2026-12-02", "--to", "2026-12-01") == 2

    assert "--to must be after --from" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_exits_1_naming_it(
    ledger: ComplaintLedger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-folder" / "audit.csv"

    assert export("--format", "csv", "--output", str(target)) == 1

    assert f"cannot write {target}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "options", [("--format", "xml"), ("--format", "csv", "--from", "kemarin"), ()]
)
def test_bad_options_are_usage_errors(cli_env: Settings, options: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        export(*options)
    assert exit_info.value.code == 2
