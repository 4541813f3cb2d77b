"""The event store asked for the end of its log, once.

The event store's PostgreSQL recorder tries a statement three times (see
infra.postgres_recorder), each try waiting up to a pool wait for a connection, so a question
put through it takes some seconds to fail when the server is down. A health check must
answer well inside a load balancer's timeout, and asks here instead: one try, waiting at
most one pool wait. (The SQLite recorder does not retry.)
"""

from __future__ import annotations

from eventsourcing.persistence import ApplicationRecorder, Recorder
from eventsourcing.postgres import PostgresApplicationRecorder


def probe_event_store(recorder: Recorder) -> None:
    """Returns when the event store answers; raises the store's error when it does not."""
    if isinstance(recorder, PostgresApplicationRecorder):
        with recorder.datastore.get_connection() as connection:
            connection.execute(recorder.max_notification_id_statement, prepare=False)
    elif isinstance(recorder, ApplicationRecorder):
        recorder.max_notification_id()
    else:
        raise TypeError(f"not an application recorder: {type(recorder).__name__}")
