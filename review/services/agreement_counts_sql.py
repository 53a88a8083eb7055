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

The report statistics (review.metrics.report_stats) come from the same coded annotations: a
temporary table holds each annotation's key once; items per count vector from the item rows,
pair and per-annotator counts from two GROUP BYs, read back (a few thousand rows) and keyed in
Python as report_stats.contributions keys them. Also here: the per-submit upsert of their changes.
"""

from __future__ import annotations

import io
import json

import numpy as np
from django.db import connection
from django.db.models import Count, Model

from labeling.db.executor import copy_to_csv, quote, run, table
from labeling.models import Annotation
from review.metrics.counts import Totals, totals_add
from review.metrics.inputs import SchemaSpec
from review.metrics.report_stats import (
    HASH_MULTIPLIER,
    HASH_RANGE,
    PATTERN,
    SAMPLE_SEED,
    Delta,
    key_digest,
    pair_and_annotator_entries,
    pattern_key,
)
from review.models import ItemAgreementCounts, ProjectAgreementStat

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


KEYS = "accord_agreement_keys"  # temporary: one row per annotation, its value key
BUILD_WORK_MEM = "256MB"  # for this transaction only (SET LOCAL)


def keys_table(project_id: int, spec: SchemaSpec) -> None:
    """Code every annotation of the project once, into a temporary table the builds below read."""
    key, params = _key_sql(spec)
    # The groupings below sort or hash millions of rows: with the default work_mem (4 MB) they
    # spill to disk in dozens of batches (1M items: 4.8 s a grouping instead of about 1.5 s).
    run(f"SET LOCAL work_mem = '{BUILD_WORK_MEM}'", [])
    run(f"DROP TABLE IF EXISTS {KEYS}", [])
    run(
        f"CREATE TEMPORARY TABLE {KEYS} ON COMMIT DROP AS "  # noqa: S608 - names are ours
        f"SELECT a.item_id, a.annotator_id, {key} AS k FROM {table(Annotation)} a "
        "WHERE a.project_id = %s",
        [*params, project_id],
    )
    run(f"ANALYZE {KEYS}", [])


def keys_table_drop() -> None:
    """Drop the temporary table now (a second build in the same transaction makes it again)."""
    run(f"DROP TABLE IF EXISTS {KEYS}", [])


def item_counts_insert(project_id: int) -> int:
    """Write every annotated item's counts and labels ({key: annotator ids}) rows from the keys
    table, in one GROUP BY of item and key (the caller deleted the old rows); returns how many."""
    sql = (
        f"INSERT INTO {table(ItemAgreementCounts)} ({quote('item_id')}, {quote('project_id')}, "  # noqa: S608 - names are ours
        f"{quote('counts')}, {quote('labels')}, {quote('sample_hash')}) "
        "SELECT item_id, %s, "
        "COALESCE(jsonb_object_agg(k, n) FILTER (WHERE k IS NOT NULL), '{}'::jsonb), "
        "COALESCE(jsonb_object_agg(k, who) FILTER (WHERE k IS NOT NULL), '{}'::jsonb), "
        "(item_id::bigint * %s + %s) %% %s "
        "FROM (SELECT item_id, k, count(*) AS n, array_agg(annotator_id ORDER BY annotator_id) "
        f"AS who FROM {KEYS} GROUP BY 1, 2) AS per_key GROUP BY item_id"
    )
    return run(sql, [project_id, HASH_MULTIPLIER, SAMPLE_SEED, HASH_RANGE])


def totals_from_items(project_id: int) -> tuple[Totals, Delta]:
    """The project's sums from its item rows, one totals_add per distinct count vector, and
    the "pattern" statistics (items per distinct count vector)."""
    totals: Totals = {}
    patterns: Delta = {}
    vectors = (
        ItemAgreementCounts.objects.filter(project_id=project_id)
        .values("counts")
        .annotate(times=Count("item_id"))
        .order_by()
    )
    for row in vectors:
        totals_add(totals, row["counts"], row["times"])
        if row["counts"]:
            patterns[(PATTERN, pattern_key(row["counts"]))] = row["times"]
    return totals, patterns


def stat_rows() -> Delta:
    """The "pair" and "annotator" statistics (review.metrics.report_stats) from the keys table:
    its counted rows stream out as integers (COPY; the key as its place among the distinct keys)
    and numpy groups them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT k FROM {KEYS} WHERE k IS NOT NULL")  # noqa: S608 - ours
        keys = sorted(row[0] for row in cursor.fetchall())
    buffer = io.StringIO()
    copy_to_csv(
        f"SELECT item_id, annotator_id, array_position(%s::text[], k) - 1 FROM {KEYS} "  # noqa: S608 - ours
        "WHERE k IS NOT NULL",
        [keys],
        buffer,
    )
    text = buffer.getvalue().replace("\n", ",").rstrip(",")
    flat = np.fromstring(text, dtype=np.int64, sep=",") if text else np.zeros(0, np.int64)
    rows = flat.reshape(-1, 3)
    return pair_and_annotator_entries(rows[:, 0], rows[:, 1], rows[:, 2], keys)


def analyze(model: type[Model]) -> None:
    """Refresh the planner's statistics of the model's table (a sample of its rows)."""
    run(f"ANALYZE {table(model)}", [])


def stats_add(project_id: int, delta: Delta) -> None:
    """Add each change of ``delta`` to the project's statistics in one upsert (PostgreSQL and
    SQLite both speak ON CONFLICT); the caller holds the project's sums row lock."""
    if not delta:
        return
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(delta))
    name = table(ProjectAgreementStat)
    sql = (
        f"INSERT INTO {name} ({quote('project_id')}, {quote('kind')}, {quote('key')}, "  # noqa: S608 - names are ours
        f"{quote('digest')}, {quote('n')}) VALUES {rows} "
        f"ON CONFLICT ({quote('project_id')}, {quote('kind')}, {quote('digest')}) "
        f"DO UPDATE SET {quote('n')} = {name}.{quote('n')} + EXCLUDED.{quote('n')}"
    )
    params: list[object] = []
    for (kind, key), n in delta.items():
        params += [project_id, kind, key, key_digest(key), n]
    run(sql, params)
