"""Free text a client sends: never blank, and no control characters but tabs and line breaks.

A field gives its own length limits (``Annotated[Text, Field(min_length=..., max_length=...)]``);
the limits several share are named below.
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


Text = Annotated[str, AfterValidator(_readable)]
ShortText = Annotated[Text, Field(min_length=1, max_length=2000)]
LongText = Annotated[Text, Field(min_length=1, max_length=20000)]
Category = Annotated[Text, Field(min_length=1, max_length=100)]
