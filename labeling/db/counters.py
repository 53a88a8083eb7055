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

from labeling.db.executor import execute, quote, table

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


def submit_count(*, project_id: int, shard: int, item_id: int, day_key: str, counts: type[Model], items: type[Model]) -> None:
    """A submit's counter moves in one prepared statement: the item (whose row this transaction
    has just updated: annotation_count + 1) leaves its state with one annotation fewer for its
    state now, and the day gains an annotation. Keys as labeling.services.counts.state_key.
    """
    state = (
        f"'i:' || CASE WHEN i.{quote('final_value')} IS NULL THEN '0' ELSE '1' END"
        f" || ':' || COALESCE(i.{quote('target_overlap')}, 0) || ':' || "
    )
    count = f"i.{quote('annotation_count')}"
    target, n = table(counts), quote("n")
    sql = (
        f"INSERT INTO {target} ({quote('project_id')}, {quote('shard')}, {quote('key')}, {n})"  # noqa: S608 - quoted names, values bound
        f" SELECT %s, %s, moves.k, moves.d FROM ("
        f"SELECT {state}({count} - 1) AS k, -1 AS d FROM {table(items)} i WHERE i.id = %s"
        f" UNION ALL SELECT {state}{count}, 1 FROM {table(items)} i WHERE i.id = %s"
        f" UNION ALL SELECT %s, 1) moves WHERE true ORDER BY moves.k"
        f" ON CONFLICT ({quote('project_id')}, {quote('key')}, {quote('shard')})"
        f" DO UPDATE SET {n} = {target}.{n} + excluded.{n}"
    )
    with connection.cursor() as cursor:
        execute(cursor, sql, [project_id, shard, item_id, item_id, day_key])
