"""The one-pass import (check and COPY together): a late problem still leaves nothing behind.

Batches are made tiny so that many of them are written before the bad line is read. These
run on both databases (SQLite takes the two-pass path, which must behave the same); the
tests of the PostgreSQL-only machinery (trigger bypass, its checks, settings) skip elsewhere.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from labeling.exceptions import ImportFailed
from labeling.importers.load import fk_checks
from labeling.importers.load.copy_table import copy_text, json_text
from labeling.importers.load.transaction_settings import setting_try
from labeling.models import Annotation, Item, Membership
from labeling.services.imports import import_file
from tests.conftest import require_service
from tests.factories import ItemFactory
from tests.factories_import import item_line, jsonl_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["forked", "in-process"])
def tiny_batches(request, monkeypatch):
    """Tiny batches, parsed in a forked child (as large files are) or in this process."""
    monkeypatch.setattr("labeling.importers.load.copy_producer.BATCH_ITEMS", 3)
    monkeypatch.setattr("labeling.importers.load.copy.FORK_MIN_BYTES", 0 if request.param == "forked" else 1 << 40)


def postgres_only():
    require_service(connection.vendor == "postgresql", "the one-pass machinery is PostgreSQL's")


def many_lines(count, **annotations):
    return [item_line(f"i{n}", f"text {n}", **annotations) for n in range(count)]


def test_a_bad_line_after_many_written_batches_leaves_nothing_behind(project, tmp_path):
    lines = many_lines(40, newcomer="positive")
    lines[37] = item_line("i37", newcomer="not-a-label")
    path = jsonl_write(tmp_path / "i.jsonl", lines)

    with pytest.raises(ImportFailed) as failure:
        import_file(project=project, path=path)

    assert failure.value.details == [
        {"line": 38, "message": "item i37: annotation by newcomer: label 'not-a-label' is not in the schema (negative, neutral, positive)"}
    ]
    assert (Item.objects.count(), Annotation.objects.count()) == (0, 0)
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert not Membership.objects.filter(project=project).exists()


def test_every_problem_after_the_first_is_still_reported(project, tmp_path):
    ItemFactory(project=project, external_id="i30")
    lines = many_lines(40)
    lines[5] = "{oops"
    lines[20] = item_line("i3")
    path = jsonl_write(tmp_path / "i.jsonl", lines)

    with pytest.raises(ImportFailed) as failure:
        import_file(project=project, path=path)

    assert [error["line"] for error in failure.value.details] == [6, 21, 31]
    assert "already exists in the project" in failure.value.details[2]["message"]
    assert list(Item.objects.values_list("external_id", flat=True)) == ["i30"]


def test_a_clean_import_in_many_batches_writes_every_row_once(project, tmp_path):
    path = jsonl_write(tmp_path / "i.jsonl", many_lines(10, alice="positive", bob="negative"))

    counts = import_file(project=project, path=path)

    assert (counts.items, counts.annotations, counts.annotators) == (10, 20, 2)
    items = dict(Item.objects.values_list("external_id", "annotation_count"))
    assert items == {f"i{n}": 2 for n in range(10)}
    assert sorted(Annotation.objects.filter(annotator__username="bob").values_list("item__external_id", flat=True)) == sorted(items)


@pytest.mark.postgres
def test_import_without_the_trigger_privilege_checks_keys_per_row(project, tmp_path, monkeypatch):
    postgres_only()
    monkeypatch.setattr(fk_checks, "setting_try", lambda cursor, statement: False)
    path = jsonl_write(tmp_path / "i.jsonl", many_lines(7, alice="positive"))

    counts = import_file(project=project, path=path)

    assert (counts.items, counts.annotations) == (7, 7)


@pytest.mark.postgres
def test_a_refused_setting_leaves_the_transaction_usable(db):
    postgres_only()
    with transaction.atomic(), connection.cursor() as cursor:
        assert setting_try(cursor, "SET LOCAL wal_compression = bogus") is False
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.postgres
def test_reference_check_refuses_annotators_that_do_not_exist(project):
    postgres_only()
    with transaction.atomic(), connection.cursor() as cursor, pytest.raises(DatabaseError, match="deleted during the import"):
        fk_checks.references_check(cursor, user_ids={987654321})


@pytest.mark.parametrize(
    "value",
    [{"text": "tab\there\nnew\rline \\N back\\slash \"q\" ü \u2028 \x01"}, {"a": [1, 2.5, None, True]}, {"nested": {"k": "v"}}, "plain"],
)
def test_json_copy_text_is_the_compact_json_escaped_for_copy(value):
    expected = copy_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    assert json_text(value) == expected


def test_columns_an_import_leaves_to_the_database_get_the_orms_defaults(project, tmp_path, annotator):
    """COPY leaves out columns with a db_default or a NULL default; they must match what the ORM writes."""
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("copied", "text", alice="positive")])
    import_file(project=project, path=path)
    copied = Item.objects.get(external_id="copied")
    made = Item.objects.create(project=project, external_id="made", data={"text": "text"}, annotation_count=1)
    label = Annotation.objects.get(item=copied)
    written = Annotation.objects.create(project=project, item=made, annotator=annotator, value=label.value, created_at=label.created_at)

    varying = {"id", "external_id", "image", "width", "height", "created_at", "updated_at", "item", "annotator", "lead_time_ms"}
    varying |= {"recompute_pending", "recompute_pending_since"}  # set by the import: labeled items
    for first, second in ((copied, made), (label, written)):
        fields = [field.attname for field in type(first)._meta.concrete_fields if field.name not in varying]
        assert [getattr(first, name) for name in fields] == [getattr(second, name) for name in fields], type(first).__name__
    assert copied.created_at is not None
    assert label.updated_at is not None


def test_a_copy_leaves_out_only_columns_the_database_fills(db):
    from labeling.importers.load.copy_lines import copy_tables
    from labeling.importers.load.copy_table import database_fills

    tables = copy_tables(1, timezone.now())
    items = {field.attname: field for field in Item._meta.concrete_fields}

    left_out = set(items) - set(tables["items"].columns)
    assert left_out >= {"created_at", "round", "final_value"}
    assert all(database_fills(items[name]) for name in left_out - {"id"})
    # Gold answers come with the import (a "gold" key or column), so the COPY writes them.
    assert {"project_id", "reopened_for", "is_gold", "gold_value"} <= set(tables["items"].columns)
