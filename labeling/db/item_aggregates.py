"""Write many items' aggregate columns at once (the mechanics behind items_aggregates_set).

Django's bulk_update builds one CASE per column per batch, which PostgreSQL
plans slowly for JSON columns (about 6 minutes for 250,000 items). There we
send UPDATE ... FROM (VALUES ...) pages instead; other databases use bulk_update.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

from labeling.models import Item

AGGREGATE_FIELDS = ("aggregate_value", "aggregate_confidence", "aggregate_method", "agreement")
PAGE_SIZE = 5000


def _postgres_update(rows: Sequence[tuple[int, tuple[Any, ...]]]) -> None:
    """One UPDATE ... FROM (VALUES ...) per page of rows (psycopg2 execute_values)."""
    from psycopg2.extras import execute_values

    meta, quote = Item._meta, connection.ops.quote_name
    columns = [quote(meta.get_field(name).column) for name in AGGREGATE_FIELDS]
    assignments = ", ".join(f"{c} = v.{c}" for c in columns)
    table = quote(meta.db_table)
    # Identifiers are the model's, quoted; every value is a bound parameter.
    statement = (
        f"UPDATE {table} AS i SET {assignments} "  # noqa: S608
        f"FROM (VALUES %s) AS v(id, {', '.join(columns)}) WHERE i.id = v.id"
    )
    template = "(%s, %s::jsonb, %s::double precision, %s, %s::double precision)"
    lock = f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE"  # noqa: S608
    values = [
        (pk, None if value is None else json.dumps(value), confidence, method, agreement)
        for pk, (value, confidence, method, agreement) in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), PAGE_SIZE):
            page = values[start : start + PAGE_SIZE]
            # Lock in pk order first: UPDATE ... FROM locks rows in join order, and two
            # concurrent project runs locking in different orders deadlock.
            cursor.execute(lock, [[row[0] for row in page]])
            execute_values(cursor.cursor, statement, page, template=template, page_size=PAGE_SIZE)


def _sqlite_update(names: Sequence[str], rows: Sequence[tuple[int, tuple[Any, ...]]]) -> None:
    """One plain UPDATE ... WHERE id = ? per row (executemany): each an index lookup.

    bulk_update's CASE over hundreds of ids held SQLite's one write lock for seconds per page
    (3.3 s for 500 aggregates), stalling every submit meanwhile; this takes milliseconds.
    """
    meta = Item._meta
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{field.column} = %s" for field in fields)
    statement = f"UPDATE {meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608 - model metadata
    params = [
        [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]
        + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, params)


def aggregates_write(rows: Sequence[tuple[int, tuple[Any, ...]]]) -> None:
    """Set AGGREGATE_FIELDS for each (item id, values) pair; call inside a transaction.

    Rows are written (and locked) in ascending pk order, like every other multi-row lock in
    Accord, so concurrent runs cannot deadlock. One row is one plain UPDATE (the per-submit
    recompute path).
    """
    if not rows:
        return
    if len(rows) == 1:
        pk, values = rows[0]
        Item.objects.filter(pk=pk).update(**dict(zip(AGGREGATE_FIELDS, values, strict=True)))
        return
    rows = sorted(rows, key=lambda row: row[0])
    if connection.vendor == "postgresql":
        _postgres_update(rows)
        return
    if connection.vendor == "sqlite":
        _sqlite_update(AGGREGATE_FIELDS, rows)
        return
    fields = AGGREGATE_FIELDS
    objects = [Item(pk=pk, **dict(zip(fields, values, strict=True))) for pk, values in rows]
    Item.objects.bulk_update(objects, fields, batch_size=PAGE_SIZE)


def p_wrong_write(rows: Sequence[tuple[int, float | None]]) -> int:
    """Set Item.p_wrong for each (item id, value) pair, in pk order; call inside a transaction.

    Values are one float column, so bulk_update's CASE is cheap on every database. Returns
    how many rows it wrote.
    """
    rows = sorted(rows, key=lambda row: row[0])
    if connection.vendor == "sqlite":
        _sqlite_update(["p_wrong"], [(pk, (value,)) for pk, value in rows])
        return len(rows)
    objects = [Item(pk=pk, p_wrong=value) for pk, value in rows]
    Item.objects.bulk_update(objects, ["p_wrong"], batch_size=PAGE_SIZE)
    return len(objects)
