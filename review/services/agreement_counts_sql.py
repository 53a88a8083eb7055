"""PostgreSQL: every item's value counts of a project built in one INSERT ... SELECT.

The Python build (review.services.agreement_counts._rebuild) decodes every annotation's
JSON and counts in a loop: about 146 s for 3M items. Here jsonb is already parsed, so the
server codes each value (the rules of agreement_counts.value_key, in SQL), groups by item and
key, and writes the item rows itself; Python then reads back only the distinct count vectors
(a handful) to sum the project's totals. Same rows, same totals (tests/test_agreement_counts.py
holds the two builds to each other).

value_key's rules: single, a string label among the schema's; rating, an integer point (JSON
3.0 is not one: in Python it decodes to a float) within the scale, keyed by its text; multi,
the schema's labels the value's list holds, in schema order, as Python's json.dumps writes
them (each label's text is encoded in Python and passed in, so the escapes match). An item
whose every value drops out still gets its row, with counts {}.
"""

from __future__ import annotations

import json

from django.db.models import Count

from labeling.db.executor import quote, run, table
from labeling.models import Annotation
from review.metrics.counts import Totals, totals_add
from review.metrics.inputs import SchemaSpec
from review.models import ItemAgreementCounts

INTEGER = "^-?[0-9]+$"


def _key_sql(spec: SchemaSpec) -> tuple[str, list[object]]:
    """The SQL expression of one annotation's value key (NULL when it drops out) and its params."""
    if spec.kind == "single":
        return (
            "CASE WHEN jsonb_typeof(a.value->'label') = 'string' "
            "AND (a.value->>'label') = ANY(%s::text[]) THEN a.value->>'label' END",
            [list(spec.labels)],
        )
    if spec.kind == "rating":
        if spec.scale is None:
            return "NULL::text", []
        return (
            "CASE WHEN jsonb_typeof(a.value->'rating') = 'number' AND (a.value->>'rating') ~ %s "
            "AND (a.value->>'rating')::numeric BETWEEN %s AND %s THEN a.value->>'rating' END",
            [INTEGER, spec.scale[0], spec.scale[1]],
        )
    chosen = (
        "SELECT string_agg(l.code, ', ' ORDER BY l.position) "
        "FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS l(name, code, position) "
        "WHERE a.value->'labels' ? l.name"
    )
    return (
        "CASE WHEN jsonb_typeof(a.value->'labels') = 'array' "
        f"THEN '[' || COALESCE(({chosen}), '') || ']' ELSE '[]' END",
        [list(spec.labels), [json.dumps(label) for label in spec.labels]],
    )


def item_counts_insert(project_id: int, spec: SchemaSpec) -> int:
    """Write every annotated item's counts row (the caller deleted the old ones); returns how many."""
    key, params = _key_sql(spec)
    sql = (
        f"INSERT INTO {table(ItemAgreementCounts)} ({quote('item_id')}, {quote('project_id')}, "  # noqa: S608 - names are ours
        f"{quote('counts')}) "
        "SELECT item_id, %s, COALESCE(jsonb_object_agg(k, n) FILTER (WHERE k IS NOT NULL), '{}'::jsonb) "
        f"FROM (SELECT a.item_id, {key} AS k, count(*) AS n FROM {table(Annotation)} a "
        "WHERE a.project_id = %s GROUP BY 1, 2) AS per_key GROUP BY item_id"
    )
    return run(sql, [project_id, *params, project_id])


def totals_from_items(project_id: int) -> Totals:
    """The project's sums from its item rows, one totals_add per distinct count vector."""
    totals: Totals = {}
    vectors = (
        ItemAgreementCounts.objects.filter(project_id=project_id)
        .values("counts")
        .annotate(times=Count("item_id"))
        .order_by()
    )
    for row in vectors:
        totals_add(totals, row["counts"], row["times"])
    return totals
