"""Add deltas to counter rows: one INSERT ... ON CONFLICT DO UPDATE SET n = n + delta.

Used by labeling.services.counts (labeling.ProjectCount) and by review's flag counters (each
app writes its own table through this one statement builder). Rows go in sorted order, so two
transactions that add to the same rows take their locks in the same order (no deadlock).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Model

from labeling.db.executor import quote, table

CHUNK = 500  # rows per statement


def counters_add(
    model: type[Model], key_columns: tuple[str, ...], deltas: Mapping[tuple[Any, ...], int]
) -> None:
    """Add each delta to the row {(key column values): delta} of `model`, creating it at 0.

    `key_columns` name the unique columns (e.g. project_id, shard, key), in the order of the
    deltas' keys; `model` has a unique constraint over them and a counter column `n`. Zero
    deltas are left out.
    """
    rows = sorted((key, delta) for key, delta in deltas.items() if delta)
    if not rows:
        return
    names = ", ".join(quote(name) for name in (*key_columns, "n"))
    conflict = ", ".join(quote(name) for name in key_columns)
    target = table(model)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            part = rows[start : start + CHUNK]
            row = "(" + ", ".join(["%s"] * (len(key_columns) + 1)) + ")"
            marks = ", ".join([row] * len(part))
            params = [value for key, delta in part for value in (*key, delta)]
            cursor.execute(
                f"INSERT INTO {target} ({names}) VALUES {marks}"  # noqa: S608 - quoted names, values bound
                f" ON CONFLICT ({conflict}) DO UPDATE SET {quote('n')} = {target}.{quote('n')} + excluded.{quote('n')}",
                params,
            )
