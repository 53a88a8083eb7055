"""Label Studio JSON, JSON-MIN and CSV exports import with their annotators, values and predictions."""

from __future__ import annotations

import pytest

from labeling.exceptions import ImportFailed
from labeling.models import Item
from labeling.services.imports import import_file
from tests.factories import ProjectFactory
from tests.factories_formats import (
    schema,
    stored_annotations,
    stored_items,
    stored_predictions,
    write_json,
)

pytestmark = pytest.mark.django_db


def choice(label, *more):
    return {"id": "r1", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [label, *more]}}


SENTIMENT_EXPORT = [
    {
        "id": 101,
        "data": {"text": "Great phone, terrible battery."},
        "annotations": [
            {"id": 1, "completed_by": 1, "result": [choice("Negative")], "was_cancelled": False, "ground_truth": False,
             "created_at": "2024-03-01T10:00:00.000000Z", "updated_at": "2024-03-01T10:00:00.000000Z", "lead_time": 4.25},
            {"id": 2, "completed_by": {"id": 2, "email": "bo@example.com", "first_name": "", "last_name": ""},
             "result": [choice("Positive")], "was_cancelled": False, "ground_truth": True, "lead_time": 1.5},
            {"id": 3, "completed_by": 3, "result": [choice("Positive")], "was_cancelled": True},
            {"id": 4, "completed_by": 4, "result": [], "was_cancelled": False},
        ],
        "predictions": [{"id": 9, "model_version": "bert-v2", "score": 0.87, "result": [choice("Negative")]}],
        "meta": {},
        "created_at": "2024-03-01T09:00:00.000000Z",
    },
    {"id": 102, "data": {"text": "Arrived on time."}, "annotations": [], "predictions": []},
]


def test_label_studio_json_keeps_annotators_values_and_predictions_and_skips_cancelled_and_empty(tmp_path):
    project = ProjectFactory(schema=schema("single", ["Positive", "Negative"]))

    counts = import_file(project=project, path=write_json(tmp_path / "project-1-at-2024.json", SENTIMENT_EXPORT))

    assert (counts.items, counts.annotations, counts.predictions) == (2, 2, 1)
    assert stored_items(project) == {"101": {"text": "Great phone, terrible battery."}, "102": {"text": "Arrived on time."}}
    assert stored_annotations(project) == {
        ("101", "label-studio-user-1"): {"label": "Negative"},
        ("101", "bo@example.com"): {"label": "Positive"},
    }
    assert stored_predictions(project) == {("101", "bert-v2"): ({"label": "Negative"}, 0.87)}
    first = Item.objects.get(project=project, external_id="101").annotations.get(annotator__username="label-studio-user-1")
    assert (first.lead_time_ms, first.created_at.isoformat()) == (4250, "2024-03-01T10:00:00+00:00")


def test_label_studio_spans_merge_several_results_of_one_annotation(tmp_path):
    project = ProjectFactory(schema=schema("spans", ["PER", "ORG"]))
    task = {
        "id": 7,
        "data": {"text": "Ada Lovelace met Babbage at the Royal Society."},
        "annotations": [{"completed_by": 5, "result": [
            {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PER"]}},
            {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 32, "end": 45, "text": "Royal Society", "labels": ["ORG"]}},
            {"id": "c", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 17, "end": 24, "text": "Babbage", "labels": ["PER"]}},
        ]}],
    }

    import_file(project=project, path=write_json(tmp_path / "ner.json", [task]), fmt="label_studio")

    assert stored_annotations(project) == {("7", "label-studio-user-5"): {"spans": [
        {"start": 0, "end": 12, "label": "PER"}, {"start": 17, "end": 24, "label": "PER"}, {"start": 32, "end": 45, "label": "ORG"},
    ]}}


def test_label_studio_rectangles_turn_percent_into_pixels_of_the_original_image(tmp_path, settings):
    project = ProjectFactory(schema=schema("boxes", ["car"], settings={"image_hosts": ["images.example.com"]}))
    task = {
        "id": 3,
        "data": {"image": "https://images.example.com/street.jpg"},
        "annotations": [{"completed_by": {"id": 8, "email": "cy@example.com"}, "result": [
            {"original_width": 800, "original_height": 600, "image_rotation": 0, "from_name": "label", "to_name": "image",
             "type": "rectanglelabels", "value": {"x": 10, "y": 50, "width": 25.5, "height": 12.5, "rotation": 0, "rectanglelabels": ["car"]}},
        ]}],
    }

    import_file(project=project, path=write_json(tmp_path / "boxes.json", [task]))

    assert stored_annotations(project) == {("3", "cy@example.com"): {"boxes": [{"x": 80.0, "y": 300.0, "width": 204.0, "height": 75.0, "label": "car"}]}}


def test_label_studio_multiple_choices_and_ratings_map_to_multi_and_rating(tmp_path):
    multi = ProjectFactory(schema=schema("multi", ["sports", "politics"]))
    rating = ProjectFactory(schema={"kind": "rating", "data": "text", "scale": {"min": 1, "max": 5}})
    rated = {"id": 1, "data": {"text": "ok"}, "annotations": [{"completed_by": 1, "result": [
        {"from_name": "stars", "to_name": "text", "type": "rating", "value": {"rating": 4}}]}]}
    tagged = {"id": 1, "data": {"text": "ok"}, "annotations": [{"completed_by": 1, "result": [choice("sports", "politics")]}]}

    import_file(project=multi, path=write_json(tmp_path / "multi.json", [tagged]))
    import_file(project=rating, path=write_json(tmp_path / "rating.json", [rated]))

    assert stored_annotations(multi) == {("1", "label-studio-user-1"): {"labels": ["sports", "politics"]}}
    assert stored_annotations(rating) == {("1", "label-studio-user-1"): {"rating": 4}}


def test_label_studio_result_of_another_type_is_refused_naming_task_and_type_and_nothing_is_imported(tmp_path):
    project = ProjectFactory(schema=schema("single", ["Positive", "Negative"]))
    bad = {"id": 55, "data": {"text": "x"}, "annotations": [{"completed_by": 1, "result": [
        {"from_name": "notes", "to_name": "text", "type": "textarea", "value": {"text": ["hm"]}}]}]}

    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=write_json(tmp_path / "export.json", [SENTIMENT_EXPORT[1], bad]))

    assert raised.value.details == [{"line": 10, "message": (
        "Label Studio JSON: task 55, annotation by label-studio-user-1: result 1 is of type 'textarea'; "
        "a single project takes 'choices' results")}]
    assert not Item.objects.filter(project=project).exists()


def test_label_studio_json_min_rows_of_one_task_become_one_item(tmp_path):
    project = ProjectFactory(schema=schema("single", ["Positive", "Negative"]))
    rows = [
        {"text": "Great phone.", "id": 11, "sentiment": "Positive", "annotator": "al@example.com", "annotation_id": 1,
         "created_at": "2024-03-01T10:00:00.000000Z", "updated_at": "2024-03-01T10:00:00.000000Z", "lead_time": 2.1},
        {"text": "Dull.", "id": 12, "sentiment": "Negative", "annotator": "al@example.com", "annotation_id": 2,
         "created_at": "2024-03-01T10:01:00.000000Z", "updated_at": "2024-03-01T10:01:00.000000Z", "lead_time": 1.0},
        {"text": "Great phone.", "id": 11, "sentiment": "Positive", "annotator": "bo@example.com", "annotation_id": 3,
         "created_at": "2024-03-02T10:00:00.000000Z", "updated_at": "2024-03-02T10:00:00.000000Z", "lead_time": 3.0},
    ]

    import_file(project=project, path=write_json(tmp_path / "project-1-min.json", rows))

    assert stored_items(project) == {"11": {"text": "Great phone."}, "12": {"text": "Dull."}}
    assert stored_annotations(project) == {
        ("11", "al@example.com"): {"label": "Positive"},
        ("12", "al@example.com"): {"label": "Negative"},
        ("11", "bo@example.com"): {"label": "Positive"},
    }


def test_label_studio_csv_reads_choices_and_json_cells(tmp_path):
    project = ProjectFactory(schema=schema("multi", ["sports", "politics"]))
    path = tmp_path / "project-2.csv"
    path.write_text(
        "annotation_id,annotator,created_at,id,lead_time,topic,text,updated_at\n"
        '1,al@example.com,2024-03-01T10:00:00.000000Z,21,2.0,sports,Cup final tonight,2024-03-01T10:00:00.000000Z\n'
        '2,bo@example.com,2024-03-01T10:00:00.000000Z,21,2.0,"{""choices"": [""sports"", ""politics""]}",Cup final tonight,2024-03-01T10:00:00.000000Z\n',
        encoding="utf-8",
    )

    import_file(project=project, path=str(path))

    assert stored_items(project) == {"21": {"text": "Cup final tonight"}}
    assert stored_annotations(project) == {
        ("21", "al@example.com"): {"labels": ["sports"]},
        ("21", "bo@example.com"): {"labels": ["sports", "politics"]},
    }
