"""A stored event straight to its CloudEvent message, without rebuilding the domain event.

The relay's hot path: the stored state is read as plain JSON and the transcoder's
``{"_type_", "_data_"}`` wrappers are replaced by what orjson writes for the objects they
stand for (UUIDs as dashed strings, datetimes and dates in ISO form, decimals as strings,
enums as their values, value objects as their fields). The message is the one
``cloudevents.to_message`` makes from the decoded event, byte for byte, and the same
privacy rule applies; a test holds the two equal for every event type.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper
from eventsourcing.utils import resolve_topic

from infra import cloudevents as ce
from infra.cloudevents import KafkaMessage

_CONTAINERS = frozenset((dict, list))
_PERSONAL_TYPE_NAMES = frozenset(kind.__name__ for kind in ce.PERSONAL_TYPES)
_LEFT_OUT = ce.LIBRARY_FIELDS | ce.NEVER_PUBLISHED
_EVENT_ID_NAMESPACE = ce.EVENT_ID_NAMESPACE.bytes


class StoredEvent:
    """What the relay knows of a stored event before publishing it."""

    __slots__ = ("originator_id", "originator_version", "state", "topic")

    def __init__(self, notification: Any, mapper: Mapper[Any]) -> None:
        self.originator_id: UUID = notification.originator_id
        self.originator_version: int = notification.originator_version
        self.topic: str = notification.topic
        self.state: dict[str, Any] = _stored_state(notification.state, mapper)

    @property
    def is_complaint_event(self) -> bool:
        return _is_complaint_topic(self.topic)


def stored_message(
    event: StoredEvent, position: int, source: str, confidential: bool
) -> KafkaMessage:
    state = event.state
    event_type, event_name = _type_of(event.topic)
    event_id = event_id_text(event.originator_id, event.originator_version)
    subject = str(event.originator_id)
    confidential = confidential or state.get("confidential") is True
    withheld = ce.CONFIDENTIAL_TEXT.get(event_name, ()) if confidential else ()
    if not event.is_complaint_event:
        withheld = ()
    cloud_event = {
        "specversion": ce.SPEC_VERSION,
        "id": event_id,
        "source": source,
        "type": event_type,
        "subject": subject,
        "time": _plain(state.get("at") or state["timestamp"]),
        "sequence": f"{position:0{ce.SEQUENCE_DIGITS}d}",
        "datacontenttype": ce.DATA_CONTENT_TYPE,
        "data": _data(state, withheld),
    }
    return KafkaMessage(
        key=subject.encode(),
        value=orjson.dumps(cloud_event),
        headers=[
            ("ce_id", event_id.encode()),
            ("ce_type", event_type.encode()),
            ("content-type", ce.STRUCTURED_CONTENT_TYPE),
        ],
    )


def _data(state: dict[str, Any], withheld: tuple[str, ...]) -> dict[str, Any]:
    data = {
        name: _plain(value) if type(value) in _CONTAINERS else value
        for name, value in state.items()
        if name not in _LEFT_OUT and name not in withheld and not _is_personal(value)
    }
    if withheld:
        data["withheld"] = sorted(withheld)
    return data


def _is_personal(value: Any) -> bool:
    return type(value) is dict and value.get("_type_") in _PERSONAL_TYPE_NAMES


def _plain(value: Any) -> Any:
    """The JSON orjson writes for the object a transcoded value stands for."""
    if type(value) is list:
        return [_plain(item) if type(item) in _CONTAINERS else item for item in value]
    if type(value) is not dict:
        return value
    type_name = value.get("_type_")
    if type_name is not None and len(value) == 2 and "_data_" in value:
        data = value["_data_"]
        if type_name == "uuid_hex":
            return _dashed(data)
        return _plain(data) if type(data) in _CONTAINERS else data
    return {key: _plain(item) if type(item) in _CONTAINERS else item for key, item in value.items()}


def event_id_text(originator_id: UUID, originator_version: int) -> str:
    """``str(cloudevents.event_id(...))`` (RFC 4122 version 5) without building UUIDs."""
    name = f"{originator_id}:{originator_version}".encode()
    digest = bytearray(hashlib.sha1(_EVENT_ID_NAMESPACE + name, usedforsecurity=False).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    return _dashed(digest[:16].hex())


def _dashed(hex_digits: str) -> str:
    """A UUID's 32 hex digits in its usual 8-4-4-4-12 form."""
    h = hex_digits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _stored_state(state: bytes, mapper: Mapper[Any]) -> dict[str, Any]:
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    decoded: dict[str, Any] = orjson.loads(state)
    return decoded


@lru_cache(maxsize=256)
def _type_of(topic: str) -> tuple[str, str]:
    """The CloudEvent type of a stored event's topic, and the event's class name; refuses
    (``UnpublishableEventError``) an aggregate with no publishing rule."""
    event_class = resolve_topic(topic)
    return ce.event_type_of_class(event_class), event_class.__name__


@lru_cache(maxsize=256)
def _is_complaint_topic(topic: str) -> bool:
    return ce.is_complaint_event_class(resolve_topic(topic))
