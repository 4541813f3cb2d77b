"""A new aggregate made from its created event, as a replay makes it.

Calling an aggregate class goes through the library's argument binding first (every
argument matched against the signature of ``__init__``, the id's and topic's fields added
to a copy of them), which on a filing cost about as much as building the event and the
aggregate themselves. Here the event is built with every field given, and the aggregate
by the event's own ``mutate``: the code that rebuilds it from the store.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

A = TypeVar("A", bound=Aggregate)


def created(aggregate_class: type[A], event_class: Any, id: UUID, **fields: Any) -> A:
    """The aggregate ``event_class`` creates with ``fields``, with that event pending."""
    event = event_class(
        originator_id=id,
        originator_version=aggregate_class.INITIAL_VERSION,
        timestamp=event_class.create_timestamp(),
        originator_topic=topic_of(aggregate_class),
        **fields,
    )
    aggregate: A = event.mutate(None)
    aggregate.pending_events.append(event)
    return aggregate


@cache
def topic_of(aggregate_class: type) -> str:
    """The topic the library names a class by (``eventsourcing.utils.construct_topic``)."""
    topic: str = getattr(
        aggregate_class, "TOPIC", f"{aggregate_class.__module__}:{aggregate_class.__qualname__}"
    )
    return topic
