"""The log's events in batches, decoded."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

READ_BATCH = 10_000
Batch = list[tuple[int, str, Any]]  # (log position, topic, domain event)
Keep = Callable[[Notification], bool]


def read_batches(
    recorder: ApplicationRecorder,
    mapper: Mapper[Any],
    topics: Collection[str],
    start: int,
    end: int,
    limit: int = READ_BATCH,
    keep: Keep | None = None,
) -> Iterator[tuple[int, Batch]]:
    """The events of ``topics`` after ``start`` up to ``end``, decoded, ``limit`` at a
    time (only those ``keep`` keeps), each batch with the position a reader may move to
    once it has applied it."""
    position = start
    while position < end:
        notifications = recorder.select_notifications(
            position, limit, stop=end, topics=sorted(topics), inclusive_of_start=False
        )
        # Events of other topics are skipped, so the position can go to the batch's end,
        # or to the log's end when the batch came back short.
        position = notifications[-1].id if len(notifications) == limit else end
        yield (
            position,
            [
                (n.id, n.topic, mapper.to_domain_event(n))
                for n in notifications
                if keep is None or keep(n)
            ],
        )


def owned_by(part: int, parts: int) -> Keep:
    """Whether an event is of an aggregate in ``part`` of ``parts`` (by its id)."""

    def keep(notification: Notification) -> bool:
        aggregate_id = notification.originator_id
        if not isinstance(aggregate_id, UUID):
            aggregate_id = UUID(aggregate_id)
        return aggregate_id.int % parts == part

    return keep
