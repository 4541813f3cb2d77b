"""The CloudEvent of a decoded domain event, written plainly from the event's attributes: the
reference that the relay's message, made from the stored JSON, must equal byte for byte."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from infra.cloudevents import (
    CONFIDENTIAL_TEXT,
    DATA_CONTENT_TYPE,
    LIBRARY_FIELDS,
    NEVER_PUBLISHED,
    PERSONAL_TYPES,
    SEQUENCE_DIGITS,
    SPEC_VERSION,
    STRUCTURED_CONTENT_TYPE,
    KafkaMessage,
    event_id,
    event_type_of_class,
    is_complaint_event_class,
)


def envelope(event: Any, position: int, source: str, confidential: bool) -> dict[str, Any]:
    """The CloudEvent of ``event`` at log ``position``; ``confidential`` says whether the
    complaint it belongs to is confidential (a Filed event says so itself)."""
    state = vars(event)
    return {
        "specversion": SPEC_VERSION,
        "id": str(event_id(event.originator_id, event.originator_version)),
        "source": source,
        "type": event_type_of_class(type(event)),
        "subject": str(event.originator_id),
        "time": state.get("at") or event.timestamp,
        "sequence": f"{position:0{SEQUENCE_DIGITS}d}",
        "datacontenttype": DATA_CONTENT_TYPE,
        "data": event_data(event, confidential or state.get("confidential") is True),
    }


def event_data(event: Any, confidential: bool) -> dict[str, Any]:
    withheld = (
        CONFIDENTIAL_TEXT.get(type(event).__name__, ())
        if confidential and is_complaint_event_class(type(event))
        else ()
    )
    data = {
        name: value
        for name, value in vars(event).items()
        if name not in LIBRARY_FIELDS
        and name not in NEVER_PUBLISHED
        and name not in withheld
        and not isinstance(value, PERSONAL_TYPES)
    }
    if withheld:
        data["withheld"] = sorted(withheld)
    return data


def to_message(event: Any, position: int, source: str, confidential: bool) -> KafkaMessage:
    cloud_event = envelope(event, position, source, confidential)
    return KafkaMessage(
        key=cloud_event["subject"].encode(),
        value=orjson.dumps(cloud_event, default=_encode_other, option=orjson.OPT_NON_STR_KEYS),
        headers=[
            ("ce_id", cloud_event["id"].encode()),
            ("ce_type", cloud_event["type"].encode()),
            ("content-type", STRUCTURED_CONTENT_TYPE),
        ],
    )


def _encode_other(value: Any) -> Any:
    """Decimals, which orjson does not write itself (it writes UUIDs, datetimes, enums and
    dataclasses)."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
