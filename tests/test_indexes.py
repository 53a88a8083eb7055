"""Indexes: every foreign key stays findable, and no index repeats another's leading columns.

Deleting a referenced row (a project, an item, a user) looks its children up by the foreign
key, through an index whose first column is that key. A single-column index is redundant
when a full (not partial) index starts with the same column: it only costs writes, which a
bulk import pays once per row.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import require_service

pytestmark = pytest.mark.django_db

APPS = ("labeling", "review", "guidelines")

_PG_INDEXES = """
SELECT t.relname, i.relname, ix.indisunique, ix.indpred IS NOT NULL,
       array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_namespace ns ON ns.oid = t.relnamespace
WHERE ns.nspname = current_schema() AND t.relname = ANY(%s)
"""


def foreign_keys() -> list[tuple[str, str]]:
    """(table, column) of every foreign key of the project's own apps."""
    found = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if field.is_relation:
                    found.append((model._meta.db_table, field.column))
    return found


def leading_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        c["columns"][0]
        for c in constraints.values()
        if (c["index"] or c["unique"] or c.get("primary_key")) and c["columns"]  # a primary key is indexed
    }


def test_every_foreign_key_leads_some_index():
    # given the migrated schema, when listing each table's indexes
    keys = foreign_keys()
    # then each foreign key column is the first column of one of them
    assert ("labeling_annotation", "item_id") in keys
    missing = [(table, column) for table, column in keys if column not in leading_columns(table)]
    assert missing == []


@pytest.mark.postgres
def test_foreign_key_lookups_of_a_delete_use_an_index_on_postgres():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (EXPLAIN)")
    # given sequential scans priced out, so any usable index wins
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        slow = []
        for table, column in foreign_keys():
            # when planning the lookup a cascade or SET NULL runs for one referenced row
            cursor.execute(f'EXPLAIN SELECT 1 FROM "{table}" WHERE "{column}" = %s', [1])  # noqa: S608
            plan = "\n".join(row[0] for row in cursor.fetchall())
            if "Seq Scan" in plan:
                slow.append((table, column))
    # then none scans the table (partial IS NOT NULL indexes qualify for an equality)
    assert slow == []


@pytest.mark.postgres
def test_no_index_repeats_the_leading_columns_of_a_full_index_on_postgres():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (pg_index)")
    tables = [model._meta.db_table for model in apps.get_app_config("labeling").get_models()]
    # given every index of labeling's tables (the ones an import writes), columns and partial
    with connection.cursor() as cursor:
        cursor.execute(_PG_INDEXES, [tables])
        indexes = cursor.fetchall()
    assert any(name == "annotation_unique_annotator" for _, name, *_ in indexes)
    # when looking for a plain index whose columns start a longer full index of its table
    redundant = [
        (name, other)
        for table, name, unique, partial, columns in indexes
        if not unique and not partial
        for other_table, other, _, other_partial, other_columns in indexes
        if other_table == table
        and other != name
        and not other_partial
        and len(other_columns) > len(columns)
        and other_columns[: len(columns)] == columns
    ]
    # then there is none
    assert redundant == []


@pytest.mark.postgres
def test_mostly_null_foreign_keys_have_only_partial_indexes_on_postgres():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (pg_index)")
    # given the two foreign keys an import leaves NULL on every row
    wanted = {("labeling_item", "final_reviewer_id"), ("labeling_annotation", "assignment_id")}
    with connection.cursor() as cursor:
        cursor.execute(_PG_INDEXES, [["labeling_item", "labeling_annotation"]])
        indexes = cursor.fetchall()
    # when listing the indexes that start with them
    leading = {(name, partial) for table, name, _, partial, columns in indexes if (table, columns[0]) in wanted}
    # then each has one, and it is partial (the NULLs are not indexed)
    assert leading == {("item_final_reviewer_idx", True), ("annotation_assignment_idx", True)}


@pytest.mark.postgres
def test_external_id_exact_and_prefix_lookups_use_the_unique_index_on_postgres(project):
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (EXPLAIN)")
    from labeling.models import Item

    # given a project of 3,000 items with fresh statistics
    Item.objects.bulk_create(Item(project=project, external_id=f"doc-{n}") for n in range(3000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE labeling_item")
    plans = []
    for lookup in ({"external_id": "doc-1"}, {"external_id__startswith": "doc-12"}):
        # when planning the items API's search (exact, then prefix) in the project
        plans.append(Item.objects.filter(project=project, **lookup).order_by("id")[:50].explain())
    # then the exact match walks an index led by (project, external_id): the unique one or the
    # browser's sort index, and neither scans the table. The prefix is a cost choice: the
    # pattern-ops range on item_unique_external_id, or the id order with a LIMIT when the
    # planner expects matches early (both seen on the same data).
    assert any(name in plans[0] for name in ("item_unique_external_id", "item_external_id_sort_idx"))
    assert not any("Seq Scan" in plan for plan in plans), plans
