"""Label Studio JSON export: tasks in the documented shape for every schema kind.

The shape checked is the one in Label Studio's "Label Studio JSON format of annotated tasks"
(labelstud.io/guide/task_format): tasks with id and data, annotations with completed_by and a
result list of regions {id, from_name, to_name, type, value}, predictions with model_version,
score and result; rectangle regions in percent of original_width/original_height.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from labeling.services.exports import export_stream
from tests.factories import (
    RATING_SCHEMA,
    AnnotationFactory,
    ItemFactory,
    PredictionFactory,
    ProjectFactory,
    UserFactory,
)
from tests.factories_export import BOXES_SCHEMA, SPANS_SCHEMA

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
MULTI_SCHEMA = {"kind": "multi", "data": "text", "labels": [{"value": "a"}, {"value": "b"}]}
REGION_KEYS = {"id", "from_name", "to_name", "type", "value", "origin"}


def tasks_of(project, include="all"):
    return json.loads("".join(export_stream(project=project, fmt="label_studio", include=include)))


def assert_documented_shape(task):
    """Keys and types Label Studio's task format documents (extra keys are allowed)."""
    assert isinstance(task["id"], int)
    assert isinstance(task["data"], dict)
    for annotation in task["annotations"]:
        assert isinstance(annotation["completed_by"]["id"], int)
        assert annotation["was_cancelled"] is False
        assert isinstance(annotation["ground_truth"], bool)
        assert all(set(region) >= REGION_KEYS for region in annotation["result"])
    for prediction in task["predictions"]:
        assert {"model_version", "score", "result"} <= set(prediction)
        assert all(set(region) >= REGION_KEYS for region in prediction["result"])


def test_single_label_task_has_annotations_with_choices_and_predictions(project):
    alice = UserFactory(username="alice", email="alice@example.org")
    item = ItemFactory(project=project, external_id="e1", data={"text": "good"})
    note = AnnotationFactory(item=item, annotator=alice, value={"label": "positive"}, created_at=WHEN, lead_time_ms=1500)
    guess = PredictionFactory(item=item, model_version="m1", value={"label": "negative"}, score=0.8)

    (task,) = tasks_of(project)

    assert_documented_shape(task)
    assert (task["id"], task["data"], task["meta"]) == (item.pk, {"text": "good"}, {"external_id": "e1"})
    assert task["annotations"] == [{
        "id": note.pk,
        "completed_by": {"id": alice.pk, "email": "alice@example.org", "username": "alice"},
        "result": [{"id": f"a{note.pk}-0", "from_name": "choice", "to_name": "text", "type": "choices",
                    "value": {"choices": ["positive"]}, "origin": "manual"}],
        "was_cancelled": False, "ground_truth": False, "created_at": "2024-05-01T12:30:00+00:00", "lead_time": 1.5,
    }]  # fmt: skip
    assert task["predictions"] == [{"model_version": "m1", "score": 0.8, "result": [{
        "id": f"p{guess.pk}-0", "from_name": "choice", "to_name": "text", "type": "choices",
        "value": {"choices": ["negative"]}, "origin": "manual"}]}]  # fmt: skip


def test_multi_and_rating_values_become_choices_and_rating_regions():
    multi = ProjectFactory(schema=MULTI_SCHEMA)
    AnnotationFactory(item=ItemFactory(project=multi), value={"labels": ["b", "a"]})
    AnnotationFactory(item=ItemFactory(project=multi), value={"labels": []})
    rating = ProjectFactory(schema=RATING_SCHEMA)
    AnnotationFactory(item=ItemFactory(project=rating), value={"rating": 4})

    first, empty = tasks_of(multi)
    (rated,) = tasks_of(rating)

    assert first["annotations"][0]["result"][0]["value"] == {"choices": ["a", "b"]}
    assert empty["annotations"][0]["result"] == []
    region = rated["annotations"][0]["result"][0]
    assert (region["type"], region["from_name"], region["value"]) == ("rating", "rating", {"rating": 4})


def test_spans_become_labels_regions_with_their_text():
    project = ProjectFactory(schema=SPANS_SCHEMA)
    item = ItemFactory(project=project, data={"text": "Ann met Bo"})
    AnnotationFactory(item=item, value={"spans": [{"start": 8, "end": 10, "label": "PER"}, {"start": 0, "end": 3, "label": "PER"}]})

    (task,) = tasks_of(project)

    assert_documented_shape(task)
    assert [(r["type"], r["to_name"], r["value"]) for r in task["annotations"][0]["result"]] == [
        ("labels", "text", {"start": 0, "end": 3, "text": "Ann", "labels": ["PER"]}),
        ("labels", "text", {"start": 8, "end": 10, "text": "Bo", "labels": ["PER"]}),
    ]


def test_boxes_become_rectanglelabels_in_percent_of_the_original_size():
    project = ProjectFactory(schema=BOXES_SCHEMA)
    item = ItemFactory(project=project, data={"image": "a.jpg"}, width=200, height=400)
    AnnotationFactory(item=item, value={"boxes": [{"x": 20, "y": 100, "width": 50, "height": 40, "label": "car"}]})
    ItemFactory(project=project, data={"image": "nosize.jpg"}, aggregate_value={"boxes": []})

    task, unsized = tasks_of(project)

    assert_documented_shape(task)
    region = task["annotations"][0]["result"][0]
    assert (region["type"], region["from_name"], region["to_name"]) == ("rectanglelabels", "label", "image")
    assert region["value"] == {"x": 10.0, "y": 25.0, "width": 25.0, "height": 10.0, "rotation": 0, "rectanglelabels": ["car"]}
    assert (region["original_width"], region["original_height"], region["image_rotation"]) == (200, 400, 0)
    assert unsized["annotations"] == []


def test_include_final_writes_the_settled_value_as_ground_truth_by_the_reviewer(project):
    rev = UserFactory(username="rev")
    item = ItemFactory(project=project, final_value={"label": "neutral"}, final_reviewer=rev, final_decided_at=WHEN)
    AnnotationFactory(item=item, value={"label": "positive"})
    ItemFactory(project=project)

    settled, open_item = tasks_of(project, include="final")

    assert [(a["ground_truth"], a["completed_by"]["username"]) for a in settled["annotations"]] == [(True, "rev")]
    assert settled["annotations"][0]["result"][0]["value"] == {"choices": ["neutral"]}
    assert (open_item["annotations"], open_item["predictions"]) == ([], [])


def test_include_aggregate_writes_the_aggregate_as_a_prediction_with_its_confidence(project):
    ItemFactory(project=project, aggregate_value={"label": "positive"}, aggregate_confidence=0.75, aggregate_method="dawid_skene")

    (task,) = tasks_of(project, include="aggregate")

    assert [(p["model_version"], p["score"]) for p in task["predictions"]] == [("accord-aggregate-dawid_skene", 0.75)]
    assert task["annotations"] == []


def test_label_studio_export_of_an_empty_project_is_an_empty_array(project):
    assert tasks_of(project) == []
