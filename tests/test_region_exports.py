"""The stored span and box aggregates reach every export: JSON Lines, CoNLL, spaCy, COCO, YOLO."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from pycocotools.coco import COCO

from labeling.services.exports import export_stream
from review.services.refresh import project_refresh
from tests.conll_read import bio_spans, conll_documents
from tests.factories_regions import TEXT, boxes_project_build, spans_project_build

pytestmark = pytest.mark.django_db


def text_of(project, fmt, **options):
    return "".join(export_stream(project=project, fmt=fmt, **options))


@pytest.fixture
def spans_refreshed():
    project, items = spans_project_build()
    project_refresh(project_id=project.pk)
    return project, items


@pytest.fixture
def boxes_refreshed():
    project, items = boxes_project_build()
    project_refresh(project_id=project.pk)
    return project, items


def test_jsonl_export_carries_the_span_aggregate_with_its_confidences(spans_refreshed):
    project, items = spans_refreshed
    lines = {json.loads(line)["id"]: json.loads(line) for line in text_of(project, "jsonl").splitlines()}
    aggregate = lines[items["agreed"].external_id]["aggregate"]
    assert aggregate["method"] == "majority"
    assert [(s["start"], s["end"], s["label"]) for s in aggregate["value"]["spans"]] == [
        (0, 10, "PER"),
        (18, 32, "ORG"),
    ]
    assert all(0 < s["confidence"] <= 1 for s in aggregate["value"]["spans"])
    assert 0 < aggregate["p_wrong"] < 1
    assert lines[items["agreed"].external_id]["agreement"] == pytest.approx(0.8)


def test_conll_and_spacy_exports_write_the_aggregate_of_unsettled_items(spans_refreshed):
    project, items = spans_refreshed
    documents = conll_documents(text_of(project, "conll", source="aggregate"))
    assert len(documents) == 5
    assert bio_spans(TEXT, documents[0]) == [(0, 10, "PER"), (18, 32, "ORG")]
    records = [json.loads(line) for line in text_of(project, "spacy", source="aggregate").splitlines()]
    first = next(r for r in records if r["meta"]["id"] == items["agreed"].external_id)
    assert first["spans"] == [
        {"start": 0, "end": 10, "label": "PER"},
        {"start": 18, "end": 32, "label": "ORG"},
    ]


def test_coco_and_yolo_exports_write_the_averaged_boxes(boxes_refreshed, tmp_path):
    project, items = boxes_refreshed
    path = tmp_path / "coco.json"
    path.write_text(text_of(project, "coco", source="aggregate"), encoding="utf-8")
    coco = COCO(str(path))
    boxes = coco.loadAnns(coco.getAnnIds(imgIds=[items["agreed"].pk]))
    assert [coco.cats[b["category_id"]]["name"] for b in boxes] == ["car", "truck"]
    x, y, width, height = boxes[0]["bbox"]
    assert 8 <= x <= 12
    assert 8 <= y <= 12
    assert 100 <= width <= 100.01
    assert 100 <= height <= 104
    archive = zipfile.ZipFile(io.BytesIO(b"".join(
        chunk if isinstance(chunk, bytes) else chunk.encode()
        for chunk in export_stream(project=project, fmt="yolo", source="aggregate")
    )))  # fmt: skip
    lines = archive.read("labels/agreed.txt").decode().splitlines()
    assert [line.split()[0] for line in lines] == ["0", "1"]  # car, truck
