"""Re-import with "replace": unlabeled items with the same id get the file's data; labeled ones
make the import refuse (nothing changes)."""

from __future__ import annotations

import json

import pytest

from labeling.exceptions import ImportFailed
from labeling.models import AuditEntry, Item
from labeling.services.imports import import_file
from tests.factories import AnnotationFactory

pytestmark = pytest.mark.django_db


def _jsonl(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


def test_without_replace_a_known_id_is_an_error(project, tmp_path):
    import_file(project=project, path=_jsonl(tmp_path, "a.jsonl", [{"id": "x", "data": {"text": "old"}}]))
    with pytest.raises(ImportFailed):
        import_file(project=project, path=_jsonl(tmp_path, "b.jsonl", [{"id": "x", "data": {"text": "new"}}]))


def test_replace_gives_unlabeled_items_the_new_data_and_adds_new_ones(project, lead, tmp_path):
    import_file(project=project, path=_jsonl(tmp_path, "a.jsonl", [{"id": "x", "data": {"text": "old"}}]))
    lines = [{"id": "x", "data": {"text": "new"}, "gold": "positive"}, {"id": "y", "data": {"text": "more"}}]
    counts = import_file(project=project, path=_jsonl(tmp_path, "b.jsonl", lines), replace=True, actor=lead)
    assert counts.items == 2
    items = {item.external_id: item for item in Item.objects.filter(project=project)}
    assert items["x"].data == {"text": "new"}
    assert items["x"].gold_value == {"label": "positive"}
    assert set(items) == {"x", "y"}
    entry = AuditEntry.objects.get(project=project, action="items.replace")
    assert entry.before["external_ids"] == ["x"]


def test_replace_refuses_when_an_item_has_labels_and_changes_nothing(project, tmp_path):
    import_file(project=project, path=_jsonl(tmp_path, "a.jsonl", [{"id": "x", "data": {"text": "old"}}, {"id": "z", "data": {"text": "z"}}]))
    labeled = Item.objects.get(project=project, external_id="x")
    AnnotationFactory(item=labeled, project=project)
    Item.objects.filter(pk=labeled.pk).update(annotation_count=1)
    lines = [{"id": "x", "data": {"text": "new"}}, {"id": "z", "data": {"text": "new z"}}]
    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=_jsonl(tmp_path, "b.jsonl", lines), replace=True)
    assert "id x has annotations" in raised.value.details[0]["message"]
    assert dict(Item.objects.filter(project=project).values_list("external_id", "data")) == {
        "x": {"text": "old"}, "z": {"text": "z"},
    }


def test_a_failed_replace_import_restores_the_items_it_deleted(project, tmp_path):
    import_file(project=project, path=_jsonl(tmp_path, "a.jsonl", [{"id": "x", "data": {"text": "old"}}]))
    bad = [{"id": "x", "data": {"text": "new"}}, {"id": "y", "data": {"text": "t"}, "gold": "nope"}]
    with pytest.raises(ImportFailed):
        import_file(project=project, path=_jsonl(tmp_path, "b.jsonl", bad), replace=True)
    assert Item.objects.get(project=project, external_id="x").data == {"text": "old"}
