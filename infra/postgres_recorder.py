"""The event store's PostgreSQL recorder, able to read one part of the log.

A part of the log is the events of the aggregates whose ids end in a byte equal to the
part's number modulo the number of parts. Processes sharing a rebuild each read their own
parts (``select_part``), in a statement of their own, instead of all of the log.

Its factory connects once when it is made, so that a server that is not there, or that
refuses the user, is reported at once and with the reason.

The library tries each statement ten times when the connection fails, each try waiting up
to a pool wait for a connection: a request met by an outage would be answered after some
twenty seconds. These recorders try ``STATEMENT_TRIES`` times, enough to step over a
dropped connection the pool replaces, and an outage is answered in a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, Notification, OperationalError
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import Environment, EnvType, retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from infra.schema_lock import SCHEMA_LOCK

CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TRIES = 3
RETRY_WAIT_SECONDS = 0.2  # the library's


class PostgresUnreachableError(Exception):
    """No PostgreSQL server takes a connection at the configured address."""


class SchemaSetUpOneAtATime:
    """The library's schema set-up (types, tables, the insert function), one process at a
    time: it replaces its insert function at every start, and two processes starting at
    once (a relay and a notifier, say) would otherwise fail with "tuple concurrently
    updated"; on a new database, with a duplicate type or table. The lock is held by a
    connection of its own, across the set-up's transactions."""

    datastore: PostgresDatastore

    def create_table(self) -> None:
        with self.datastore.get_connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", [SCHEMA_LOCK], prepare=False)
            try:
                super().create_table()  # type: ignore[misc]
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", [SCHEMA_LOCK], prepare=False)


def _tried_fewer_times(method: Callable[..., Any]) -> Callable[..., Any]:
    """The library's ``method`` without its own retries (``functools.wraps`` keeps the
    undecorated function), retried ``STATEMENT_TRIES`` times on the same errors."""
    undecorated = method.__wrapped__  # type: ignore[attr-defined]
    retried: Callable[..., Any] = retry(
        (InterfaceError, OperationalError), max_attempts=STATEMENT_TRIES, wait=RETRY_WAIT_SECONDS
    )(undecorated)
    return retried


class SnapshotPostgresRecorder(SchemaSetUpOneAtATime, PostgresAggregateRecorder):
    """The snapshots' recorder."""

    insert_events = _tried_fewer_times(PostgresAggregateRecorder.insert_events)
    select_events = _tried_fewer_times(PostgresAggregateRecorder.select_events)


class PartReadingPostgresRecorder(SchemaSetUpOneAtATime, PostgresApplicationRecorder):
    insert_events = _tried_fewer_times(PostgresApplicationRecorder.insert_events)
    select_events = _tried_fewer_times(PostgresApplicationRecorder.select_events)
    select_notifications = _tried_fewer_times(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _tried_fewer_times(PostgresApplicationRecorder.max_notification_id)

    def select_part(
        self, start: int, stop: int, topics: Sequence[str], numbers: Sequence[int], parts: int
    ) -> list[Notification]:
        """The notifications of ``topics`` after ``start`` up to ``stop``, in order, of
        the aggregates in the parts ``numbers`` of ``parts``."""
        statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM {schema}.{table} WHERE notification_id > %s AND notification_id <= %s"
            " AND topic = ANY(%s) AND get_byte(uuid_send(originator_id), 15) %% %s = ANY(%s)"
            " ORDER BY notification_id"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        with (
            self.datastore.get_connection() as connection,
            connection.cursor(row_factory=tuple_row) as cursor,
        ):
            cursor.execute(
                statement,
                [start, stop, list(topics), parts, list(numbers)],
                prepare=True,
                binary=True,
            )
            return [
                Notification(
                    id=id_,
                    originator_id=originator_id,
                    originator_version=version,
                    topic=topic,
                    state=bytes(state),
                )
                for id_, originator_id, version, topic, state in cursor.fetchall()
            ]


class EventStorePostgresFactory(PostgresFactory):
    """The library's PostgreSQL persistence with these recorders."""

    aggregate_recorder_class = SnapshotPostgresRecorder
    application_recorder_class = PartReadingPostgresRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        connection_arguments = self.datastore.pool.kwargs
        assert isinstance(connection_arguments, dict)  # the library's datastore passes a dict
        connection_arguments["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        check_connection(connection_arguments)


def check_connection(connection_arguments: dict[str, Any]) -> None:
    """Connects once, so that a server that is down or refuses the user is reported at
    once with the reason, rather than as the pool's timeout after half a minute."""
    try:
        psycopg.connect(**connection_arguments).close()
    except psycopg.OperationalError as error:
        address = f"{connection_arguments['host']}:{connection_arguments['port']}"
        raise PostgresUnreachableError(
            f"cannot connect to PostgreSQL at {address}: {_reason(error)}; start it (make "
            "postgres) or check ADUAN_DATABASE_URL"
        ) from None


def _reason(error: psycopg.OperationalError) -> str:
    """libpq's first line without its preamble: 'Connection refused', 'FATAL: password
    authentication failed for user "x"'..."""
    first_line = str(error).strip().splitlines()[0]
    return " ".join(first_line.rsplit(" failed: ", 1)[-1].split())
