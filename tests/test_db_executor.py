"""labeling.db.executor: hand-written reads and writes, prepared once per connection on PostgreSQL."""

from __future__ import annotations

import io

import pytest
from django.db import connection, transaction

from labeling.db import executor
from labeling.models import Item
from tests.conftest import require_service
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def items_sql(tail: str) -> str:
    return f"SELECT {executor.columns(Item, 'i')} FROM labeling_item i WHERE i.project_id = %s {tail}"  # noqa: S608


def postgres_required():
    require_service(connection.vendor == "postgresql", "prepared statements are PostgreSQL's")


def prepared_texts():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'accord_%%'")
        return [row[0] for row in cursor.fetchall()]


def test_placeholders_are_numbered_in_order_and_percent_signs_unescaped():
    sql = "SELECT %s, x LIKE 'a%%' FROM t WHERE a = %s AND b = ANY(%s)"
    assert executor._numbered(sql) == "SELECT $1, x LIKE 'a%' FROM t WHERE a = $2 AND b = ANY($3)"


def test_fetch_reads_the_same_rows_as_the_orm(project):
    items = [ItemFactory(project=project) for _ in range(3)]
    sql = items_sql("ORDER BY i.id")
    fetched = executor.fetch_all(sql, [project.pk], Item)
    assert [(item.pk, item.external_id, item.data) for item in fetched] == [
        (item.pk, item.external_id, item.data) for item in items
    ]
    one = executor.fetch_one(sql, [project.pk], [Item])
    assert one is not None
    assert one[0].pk == items[0].pk


def test_built_instances_equal_the_orms_field_by_field_and_save_like_them(project):
    item = ItemFactory(project=project, data={"text": "ä <b>"}, image="projects/1/images/a.png", width=3)
    fetched = executor.fetch_one(items_sql("ORDER BY i.id"), [project.pk], [Item])[0]
    orm = Item.objects.get(pk=item.pk)
    for field in Item._meta.concrete_fields:
        assert getattr(fetched, field.attname) == getattr(orm, field.attname), field.name
    assert fetched.image.name == "projects/1/images/a.png"
    assert (fetched._state.adding, fetched._state.db) == (False, "default")
    fetched.external_id = "renamed"
    fetched.save(update_fields=["external_id"])
    assert Item.objects.get(pk=item.pk).external_id == "renamed"
    assert Item.objects.count() == 1


@pytest.mark.postgres
def test_a_statement_is_prepared_once_per_connection(project):
    postgres_required()
    ItemFactory(project=project)
    sql = items_sql("AND i.id <> %s")
    for _ in range(3):
        assert executor.fetch_one(sql, [project.pk, 0], [Item]) is not None
    texts = prepared_texts()
    assert texts.count(f"PREPARE {executor._prepared[connection.connection][sql]} AS {executor._numbered(sql)}") == 1


@pytest.mark.postgres
def test_the_setting_turns_preparing_off(project, settings):
    postgres_required()
    settings.DB_PREPARED_STATEMENTS = False
    ItemFactory(project=project)
    sql = items_sql("AND 3 = 3")
    assert executor.fetch_one(sql, [project.pk], [Item]) is not None
    assert not any("3 = 3" in text for text in prepared_texts())


@pytest.mark.postgres
def test_a_rolled_back_transaction_keeps_the_prepared_statement(project):
    postgres_required()
    ItemFactory(project=project)
    sql = items_sql("AND 4 = 4")
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT before_prepare")
        executor.fetch_one(sql, [project.pk], [Item])
        cursor.execute("ROLLBACK TO SAVEPOINT before_prepare")
    assert executor.fetch_one(sql, [project.pk], [Item]) is not None


@pytest.mark.postgres
def test_copy_settings_hold_for_the_copy_only_even_inside_a_transaction(project):
    postgres_required()
    ItemFactory(project=project)
    buffer = io.StringIO()
    sql = "SELECT current_setting('enable_hashjoin'), current_setting('jit') FROM labeling_item WHERE project_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        executor.copy_to_csv(sql, [project.pk], buffer, local_settings=executor.BY_INDEX)
        cursor.execute("SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')")
        after = cursor.fetchone()
    assert buffer.getvalue().strip() == "off,off"
    assert after == ("on", "on")
