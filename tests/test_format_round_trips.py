"""Round trips through the other tools' formats: import -> export -> import keeps every span, box
and label (issue #15 "Formats", issue #17). Each export is read back by the importer of the same
format into a fresh project, and what the two projects stored is compared as plain data."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image

from labeling.services.exports import export_stream
from labeling.services.imports import import_file
from tests.factories import ProjectFactory
from tests.factories_formats import schema, stored_annotations, write_json

pytestmark = pytest.mark.django_db

CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
visited VBD B-VP O
New NNP B-NP B-LOC
York NNP I-NP I-LOC
"""


def exported(project, fmt: str, **options) -> str:
    return "".join(export_stream(project=project, fmt=fmt, **options))


def spans_by_text(project) -> dict[str, list]:
    """{text: sorted spans} over every annotation of the project."""
    from labeling.models import Annotation

    rows = Annotation.objects.filter(item__project=project).select_related("item")
    return {
        row.item.data["text"]: sorted((s["start"], s["end"], s["label"]) for s in row.value["spans"])
        for row in rows
    }


def test_conll_import_export_import_keeps_the_spans(tmp_path):
    labels = ["PER", "ORG", "LOC", "MISC"]
    first = ProjectFactory(schema=schema("spans", labels))
    (tmp_path / "news.conll").write_text(CONLL, encoding="utf-8")
    import_file(project=first, path=str(tmp_path / "news.conll"), fmt="conll")

    (tmp_path / "again.conll").write_text(exported(first, "conll", source="annotators"), encoding="utf-8")
    second = ProjectFactory(schema=schema("spans", labels))
    import_file(project=second, path=str(tmp_path / "again.conll"), fmt="conll")

    assert spans_by_text(second) == spans_by_text(first)
    assert spans_by_text(first)["Peter Blackburn visited New York"] == [(0, 15, "PER"), (24, 32, "LOC")]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def coco_zip(path, coco: dict) -> str:
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("instances.json", json.dumps(coco))
        zipped.writestr("a.png", png_bytes())
        zipped.writestr("b.png", png_bytes())
    return str(path)


def boxes_by_image(project) -> dict[tuple[str, str], list]:
    return {
        (item, annotator): sorted(tuple(sorted(box.items())) for box in value["boxes"])
        for (item, annotator), value in stored_annotations(project).items()
    }


def test_coco_import_export_import_keeps_the_boxes_and_their_annotators(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    coco = {
        "images": [
            {"id": 1, "file_name": "a.png", "width": 40, "height": 30},
            {"id": 2, "file_name": "b.png", "width": 40, "height": 30},
        ],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 8], "user_id": 7},
            {"id": 2, "image_id": 1, "category_id": 2, "bbox": [20, 5, 6, 9], "user_id": 7},
            {"id": 3, "image_id": 2, "category_id": 1, "bbox": [3, 3, 5, 5], "user_id": 8},
        ],
        "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "bike"}],
    }
    first = ProjectFactory(schema=schema("boxes", ["car", "bike"]))
    import_file(project=first, path=coco_zip(tmp_path / "in.zip", coco))

    again = json.loads(exported(first, "coco", source="annotators"))
    second = ProjectFactory(schema=schema("boxes", ["car", "bike"]))
    import_file(project=second, path=coco_zip(tmp_path / "again.zip", again))

    assert boxes_by_image(second) == boxes_by_image(first)
    assert len(boxes_by_image(first)) == 2  # two annotators, one image each


def test_label_studio_import_export_import_keeps_the_choices_and_annotators(tmp_path):
    tasks = [
        {
            "id": 1,
            "data": {"text": "great phone"},
            "annotations": [
                {"completed_by": {"id": 1, "email": "ann@example.org"},
                 "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                             "value": {"choices": ["positive"]}}]},
                {"completed_by": {"id": 2, "email": "bob@example.org"},
                 "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                             "value": {"choices": ["negative"]}}]},
            ],
        },
    ]
    first = ProjectFactory(schema=schema("single", ["positive", "negative"]))
    import_file(project=first, path=write_json(tmp_path / "ls.json", tasks), fmt="label_studio")

    (tmp_path / "again.json").write_text(exported(first, "label_studio"), encoding="utf-8")
    second = ProjectFactory(schema=schema("single", ["positive", "negative"]))
    import_file(project=second, path=str(tmp_path / "again.json"), fmt="label_studio")

    def by_annotator(project):
        return {annotator: value for (_, annotator), value in stored_annotations(project).items()}

    assert by_annotator(second) == by_annotator(first)
    assert by_annotator(first) == {
        "ann@example.org": {"label": "positive"},
        "bob@example.org": {"label": "negative"},
    }
