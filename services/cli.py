"""The ``aduan`` command: serve the API, print staff tokens, run the clock, manage units."""

from __future__ import annotations

import argparse
import gc
import signal
import sqlite3
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime

from eventsourcing.persistence import OperationalError
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import SettingsError

from domain.calendar import WorkingCalendar
from domain.errors import DomainError
from domain.sla import SlaPolicy
from domain.values import STAFF_ROLES, Actor, Role
from infra.event_store import DatabaseUrlError, sqlite_path
from infra.kafka_topics import KafkaUnavailableError, admin_client, ensure_topics, topic_specs
from infra.postgres_recorder import PostgresUnreachableError
from infra.secret_key import SecretKeyError
from infra.settings import Settings, settings_problems
from infra.store_outages import STORE_ERRORS, is_store_outage
from infra.transparency.signing_key import SigningKeyError
from projections.store import ViewRebuildingError
from services.api.schemas import UnitIn
from services.audit_export import add_audit_commands
from services.composition import (
    build_ledger,
    build_projection_host,
    build_token_issuer,
    system_clock,
)
from services.deadline_watch import DeadlineWatch
from services.ledger_command import add_ledger_commands
from services.notifications.command import notify
from services.progress import progress_bar
from services.promises import PromiseDesk
from services.relay_command import KAFKA_NOT_CONFIGURED, relay
from services.simulation.scenario import Scenario, SimulatedClock, Simulation

CLI_ACTOR = Actor(id="cli", role=Role.ADMIN)
SWITCH_INTERVAL_SECONDS = 0.0005
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the earliest time a complaint id records


def serve(settings: Settings, _args: argparse.Namespace) -> int:
    import uvicorn

    from services.api.app import create_app
    from services.api.http_protocol import CoalescingHttpProtocol

    # Fewer, larger young-generation collections: the request path allocates many small
    # objects, and collecting every 700 allocations showed as the latency tail.
    gc.set_threshold(10_000, 20, 20)
    # The group commit's thread takes the interpreter lock back after each SQLite call; at
    # the default 5 ms switch interval those waits made the slowest filings (p99) about
    # twice as slow (docs/benchmarks.md, "The switch interval").
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    base = f"http://{settings.host}:{settings.port}"
    print(f"Aduan Ledger on {base}  (API docs: {base}/docs, store: {settings.database_url})")
    print("Staff token:  .venv/bin/aduan token --role coordinator")
    print("              .venv/bin/aduan token --role officer --unit UNIT_ID")
    build_token_issuer(settings)  # a key that cannot sign is reported here, not mid start-up
    ledger = build_ledger(settings)
    if not ledger.list_units():
        print('No service units yet: .venv/bin/aduan units add disdukcapil "Disdukcapil"')
    ledger.close()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        workers=1,
        http=CoalescingHttpProtocol,
        log_level="info",
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )
    return 0


def token(settings: Settings, args: argparse.Namespace) -> int:
    issuer = build_token_issuer(settings)
    subject = args.subject or f"{args.role}-cli"
    print(issuer.issue(Role(args.role), subject, args.unit or [], system_clock()))
    return 0


def tick(settings: Settings, _args: argparse.Namespace) -> int:
    ledger = build_ledger(settings)
    watch = DeadlineWatch(ledger)

    report = watch.tick(system_clock(), progress_bar("applying deadlines"))
    host = build_projection_host(settings, ledger)
    host.catch_up()
    missed = PromiseDesk(ledger).mark_missed(host.store)
    host.stop()
    print(
        f"{report.complaints_checked} complaints due, {report.complaints_changed} changed, "
        f"{report.events_recorded} events recorded, {report.conflicts} conflicts; "
        f"{missed} promises missed"
    )
    return 0


def units_add(settings: Settings, args: argparse.Namespace) -> int:
    try:  # the rules POST /v1/units applies
        unit_in = UnitIn(unit_id=args.unit_id, name=args.name, parent_id=args.parent)
    except ValidationError as error:
        print(f"aduan: cannot register {args.unit_id!r}: {_problems(error)}", file=sys.stderr)
        return 2
    ledger = build_ledger(settings)
    unit = ledger.register_unit(
        CLI_ACTOR, unit_in.unit_id, unit_in.name, unit_in.parent_id, SlaPolicy()
    )
    print(f"registered {unit['unit_id']}: {unit['name']}")
    return 0


def _problems(error: ValidationError) -> str:
    """Each problem with its field, and the field's description where it says what to write."""
    return "; ".join(_problem(problem) for problem in error.errors())


def _problem(problem: ErrorDetails) -> str:
    field = ".".join(map(str, problem["loc"]))
    description = UnitIn.model_fields[field].description if field in UnitIn.model_fields else None
    return f"{field}: {problem['msg']}" + (f" ({description})" if description else "")


def units_list(settings: Settings, _args: argparse.Namespace) -> int:
    for unit in build_ledger(settings).list_units():
        parent = f"  (in {unit['parent_id']})" if unit["parent_id"] else ""
        print(f"{unit['unit_id']}\t{unit['name']}{parent}")
    return 0


def project(settings: Settings, _args: argparse.Namespace) -> int:
    ledger = build_ledger(settings)
    host = build_projection_host(settings, ledger)
    stopped = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopped.set())
    by_subscription = sqlite_path(settings.database_url) is None
    print(
        f"following the log with {', '.join(host.runners)} "
        f"({'subscription' if by_subscription else 'polling'}); Ctrl-C stops",
        file=sys.stderr,
    )
    host.start(by_subscription)
    stopped.wait()
    host.stop()
    ledger.close()
    return 0


def projections_status(settings: Settings, _args: argparse.Namespace) -> int:
    ledger = build_ledger(settings)
    host = build_projection_host(settings, ledger)
    print(f"{'projection':<16}{'position':>12}{'log':>12}{'lag':>10}")
    for runner in host.runners.values():
        status = runner.status()
        print(f"{status.name:<16}{status.position:>12}{status.log_position:>12}{status.lag:>10}")
    host.stop()
    return 0


def projections_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    ledger = build_ledger(settings)
    host = build_projection_host(settings, ledger)
    try:
        runner = host.runner(args.name)
        applied = runner.rebuild(progress_bar(f"rebuilding {args.name}"))
        position = runner.status().position
        print(f"rebuilt {args.name} from {applied} events, up to log position {position}")
    finally:
        host.stop()
        ledger.close()
    return 0


def simulate(settings: Settings, args: argparse.Namespace) -> int:
    end = _history_end(args.until, system_clock())
    refusal = _simulation_refusal(args, end)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    scenario = Scenario(args.seed, args.complaints, args.days, end=end)
    clock = SimulatedClock(scenario.start)
    ledger = build_ledger(settings, clock)
    if ledger.recorder.max_notification_id():
        print(
            f"{settings.database_url} already holds a ledger; simulate into a new store, e.g. "
            "ADUAN_DATABASE_URL=sqlite:///var/demo.db aduan simulate",
            file=sys.stderr,
        )
        ledger.close()
        return 1
    host = build_projection_host(settings, ledger)
    try:
        simulation = Simulation(ledger, clock, host, scenario, settings.skm_element_set)
        report = simulation.run(progress_bar(f"simulating {args.days} days"))
    finally:
        host.stop()
        ledger.close()
    statuses = ", ".join(f"{status} {count}" for status, count in report.by_status.items())
    print(
        f"{report.complaints} complaints ({statuses}), {report.survey_responses} survey "
        f"responses, {report.promises} promises, {report.clock_events} events by the clock; "
        f"{report.events} events in {settings.database_url}"
    )
    return 0


def _simulation_refusal(args: argparse.Namespace, end: datetime) -> str | None:
    for option in ("complaints", "days"):
        if getattr(args, option) < 1:
            return f"--{option} must be at least 1."
    if (end - UNIX_EPOCH).days < args.days:
        return (
            f"--until {end.date()} and --days {args.days} start the history before "
            f"{UNIX_EPOCH.date()}, earlier than complaint ids can tell; choose a later "
            "--until or fewer --days."
        )
    return None


def _history_end(until: date | None, now: datetime) -> datetime:
    """The end of the day ``until`` (in Jakarta), or now if that is still to come."""
    calendar = WorkingCalendar()
    if until is None or until >= calendar.local_date(now):
        return now
    return calendar.end_of_day(until)


def kafka_init(settings: Settings, _args: argparse.Namespace) -> int:
    if not settings.kafka_bootstrap:
        print(KAFKA_NOT_CONFIGURED, file=sys.stderr)
        return 2
    try:
        admin = admin_client(settings.kafka_bootstrap)
    except KafkaUnavailableError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        outcomes = ensure_topics(admin, topic_specs(settings))
    finally:
        admin.close()
    for outcome in outcomes:
        print(f"{outcome.name}: {outcome.state} ({outcome.detail})")
    return 0 if all(outcome.ok for outcome in outcomes) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aduan",
        description="Aduan Ledger. Settings come from ADUAN_* environment variables "
        "(ADUAN_DATABASE_URL, ADUAN_SECRET_KEY, ADUAN_PORT...).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the HTTP API").set_defaults(run=serve)

    token_parser = commands.add_parser("token", help="print a staff bearer token")
    token_parser.add_argument("--role", required=True, choices=sorted(STAFF_ROLES))
    token_parser.add_argument(
        "--unit", action="append", metavar="ID", help="a unit served (repeatable)"
    )
    token_parser.add_argument("--subject", help="who the token is for (default: ROLE-cli)")
    token_parser.set_defaults(run=token)

    commands.add_parser(
        "tick", help="apply deadlines now: record missed ones, auto-withdraw, auto-close"
    ).set_defaults(run=tick)

    units = commands.add_parser("units", help="service units").add_subparsers(
        dest="units_command", required=True
    )
    add = units.add_parser("add", help="register a unit with the default SLA policy")
    add.add_argument("unit_id")
    add.add_argument("name")
    add.add_argument("--parent", help="the parent unit's id")
    add.set_defaults(run=units_add)
    units.add_parser("list", help="list units").set_defaults(run=units_list)

    commands.add_parser(
        "project", help="run the projections, following the log until stopped"
    ).set_defaults(run=project)
    kafka = commands.add_parser("kafka", help="Kafka distribution").add_subparsers(
        dest="kafka_command", required=True
    )
    kafka.add_parser(
        "init", help="create the topics with the partitions and retention from settings"
    ).set_defaults(run=kafka_init)
    relay_parser = commands.add_parser(
        "relay", help="publish the event log to Kafka in order, following it until stopped"
    )
    relay_parser.add_argument(
        "--once", action="store_true", help="publish the backlog, print how many, and exit"
    )
    relay_parser.set_defaults(run=relay)
    notify_parser = commands.add_parser(
        "notify", help="send the notifications events call for, following until stopped"
    )
    notify_parser.add_argument(
        "--once", action="store_true", help="handle what is there now, print a summary, exit"
    )
    notify_parser.set_defaults(run=notify)
    simulation = commands.add_parser(
        "simulate", help="make a realistic history in an empty store (for demos and benchmarks)"
    )
    simulation.add_argument("--seed", type=int, default=1, help="the same seed, the same story")
    simulation.add_argument("--complaints", type=int, default=2000, help="complaints to file")
    simulation.add_argument("--days", type=int, default=90, help="days the history spans")
    simulation.add_argument(
        "--until",
        type=date.fromisoformat,
        help="last day of the history (YYYY-MM-DD; default: now). With the same seed, the "
        "same story",
    )
    simulation.set_defaults(run=simulate)
    projections = commands.add_parser("projections", help="read models").add_subparsers(
        dest="projections_command", required=True
    )
    projections.add_parser("status", help="position and lag of each").set_defaults(
        run=projections_status
    )
    rebuild = projections.add_parser("rebuild", help="drop a view and rebuild it from the log")
    rebuild.add_argument("name")
    rebuild.set_defaults(run=projections_rebuild)
    add_ledger_commands(commands)
    add_audit_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except (ValidationError, SettingsError) as error:  # a value refused, or JSON unreadable
        print(
            f"aduan: bad setting: {settings_problems(error)}. Correct it, or unset it to take "
            "the default (README, Settings).",
            file=sys.stderr,
        )
        return 2
    try:
        return int(args.run(settings, args))
    except (
        DomainError,
        DatabaseUrlError,
        PostgresUnreachableError,
        SigningKeyError,
        SecretKeyError,
        ViewRebuildingError,
    ) as error:
        print(f"aduan: {error}", file=sys.stderr)
    except STORE_ERRORS as error:
        print(f"aduan: {_store_failure(error, settings.database_url)}", file=sys.stderr)
    return 2


def _store_failure(error: Exception, database_url: str) -> str:
    if is_store_outage(error) or isinstance(error, OperationalError):
        return (
            f"the database stopped answering or failed ({error}); run the command again once "
            "the database of ADUAN_DATABASE_URL is up and free"
        )
    if isinstance(error, sqlite3.DatabaseError):  # the file is there, but not a database
        return (
            f"{database_url} cannot be opened as an SQLite database ({error}); "
            "ADUAN_DATABASE_URL must name an Aduan Ledger store, or a file that does not exist "
            "yet"
        )
    raise error


if __name__ == "__main__":
    sys.exit(main())
