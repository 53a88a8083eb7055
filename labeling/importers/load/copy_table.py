"""PostgreSQL COPY (text format) for a Django model: the columns an import sets, then constants.

Columns the database fills itself are left out: those with a db_default, and nullable ones
without a default (NULL). Parsing a value PostgreSQL would have made up anyway costs it time
on every row (a timestamp about half a microsecond). Every other concrete column is written,
so a column added later with only a Django default still gets it. The columns that vary per
row come first; the rest (defaults and per-import constants such as project_id) form one
precomputed suffix, which keeps building a line cheap.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import NOT_PROVIDED, Field, JSONField, Model

from labeling.db.executor import quote

NULL = "\\N"
# One encoder for all rows: json.dumps with options builds a new encoder on every call.
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _not_json(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _fast_encoder() -> Callable[[Any], str]:
    """The C encoder JSONEncoder.encode builds on each call, built once (3x faster per item).

    Same output as `_encode_json` (compact separators, non-ASCII kept); falls back to it where
    the C speedups are missing. No circular-reference check: values come from parsed JSON.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _encode_json
    encode = make(None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


_encode_fast = _fast_encoder()


def copy_text(value: str) -> str:
    """Escape a value for COPY's text format (backslash, tab, newline, carriage return)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def json_text(value: Any) -> str:
    """A JSON column's COPY text. JSON text escapes every control character itself, so of
    COPY's special characters only the backslash can occur."""
    if value is None:
        return NULL
    text = _encode_fast(value)
    return text.replace("\\", "\\\\") if "\\" in text else text


def plain_text(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return copy_text(value)
    return str(value)


class CopyTable:
    """The COPY of `model`'s rows: the `varying` columns, then the fixed ones, whose text
    (per-import constants and defaults) is the precomputed `suffix` of every line."""

    def __init__(
        self, model: type[Model], *, varying: Sequence[str], constants: dict[str, Any], now: datetime
    ) -> None:
        fields = {field.attname: field for field in model._meta.concrete_fields}
        self.table = model._meta.db_table
        self.varying = list(varying)
        fixed = [
            f
            for name, f in fields.items()
            if name not in self.varying and not f.primary_key and (name in constants or not database_fills(f))
        ]
        suffix = []
        for field in fixed:
            if field.attname in constants:
                value = constants[field.attname]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            converter = json_text if isinstance(field, JSONField) else plain_text
            suffix.append(converter(value))
        self.columns = self.varying + [field.attname for field in fixed]
        self.suffix = "".join("\t" + text for text in suffix) + "\n"

    def copy_text(self, cursor: Any, text: str) -> None:
        """COPY ready-made lines (varying columns, then `suffix`) with a raw psycopg2 cursor."""
        columns = ", ".join(quote(name) for name in self.columns)
        cursor.copy_expert(f"COPY {quote(self.table)} ({columns}) FROM STDIN", io.StringIO(text), size=1 << 20)


def database_fills(field: Field) -> bool:
    """Whether PostgreSQL gives a row this field's default when a COPY leaves the column out."""
    if field.db_default is not NOT_PROVIDED:
        return True
    return field.null and not field.has_default()
