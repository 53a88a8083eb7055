"""Lead services: settings edits, label renames that keep every stored value consistent, gold."""

from __future__ import annotations

import copy

import pytest

from labeling.exceptions import SchemaError, ValueInvalid
from labeling.models import AuditEntry, Item, Project
from labeling.services import gold_clear, gold_set, project_settings_update
from labeling.services.schema_edit import value_rename
from tests.factories import SINGLE_SCHEMA, AnnotationFactory, ItemFactory, PredictionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The persona fixtures hash passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _update(project, schema, actor=None, renames=None, **overrides):
    fields = {
        "name": project.name, "description": project.description, "ordering": project.ordering,
        "lease_minutes": project.lease_minutes, "gold_rate": project.gold_rate,
    }
    fields.update(overrides)
    return project_settings_update(
        project=project, actor=actor, schema=schema, renames=renames, **fields
    )


def _renamed_schema(old, new):
    schema = copy.deepcopy(SINGLE_SCHEMA)
    for label in schema["labels"]:
        if label["value"] == old:
            label["value"] = new
    return schema


def test_renaming_a_label_rewrites_annotations_predictions_aggregates_finals_and_gold(
    project, lead, annotators
):
    item = ItemFactory(
        project=project, aggregate_value={"label": "positive"}, final_value={"label": "positive"},
        is_gold=True, gold_value={"label": "positive"},
    )
    kept = AnnotationFactory(item=item, annotator=annotators[0], value={"label": "negative"})
    renamed = AnnotationFactory(item=item, annotator=annotators[1], value={"label": "positive"})
    prediction = PredictionFactory(item=item, value={"label": "positive"})
    _update(project, _renamed_schema("positive", "favourable"), lead, {"positive": "favourable"})
    item.refresh_from_db()
    renamed.refresh_from_db()
    kept.refresh_from_db()
    prediction.refresh_from_db()
    assert renamed.value == {"label": "favourable"}
    assert kept.value == {"label": "negative"}
    assert prediction.value == {"label": "favourable"}
    assert item.aggregate_value == item.final_value == item.gold_value == {"label": "favourable"}
    project.refresh_from_db()
    assert [label["value"] for label in project.schema["labels"]] == ["favourable", "negative", "neutral"]
    entry = AuditEntry.objects.get(action="project.settings_update")
    assert entry.after["renames"] == {"positive": "favourable"}


def test_a_label_in_use_cannot_be_dropped_and_nothing_changes(project, lead):
    item = ItemFactory(project=project)
    annotation = AnnotationFactory(item=item, value={"label": "neutral"})
    schema = copy.deepcopy(SINGLE_SCHEMA)
    schema["labels"] = schema["labels"][:2]
    with pytest.raises(SchemaError) as raised:
        _update(project, schema, lead, name="Changed name")
    assert raised.value.details == {"field": "labels"}
    assert Project.objects.get(pk=project.pk).name == project.name
    annotation.refresh_from_db()
    assert annotation.value == {"label": "neutral"}


def test_before_any_label_exists_labels_can_be_removed_and_the_kind_changed(project, lead):
    ItemFactory(project=project)
    schema = {"kind": "multi", "data": "text", "labels": [{"value": "a"}, {"value": "b"}]}
    updated = _update(project, schema, lead)
    assert updated.kind == "multi"
    assert updated.overlap == 3


def test_the_kind_cannot_change_once_annotations_exist(project, lead):
    AnnotationFactory(item=ItemFactory(project=project))
    schema = {**copy.deepcopy(SINGLE_SCHEMA), "kind": "multi"}
    with pytest.raises(SchemaError) as raised:
        _update(project, schema, lead)
    assert raised.value.details == {"field": "kind"}


def test_invalid_schema_errors_name_the_form_field(project, lead):
    schema = copy.deepcopy(SINGLE_SCHEMA)
    schema["settings"] = {"overlap": 0}
    with pytest.raises(SchemaError) as raised:
        _update(project, schema, lead)
    assert raised.value.details["field"] == "overlap"
    with pytest.raises(SchemaError) as raised:
        _update(project, copy.deepcopy(SINGLE_SCHEMA), lead, gold_rate=1.5)
    assert raised.value.details["field"] == "gold_rate"
    assert "gold_rate" in raised.value.details["fields"]


def test_overlap_and_settings_follow_the_schema(project, lead):
    schema = copy.deepcopy(SINGLE_SCHEMA)
    schema["settings"] = {"overlap": 5, "flags": {"low_agreement": {"threshold": 0.4}}}
    updated = _update(project, schema, lead, lease_minutes=45, gold_rate=0.1)
    assert (updated.overlap, updated.lease_minutes, updated.gold_rate) == (5, 45, 0.1)
    assert updated.settings["flags"] == {"low_agreement": {"threshold": 0.4}}


def test_value_rename_handles_every_kind():
    renames = {"a": "z"}
    assert value_rename("multi", {"labels": ["a", "b"]}, renames) == {"labels": ["z", "b"]}
    spans = {"spans": [{"start": 0, "end": 2, "label": "a"}]}
    assert value_rename("spans", spans, renames)["spans"][0]["label"] == "z"
    boxes = {"boxes": [{"x": 0, "y": 0, "width": 1, "height": 1, "label": "b"}]}
    assert value_rename("boxes", boxes, renames) == boxes
    assert value_rename("rating", {"rating": 3}, renames) == {"rating": 3}


def test_gold_marking_validates_the_answer_and_is_audited(project, lead):
    item = ItemFactory(project=project)
    with pytest.raises(ValueInvalid):
        gold_set(item=item, value={"label": "nonsense"}, actor=lead)
    assert Item.objects.get(pk=item.pk).is_gold is False
    gold_set(item=item, value={"label": "negative"}, actor=lead)
    item.refresh_from_db()
    assert (item.is_gold, item.gold_value) == (True, {"label": "negative"})
    gold_clear(item=item, actor=lead)
    item.refresh_from_db()
    assert (item.is_gold, item.gold_value) == (False, None)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["item.gold_set", "item.gold_clear"]
