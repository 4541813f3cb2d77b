"""Free text a client sends: never blank, and no control characters but tabs and line breaks.

A field gives its own limits, then ``Readable``:
``Annotated[str, Field(min_length=..., max_length=...), Readable]``. In that order the limits
are checked as a string's (a 422 says "String should have at most 200 characters"); put
after the validator they would be checked as a sequence's ("... 200 items after
validation"). The limits several fields share are named below.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _readable(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    if _CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters (tabs and line breaks are fine)")
    return value


Readable = AfterValidator(_readable)
ShortText = Annotated[str, Field(min_length=1, max_length=2000), Readable]
LongText = Annotated[str, Field(min_length=1, max_length=20000), Readable]
Category = Annotated[str, Field(min_length=1, max_length=100), Readable]
