"""Boxes exports: COCO JSON (checked with pycocotools) and the YOLO zip (numbers checked exactly)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from pycocotools.coco import COCO

from labeling.exceptions import ValueInvalid
from labeling.services.exports import export_stream
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory, UserFactory
from tests.factories_export import BOXES_SCHEMA

pytestmark = pytest.mark.django_db

CAR = {"x": 10, "y": 20, "width": 30, "height": 40, "label": "car"}
PERSON = {"x": 50.5, "y": 0, "width": 25, "height": 100, "label": "person"}


@pytest.fixture
def boxes_project(db):
    project = ProjectFactory(schema=BOXES_SCHEMA)
    ItemFactory(project=project, external_id="photos/7.jpg", data={"image": "photos/7.jpg"}, width=100, height=200,
                final_value={"boxes": [CAR, PERSON]}, aggregate_value={"boxes": [CAR]})  # fmt: skip
    ItemFactory(project=project, external_id="empty.png", data={"image": "empty.png"}, width=640, height=480,
                aggregate_value={"boxes": []})  # fmt: skip
    ItemFactory(project=project, external_id="todo.png", data={"image": "todo.png"}, width=10, height=10)
    return project


def text_of(project, fmt="coco", **options):
    return "".join(export_stream(project=project, fmt=fmt, **options))


def coco_of(project, tmp_path, **options):
    path = tmp_path / "coco.json"
    path.write_text(text_of(project, **options), encoding="utf-8")
    return COCO(str(path))


def test_coco_export_loads_in_pycocotools_with_images_categories_and_boxes(boxes_project, tmp_path):
    coco = coco_of(boxes_project, tmp_path)
    first = boxes_project.items.get(external_id="photos/7.jpg")

    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == ["car", "person"]
    assert coco.loadImgs([first.pk]) == [{"id": first.pk, "file_name": "photos/7.jpg", "width": 100, "height": 200}]
    assert len(coco.getImgIds()) == 3
    boxes = coco.loadAnns(coco.getAnnIds(imgIds=[first.pk]))
    assert [(a["bbox"], coco.cats[a["category_id"]]["name"], a["area"], a["iscrowd"]) for a in boxes] == [
        ([10, 20, 30, 40], "car", 1200, 0),
        ([50.5, 0, 25, 100], "person", 2500, 0),
    ]
    assert coco.getAnnIds(catIds=coco.getCatIds(catNms=["person"])) == [boxes[1]["id"]]


def test_coco_takes_the_aggregate_with_source_aggregate(boxes_project, tmp_path):
    coco = coco_of(boxes_project, tmp_path, source="aggregate")

    assert [a["bbox"] for a in coco.loadAnns(coco.getAnnIds())] == [[10, 20, 30, 40]]


def test_coco_with_annotators_names_who_drew_each_box(boxes_project, tmp_path):
    item = boxes_project.items.get(external_id="todo.png")
    AnnotationFactory(item=item, annotator=UserFactory(username="ann"), value={"boxes": [CAR]})
    AnnotationFactory(item=item, annotator=UserFactory(username="bob"), value={"boxes": [CAR, PERSON]})

    coco = coco_of(boxes_project, tmp_path, source="annotators")

    boxes = coco.loadAnns(coco.getAnnIds(imgIds=[item.pk]))
    assert [(a["annotator"], a["category_id"]) for a in boxes] == [("ann", 1), ("bob", 1), ("bob", 2)]
    assert [a["id"] for a in boxes] == [1, 2, 3]


def test_coco_export_streams_in_chunks_and_stays_one_object(boxes_project, monkeypatch):
    monkeypatch.setattr("labeling.exporters.labelled_items.CHUNK_ITEMS", 1)

    chunks = list(export_stream(project=boxes_project, fmt="coco"))
    data = json.loads("".join(chunks))

    assert len(chunks) > 6
    assert [len(data["images"]), len(data["annotations"])] == [3, 2]


def test_coco_of_an_empty_project_is_valid(db):
    data = json.loads(text_of(ProjectFactory(schema=BOXES_SCHEMA)))

    assert (data["images"], data["annotations"], len(data["categories"])) == ([], [], 2)


def yolo_zip(project, **options):
    return zipfile.ZipFile(io.BytesIO(b"".join(export_stream(project=project, fmt="yolo", **options))))


def test_yolo_zip_has_classes_and_normalised_centre_boxes_per_image(boxes_project):
    archive = yolo_zip(boxes_project)

    assert sorted(archive.namelist()) == ["classes.txt", "data.yaml", "labels/empty.txt", "labels/photos/7.txt"]
    assert archive.read("classes.txt").decode() == "car\nperson\n"
    # car: centre (10+15)/100, (20+20)/200; size 30/100, 40/200. person: (50.5+12.5)/100 ...
    assert archive.read("labels/photos/7.txt").decode() == (
        "0 0.250000 0.200000 0.300000 0.200000\n1 0.630000 0.250000 0.250000 0.500000\n"
    )
    assert archive.read("labels/empty.txt") == b""
    assert "nc: 2\n" in archive.read("data.yaml").decode()
    assert 'names: ["car", "person"]' in archive.read("data.yaml").decode()


def test_yolo_leaves_out_images_without_a_size_and_keeps_paths_inside_the_zip(db):
    project = ProjectFactory(schema=BOXES_SCHEMA)
    ItemFactory(project=project, data={"image": "../../etc/x.jpg"}, width=10, height=10, final_value={"boxes": []})
    ItemFactory(project=project, data={"image": "nosize.jpg"}, final_value={"boxes": [CAR]})

    assert sorted(yolo_zip(project).namelist()) == ["classes.txt", "data.yaml", "labels/etc/x.txt"]


def test_yolo_refuses_the_annotators_source(boxes_project):
    with pytest.raises(ValueInvalid, match="source"):
        export_stream(project=boxes_project, fmt="yolo", source="annotators")


def test_box_formats_are_refused_for_a_text_project(project):
    with pytest.raises(ValueInvalid, match="boxes projects"):
        export_stream(project=project, fmt="coco")


def test_yolo_export_streams_bytes_in_chunks(boxes_project, monkeypatch):
    monkeypatch.setattr("labeling.exporters.labelled_items.CHUNK_ITEMS", 1)

    chunks = list(export_stream(project=boxes_project, fmt="yolo"))

    assert len(chunks) >= 4  # one per item, then the directory and the end records
    assert b"classes.txt" in chunks[0]
    assert all(isinstance(chunk, bytes) for chunk in chunks)
    assert zipfile.ZipFile(io.BytesIO(b"".join(chunks))).testzip() is None


def test_export_command_writes_the_yolo_zip_and_needs_an_output_file(boxes_project, tmp_path):
    out = tmp_path / "yolo.zip"

    call_command("export", boxes_project.name, "--format", "yolo", "--output", str(out))

    assert "classes.txt" in zipfile.ZipFile(out).namelist()
    with pytest.raises(CommandError, match="--output"):
        call_command("export", boxes_project.name, "--format", "yolo")
