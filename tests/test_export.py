"""Exports: JSONL, JSON and CSV with every annotation, and export -> import gives the same project."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from labeling.exceptions import ValueInvalid
from labeling.models import Annotation, Item
from labeling.services.exports import export_stream
from labeling.services.imports import import_file
from tests.factories import (
    RATING_SCHEMA,
    AnnotationFactory,
    ItemFactory,
    PredictionFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)


@pytest.fixture
def labelled(project):
    """Two items: one with two annotations, a prediction, an aggregate and a final label."""
    alice, bob, rev = (UserFactory(username=n) for n in ("alice", "bob", "rev"))
    first = ItemFactory(
        project=project,
        external_id="e1",
        data={"text": "tab\there, \"quotes\", newline\nand ünïcode", "source": "web"},
        agreement=0.5,
        aggregate_value={"label": "positive"},
        aggregate_confidence=0.75,
        aggregate_method="majority",
        final_value={"label": "negative"},
        final_reviewer=rev,
        final_decided_at=WHEN,
        annotation_count=2,
    )
    AnnotationFactory(item=first, annotator=alice, value={"label": "positive"}, created_at=WHEN, guideline_version=2, lead_time_ms=1500)
    AnnotationFactory(item=first, annotator=bob, value={"label": "negative"}, created_at=WHEN, unsure=True, comment="not sure")
    PredictionFactory(item=first, model_version="m1", value={"label": "positive"}, score=0.8)
    ItemFactory(project=project, external_id="e2", data={"text": "plain"})
    return project


def text_of(project, fmt="jsonl", include="all"):
    return "".join(export_stream(project=project, fmt=fmt, include=include))


def snapshot(project):
    """Items and annotations of a project in a comparable form."""
    items = {i.external_id: (i.data, i.annotation_count) for i in Item.objects.filter(project=project)}
    annotations = {
        (a.item.external_id, a.annotator.username): (a.value, a.created_at, a.guideline_version, a.lead_time_ms, a.unsure, a.comment)
        for a in Annotation.objects.filter(project=project).select_related("item", "annotator")
    }
    return items, annotations


def test_jsonl_export_has_annotations_predictions_aggregate_and_final(labelled):
    lines = [json.loads(line) for line in text_of(labelled).splitlines()]

    first, second = lines
    assert first["id"] == "e1"
    assert first["annotations"][0] == {
        "annotator": "alice",
        "value": {"label": "positive"},
        "created_at": "2024-05-01T12:30:00+00:00",
        "guideline_version": 2,
        "lead_time_ms": 1500,
    }
    assert first["annotations"][1]["unsure"] is True
    assert first["predictions"] == [{"model": "m1", "value": {"label": "positive"}, "score": 0.8}]
    assert first["aggregate"] == {"value": {"label": "positive"}, "confidence": 0.75, "method": "majority"}
    assert first["agreement"] == 0.5
    assert first["final"] == {"value": {"label": "negative"}, "reviewer": "rev", "decided_at": "2024-05-01T12:30:00+00:00"}
    assert second == {"id": "e2", "data": {"text": "plain"}, "annotations": []}


def test_include_final_exports_only_final_labels(labelled):
    lines = [json.loads(line) for line in text_of(labelled, include="final").splitlines()]

    assert set(lines[0]) == {"id", "data", "final"}
    assert set(lines[1]) == {"id", "data"}


def test_include_aggregate_exports_aggregates_and_agreement(labelled):
    first = json.loads(text_of(labelled, include="aggregate").splitlines()[0])

    assert set(first) == {"id", "data", "aggregate", "agreement"}


def test_json_export_is_one_array(labelled):
    data = json.loads(text_of(labelled, fmt="json"))

    assert [row["id"] for row in data] == ["e1", "e2"]


def test_empty_project_exports_an_empty_array(project):
    assert json.loads(text_of(project, fmt="json")) == []


def test_csv_export_has_one_row_per_annotation(labelled):
    rows = list(csv.DictReader(io.StringIO(text_of(labelled, fmt="csv"))))

    assert [(r["id"], r["annotator"], r["label"]) for r in rows] == [
        ("e1", "alice", "positive"),
        ("e1", "bob", "negative"),
        ("e2", "", ""),
    ]
    assert rows[0]["text"].startswith("tab\there")
    assert json.loads(rows[0]["final"])["reviewer"] == "rev"


def test_unknown_format_or_include_is_refused(project):
    with pytest.raises(ValueInvalid):
        export_stream(project=project, fmt="xml")
    with pytest.raises(ValueInvalid):
        export_stream(project=project, include="some")


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_export_then_import_into_a_new_project_gives_the_same_items(labelled, tmp_path, fmt):
    path = tmp_path / f"export.{fmt}"
    path.write_text(text_of(labelled, fmt=fmt), encoding="utf-8")
    copy = ProjectFactory(schema=labelled.schema)

    import_file(project=copy, path=path)

    assert snapshot(copy) == snapshot(labelled)


def test_rating_project_round_trips_through_csv(tmp_path):
    project = ProjectFactory(schema=RATING_SCHEMA)
    item = ItemFactory(project=project, external_id="r1")
    AnnotationFactory(item=item, annotator=UserFactory(username="ann"), value={"rating": 5}, created_at=WHEN)
    path = tmp_path / "r.csv"
    path.write_text(text_of(project, fmt="csv"), encoding="utf-8")
    copy = ProjectFactory(schema=RATING_SCHEMA)

    import_file(project=copy, path=path)

    assert Annotation.objects.get(project=copy).value == {"rating": 5}


def test_export_reads_items_in_chunks(labelled, monkeypatch):
    monkeypatch.setattr("labeling.exporters.rows.CHUNK_ITEMS", 1)

    chunks = list(export_stream(project=labelled, fmt="jsonl"))

    assert len(chunks) == 2
    assert json.loads(chunks[1])["id"] == "e2"


def test_export_command_writes_the_file(labelled, tmp_path):
    out = tmp_path / "out.jsonl"

    call_command("export", str(labelled.pk), "--output", str(out), "--format", "jsonl")

    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["e1", "e2"]


def test_export_command_prints_to_stdout(labelled, capsys):
    call_command("export", labelled.name, "--format", "csv", "--include", "final")

    assert capsys.readouterr().out.startswith("id,text,data,annotator")


def test_export_never_includes_items_or_labels_of_another_project(project):
    other = ProjectFactory()
    ItemFactory(project=project, external_id="mine-1")
    theirs = ItemFactory(project=other, external_id="theirs")  # its id sits between ours
    AnnotationFactory(item=theirs, annotator=UserFactory(username="stranger"))
    PredictionFactory(item=theirs)
    ItemFactory(project=project, external_id="mine-2")

    text = text_of(project)

    assert [json.loads(line)["id"] for line in text.splitlines()] == ["mine-1", "mine-2"]
    assert "stranger" not in text
    assert "predictions" not in text
