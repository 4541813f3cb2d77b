"""An orjson transcoder that round-trips UUID, datetime, date, Decimal, enums and value objects.

orjson writes UUIDs, datetimes and enums as plain strings, which would come back as strings
after a reload. So objects are first turned into the library's ``{"_type_", "_data_"}``
form, and orjson does the byte work.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Transcoding

_PLAIN = frozenset((str, int, float, bool, type(None)))
_CONTAINERS = frozenset((dict, list))


class OrjsonTranscoder(JSONTranscoder):
    def __init__(self) -> None:  # the parent's json encoder and decoder are not used
        self.types: dict[type, Transcoding] = {}
        self.names: dict[str, Transcoding] = {}

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(self._to_json(obj))

    def decode(self, data: bytes) -> Any:
        decoded = orjson.loads(data)
        return self._from_json(decoded) if type(decoded) in _CONTAINERS else decoded

    def decode_fields(self, data: bytes, names: tuple[str, ...]) -> dict[str, Any]:
        """Only these top-level fields of an encoded mapping, decoded: cheaper than
        ``decode`` when a reader needs a small part of a large event."""
        raw = orjson.loads(data)
        return {
            name: self._from_json(raw[name]) if type(raw[name]) in _CONTAINERS else raw[name]
            for name in names
            if name in raw
        }

    def _to_json(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _PLAIN:
            return obj
        transcoding = self.types.get(kind)
        if transcoding is not None:
            data = transcoding.encode(obj)  # mostly a string: recursed into only if not plain
            return {
                "_type_": transcoding.name,
                "_data_": data if type(data) in _PLAIN else self._to_json(data),
            }
        if isinstance(obj, dict):
            to_json = self._to_json
            return {
                str(key): value if type(value) in _PLAIN else to_json(value)
                for key, value in obj.items()
            }
        if isinstance(obj, (list, tuple)):
            return [self._to_json(item) for item in obj]
        return self._encode_obj(obj)  # raises TranscodingNotRegisteredError

    def _from_json(self, obj: Any) -> Any:
        """Rebuild objects from orjson's output, which has only dict, list and plain values;
        plain values are left as they are, without a call per value."""
        if type(obj) is list:
            return [self._from_json(item) if type(item) in _CONTAINERS else item for item in obj]
        type_name = obj.get("_type_")
        if type_name is not None and len(obj) == 2 and "_data_" in obj:
            data = obj["_data_"]
            transcoding = self.names.get(type_name)
            if transcoding is None:
                return self._decode_obj(obj)  # raises TranscodingNotRegisteredError
            return transcoding.decode(self._from_json(data) if type(data) in _CONTAINERS else data)
        for key, value in obj.items():
            if type(value) in _CONTAINERS:
                obj[key] = self._from_json(value)
        return obj


class DatetimeAsISO(Transcoding):
    type = datetime
    name = "datetime_iso"

    def encode(self, obj: datetime) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> datetime:
        return datetime.fromisoformat(data)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DecimalAsStr(Transcoding):
    type = Decimal
    name = "decimal_str"

    def encode(self, obj: Decimal) -> str:
        return str(obj)

    def decode(self, data: str) -> Decimal:
        return Decimal(data)


class EnumAsValue(Transcoding):
    def __init__(self, enum_class: type[Enum]) -> None:
        self.type = enum_class
        self.name = enum_class.__name__
        self._members = {member.value: member for member in enum_class}

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        member = self._members.get(data)  # a dict lookup: calling the class is much slower
        if member is None:
            member = self.type(data)  # raises ValueError for a value it does not have
        return member


class DataclassAsDict(Transcoding):
    def __init__(self, dataclass_type: type) -> None:
        self.type = dataclass_type
        self.name = dataclass_type.__name__
        self._field_names = tuple(field.name for field in dataclasses.fields(dataclass_type))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._field_names}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)
