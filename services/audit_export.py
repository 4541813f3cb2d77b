"""``aduan audit export``: the audit trail for auditors, as JSON lines or CSV, streamed
from the audit view in batches (constant memory), with progress on standard error.

The view is first brought up to the log's current end, so the export holds every event
recorded before it started."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TextIO

import orjson

from infra.settings import Settings
from projections.audit import COLUMNS
from projections.audit_queries import AuditFilter, audit_batches, count_audit_events
from services.composition import build_ledger, build_projection_host
from services.progress import progress_bar

FORMATS = ("jsonl", "csv")
BATCH_SIZE = 5000
Progress = Callable[[int, int], None]


def add_audit_commands(commands: Any) -> None:
    """``aduan audit export`` on the CLI's subcommands."""
    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", required=True
    )
    export = audit.add_parser(
        "export", help="write the audit trail (every event, staff reads of personal data too)"
    )
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument("--from", dest="day_from", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="first day (Asia/Jakarta), included")  # fmt: skip
    export.add_argument("--to", dest="day_to", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="last day (Asia/Jakarta), excluded")  # fmt: skip
    export.add_argument("--actor", help="only this actor id")
    export.add_argument("--unit-id", help="only events in this unit")
    export.add_argument("--output", metavar="FILE", help="write here (default: standard output)")
    export.set_defaults(run=export_audit)


def export_audit(settings: Settings, args: argparse.Namespace) -> int:
    if args.day_from is not None and args.day_to is not None and args.day_to <= args.day_from:
        print("aduan: --to must be after --from.", file=sys.stderr)
        return 2
    audit_filter = AuditFilter(args.day_from, args.day_to, args.actor, args.unit_id)
    ledger = build_ledger(settings)
    host = build_projection_host(settings, ledger)
    try:
        host.runner("audit").catch_up(progress_bar("bringing the audit view up to date"))
        total = count_audit_events(host.store, audit_filter)
        batches = audit_batches(host.store, audit_filter, BATCH_SIZE)
        with _output(args.output) as out:
            written = write_rows(out, args.format, batches, total, progress_bar("exporting"))
    except OSError as error:
        where = args.output or "to standard output"
        print(f"aduan: cannot write {where}: {error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        host.stop()
        ledger.close()
    print(f"exported {written} audit events to {args.output or 'standard output'}",
          file=sys.stderr)  # fmt: skip
    return 0


def write_rows(
    out: TextIO,
    output_format: str,
    batches: Iterable[list[dict[str, Any]]],
    total: int,
    progress: Progress,
) -> int:
    """Write each batch as it comes; returns how many rows were written."""
    writer = csv.writer(out) if output_format == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    written = 0
    for batch in batches:
        if writer is not None:
            writer.writerows([_text(row[column]) for column in COLUMNS] for row in batch)
        else:
            out.writelines(_json_line(row) for row in batch)
        written += len(batch)
        progress(written, max(total, written))  # events recorded meanwhile may add rows
    if written == 0:
        progress(0, 0)
    return written


def _json_line(row: dict[str, Any]) -> str:
    return orjson.dumps(row, option=orjson.OPT_UTC_Z).decode() + "\n"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with open(path, "w", newline="", encoding="utf-8") as file:
        yield file
