"""PostgreSQL: the parts of spans and boxes values taken apart in SQL and streamed with COPY.

Decoding 100,000 JSON values in Python costs about a second (floats are slow to parse);
PostgreSQL's jsonb is already parsed, so the parts leave the server as numeric CSV columns.
The checks are those of labeling.values: a part is an object with a string label among the
schema's and number coordinates; span offsets must be integers (a JSON 3.0 is not one, as in
Python, where it decodes to a float).
"""

from __future__ import annotations

import io

import numpy as np
from django.db import connection

from labeling.models import Annotation

PART_FIELDS = {"spans": ("start", "end"), "boxes": ("x", "y", "width", "height")}
INTEGER = "^-?[0-9]+$"


def _part_sql(kind: str) -> str:
    """SELECT item_id, annotator_id, *coordinates, label code of each valid part, in value order."""
    fields = PART_FIELDS[kind]
    cast = "bigint" if kind == "spans" else "float8"
    columns = ", ".join(f"(p->>'{field}')::{cast}" for field in fields)
    checks = " AND ".join(f"jsonb_typeof(p->'{field}') = 'number'" for field in fields)
    if kind == "spans":
        checks += "".join(f" AND (p->>'{field}') ~ %(integer)s" for field in fields)
    table = connection.ops.quote_name(Annotation._meta.db_table)
    return (
        f"SELECT a.item_id, a.annotator_id, {columns}, "  # noqa: S608 - names are ours
        "array_position(%(labels)s::text[], p->>'label') - 1 "
        f"FROM {table} a CROSS JOIN LATERAL jsonb_array_elements("
        "CASE WHEN jsonb_typeof(a.value->%(key)s) = 'array' THEN a.value->%(key)s "
        "ELSE '[]'::jsonb END) WITH ORDINALITY AS e(p, position) "
        "WHERE a.project_id = %(project)s AND jsonb_typeof(p) = 'object' "
        "AND jsonb_typeof(p->'label') = 'string' "
        f"AND array_position(%(labels)s::text[], p->>'label') IS NOT NULL AND {checks} "
        "ORDER BY a.item_id, a.annotator_id, e.position"  # the order the Python path reads
    )


def part_columns(project_id: int, kind: str, labels: list[str]) -> np.ndarray:
    """(item_id, annotator_id, *coordinates, code) per valid part, as float64 (n, 3 + fields)."""
    params = {"labels": labels, "key": kind, "project": project_id, "integer": INTEGER}
    width = 3 + len(PART_FIELDS[kind])
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        statement = cursor.mogrify(_part_sql(kind), params).decode()
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", buffer)
    if not buffer.tell():
        return np.zeros((0, width))
    buffer.seek(0)
    return np.loadtxt(buffer, delimiter=",", dtype=np.float64, ndmin=2)
