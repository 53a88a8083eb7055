"""PostgreSQL COPY in text format for a Django model: every concrete column, defaults filled.

Columns come from the model, so a column added later with a Django default is still written;
the values the importer sets are passed per row by attribute name.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import JSONField, Model

NULL = "\\N"


def copy_text(value: str) -> str:
    """Escape a value for COPY's text format (backslash, tab, newline, carriage return)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def copy_value(value: Any, *, is_json: bool) -> str:
    if value is None:
        return NULL
    if is_json:
        return copy_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return copy_text(value)
    return str(value)


class CopyTable:
    """Build COPY lines for `model`: `line({"attname": value, ...})` fills the rest with defaults."""

    def __init__(self, model: type[Model], *, now: datetime, with_id: bool = False) -> None:
        # Without ids the database numbers the rows (the id column is left out of the COPY).
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.table = model._meta.db_table
        self.attnames = [field.attname for field in fields]
        self.is_json = {field.attname: isinstance(field, JSONField) for field in fields}
        self.defaults: dict[str, str] = {}
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default: Any = now
            else:
                default = field.get_default()
            self.defaults[field.attname] = copy_value(default, is_json=self.is_json[field.attname])

    def line(self, values: dict[str, Any]) -> str:
        parts = []
        for name in self.attnames:
            if name in values:
                parts.append(copy_value(values[name], is_json=self.is_json[name]))
            else:
                parts.append(self.defaults[name])
        return "\t".join(parts)

    def copy(self, lines: Iterable[str]) -> None:
        """Send the lines with one COPY statement on the default connection."""
        buffer = io.StringIO()
        for line in lines:
            buffer.write(line)
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(name) for name in self.attnames)
        sql = f"COPY {connection.ops.quote_name(self.table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)


def ids_reserve(model: type[Model], count: int) -> list[int]:
    """Take `count` ids from the model's id sequence (PostgreSQL), so rows can be COPYed with ids."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]
