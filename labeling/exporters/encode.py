"""Encode export rows as JSON text, splicing in JSON the database already returned as text.

Reading JSON columns as text and writing them back verbatim skips a json.loads/json.dumps
round trip per value, which is most of the cost of an export.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring_ascii
from typing import Any


class RawJSON(str):
    """A string that already is valid JSON text (from a JSON column read as text)."""

    __slots__ = ()


def encode(value: Any) -> str:
    """JSON text of `value`; RawJSON parts are copied as they are."""
    if isinstance(value, RawJSON):
        return value
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if isinstance(value, dict):
        return "{" + ",".join(encode_basestring_ascii(k) + ":" + encode(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(encode(v) for v in value) + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value)


def decoded(value: Any) -> Any:
    """The Python value of a RawJSON (for exporters that need to look inside, such as CSV)."""
    return json.loads(value) if isinstance(value, RawJSON) else value
