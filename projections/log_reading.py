"""The log's events in batches, decoded."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification
from eventsourcing.utils import resolve_topic

READ_BATCH = 10_000
Batch = list[tuple[int, str, Any]]  # (log position, topic, domain event)


def read_batches(
    recorder: ApplicationRecorder,
    mapper: Mapper[Any],
    topics: Collection[str],
    start: int,
    end: int,
    limit: int = READ_BATCH,
) -> Iterator[tuple[int, Batch]]:
    """The events of ``topics`` after ``start`` up to ``end``, decoded, ``limit`` at a
    time, each batch with the position a reader may move to once it has applied it."""
    position = start
    while position < end:
        notifications = recorder.select_notifications(
            position, limit, stop=end, topics=sorted(topics), inclusive_of_start=False
        )
        # Events of other topics are skipped, so the position can go to the batch's end,
        # or to the log's end when the batch came back short.
        position = notifications[-1].id if len(notifications) == limit else end
        yield position, _decoded(mapper, notifications)


@runtime_checkable
class PartReading(Protocol):
    """A log that can be read by parts: the events of the aggregates whose id's last byte
    modulo ``parts`` is one of the part ``numbers``."""

    def select_part(
        self, start: int, stop: int, topics: Sequence[str], numbers: Sequence[int], parts: int
    ) -> Sequence[Notification]: ...


def part_reader(recorder: object) -> PartReading:
    """``recorder``, checked to read the log by parts."""
    if not isinstance(recorder, PartReading):
        raise TypeError(f"{type(recorder).__name__} cannot read the log by parts.")
    return recorder


def part_batches(
    recorder: PartReading,
    mapper: Mapper[Any],
    topics: Collection[str],
    start: int,
    end: int,
    span: int,
    numbers: Sequence[int] = (0,),
    parts: int = 1,
    fields: tuple[str, ...] | None = None,
) -> Iterator[tuple[int, Batch]]:
    """The events of ``topics`` and of the parts ``numbers`` of ``parts`` after ``start`` up
    to ``end``, decoded, ``span`` log positions at a time, each batch with the position it
    ends at: processes reading different parts read batches that end at the same positions."""
    position = start
    while position < end:
        stop = min(position + span, end)
        yield stop, read_part(recorder, mapper, topics, position, stop, numbers, parts, fields)
        position = stop


def read_part(
    recorder: PartReading,
    mapper: Mapper[Any],
    topics: Collection[str],
    start: int,
    stop: int,
    numbers: Sequence[int],
    parts: int,
    fields: tuple[str, ...] | None = None,
) -> Batch:
    """The events of ``topics`` and of the parts ``numbers`` of ``parts`` after ``start``
    up to ``stop``, decoded (only ``fields`` of them, if given)."""
    notifications = recorder.select_part(start, stop, sorted(topics), numbers, parts)
    return _decoded(mapper, notifications, fields)


@runtime_checkable
class FieldDecoding(Protocol):
    """A transcoder that can decode some of an encoded mapping's top-level fields."""

    def decode_fields(self, data: bytes, names: tuple[str, ...]) -> dict[str, Any]: ...


def _decoded(
    mapper: Mapper[Any],
    notifications: Sequence[Notification],
    fields: tuple[str, ...] | None = None,
) -> Batch:
    """The notifications' domain events; given ``fields``, events of the same classes
    holding only those fields (and the aggregate's id and version), for a reader that
    needs no others: decoding a whole event costs about twice as much."""
    transcoder = mapper.transcoder
    if fields is None or mapper.cipher or mapper.compressor:
        return [(n.id, n.topic, mapper.to_domain_event(n)) for n in notifications]
    if not isinstance(transcoder, FieldDecoding):
        raise TypeError(f"{type(transcoder).__name__} cannot decode some fields of an event.")
    batch: Batch = []
    for n in notifications:
        state = transcoder.decode_fields(n.state, fields)
        state["originator_id"] = n.originator_id
        state["originator_version"] = n.originator_version
        event = object.__new__(resolve_topic(n.topic))  # as the library's mapper makes them
        event.__dict__.update(state)
        batch.append((n.id, n.topic, event))
    return batch
