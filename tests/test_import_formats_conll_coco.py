"""CoNLL 2003 BIO and COCO JSON imports: spans rebuilt on the joined tokens, boxes per annotator."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from labeling.exceptions import ImportFailed
from labeling.models import Item
from labeling.services.imports import import_file
from tests.factories import ProjectFactory
from tests.factories_formats import schema, stored_annotations, stored_items, write_json

pytestmark = pytest.mark.django_db

CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
in IN B-PP O
New NNP B-NP I-LOC
York NNP I-NP I-LOC

Nothing NN B-NP O
"""


def test_conll_sentences_become_items_with_offsets_on_the_space_joined_text(tmp_path):
    project = ProjectFactory(schema=schema("spans", ["ORG", "MISC", "PER", "LOC"]))
    path = tmp_path / "eng.conll"
    path.write_text(CONLL, encoding="utf-8")

    counts = import_file(project=project, path=str(path))

    assert (counts.items, counts.annotations) == (3, 3)
    assert stored_items(project) == {
        "eng-1": {"text": "EU rejects German call ."},
        "eng-2": {"text": "Peter Blackburn in New York"},
        "eng-3": {"text": "Nothing"},
    }
    assert stored_annotations(project) == {
        ("eng-1", "eng"): {"spans": [{"start": 0, "end": 2, "label": "ORG"}, {"start": 11, "end": 17, "label": "MISC"}]},
        ("eng-2", "eng"): {"spans": [{"start": 0, "end": 15, "label": "PER"}, {"start": 19, "end": 27, "label": "LOC"}]},
        ("eng-3", "eng"): {"spans": []},
    }


def test_conll_bad_tag_is_reported_with_its_line_and_nothing_is_imported(tmp_path):
    project = ProjectFactory(schema=schema("spans", ["PER"]))
    path = tmp_path / "bad.conll"
    path.write_text("Ann B-PER\n\nBen X-PER\nsaw O\n", encoding="utf-8")

    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=str(path))

    assert raised.value.details == [{"line": 3, "message": "CoNLL BIO, line 3: tag 'X-PER' is not O, B-TYPE or I-TYPE"}]
    assert not Item.objects.filter(project=project).exists()


def coco_file(annotations, images=None):
    return {
        "info": {"description": "street", "version": "1.0", "year": 2024},
        "licenses": [],
        "images": images or [{"id": 1, "file_name": "a.png", "width": 8, "height": 6}, {"id": 2, "file_name": "b.png", "width": 8, "height": 6}],
        "annotations": annotations,
        "categories": [{"id": 1, "name": "car", "supercategory": "vehicle"}, {"id": 2, "name": "bike", "supercategory": "vehicle"}],
    }


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 200, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_coco_in_a_zip_with_its_images_stores_images_and_boxes_of_the_file_annotator(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    project = ProjectFactory(schema=schema("boxes", ["car", "bike"]))
    coco = coco_file([
        {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 3, 2], "area": 6, "iscrowd": 0, "segmentation": []},
        {"id": 2, "image_id": 1, "category_id": 2, "bbox": [4.5, 2, 2, 3], "area": 6, "iscrowd": 0, "segmentation": []},
    ])
    archive = tmp_path / "street.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("instances.json", write_json(tmp_path / "x.json", coco) and (tmp_path / "x.json").read_text())
        zipped.writestr("a.png", png_bytes())
        zipped.writestr("b.png", png_bytes())

    import_file(project=project, path=str(archive))

    assert stored_items(project) == {"a.png": {"image": "a.png"}, "b.png": {"image": "b.png"}}
    assert stored_annotations(project) == {
        ("a.png", "instances"): {"boxes": [{"x": 1, "y": 1, "width": 3, "height": 2, "label": "car"}, {"x": 4.5, "y": 2, "width": 2, "height": 3, "label": "bike"}]},
        ("b.png", "instances"): {"boxes": []},
    }
    assert list(Item.objects.filter(project=project).values_list("width", "height")) == [(8, 6), (8, 6)]


def test_coco_annotations_with_a_user_id_are_grouped_per_annotator(tmp_path):
    project = ProjectFactory(schema=schema("boxes", ["car", "bike"], settings={"image_hosts": ["cdn.example.com"]}))
    images = [{"id": 1, "file_name": "https://cdn.example.com/a.jpg", "width": 640, "height": 480}]
    coco = coco_file([
        {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 20], "user_id": 4},
        {"id": 2, "image_id": 1, "category_id": 1, "bbox": [12, 11, 29, 20], "user_id": 5},
    ], images)

    import_file(project=project, path=write_json(tmp_path / "coco.json", coco))

    assert stored_annotations(project) == {
        ("https://cdn.example.com/a.jpg", "4"): {"boxes": [{"x": 10, "y": 10, "width": 30, "height": 20, "label": "car"}]},
        ("https://cdn.example.com/a.jpg", "5"): {"boxes": [{"x": 12, "y": 11, "width": 29, "height": 20, "label": "car"}]},
    }


def test_coco_annotation_of_an_unknown_category_is_refused_by_index_and_id(tmp_path):
    project = ProjectFactory(schema=schema("boxes", ["car", "bike"]))
    coco = coco_file([{"id": 17, "image_id": 1, "category_id": 9, "bbox": [1, 1, 1, 1]}])

    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=write_json(tmp_path / "coco.json", coco))

    assert raised.value.details == [{"line": 0, "message": "COCO JSON: annotations[0] (id 17): category_id 9 is not in categories"}]
