"""COCO JSON export of a boxes project (object detection ground truth).

{"info", "images": [{id, file_name, width, height}], "categories": [{id, name, supercategory}],
 "annotations": [{id, image_id, category_id, bbox: [x, y, width, height], area, iscrowd: 0,
 segmentation}]}, loadable by pycocotools.coco.COCO.

- images: every item; id is the item's database id (stable across exports), file_name its
  data.image (the path it was imported under; else its id), width/height its pixel size.
- categories: the schema's labels in schema order, ids from 1 (COCO reserves 0).
- annotations: boxes in pixels, as stored; segmentation is the box as a polygon, so tools that
  expect one get it. A box whose label is not in the schema is left out.
- Which boxes: the `source` option (labeling.exporters.labelled_items): by default the final
  value when settled, else the aggregate; with source "annotators" every annotator's boxes, each
  annotation carrying an extra "annotator" key (COCO readers ignore keys they do not know).

Streamed with constant memory: the items are read twice, once for "images" and once for
"annotations", CHUNK_ITEMS at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count
from typing import Any

from labeling.exporters.labelled_items import ExportItem, chosen_values, item_chunks
from labeling.models import Project
from labeling.values import class_key, declared_labels


def export_coco(
    project: Project, *, include: str = "all", source: str = "settled"
) -> Iterator[str]:
    """Yield the COCO JSON object in chunks (`include` does not apply)."""
    categories = {
        name: number for number, name in enumerate(declared_labels(project.schema), start=1)
    }
    head = {
        "info": {"description": f"Accord export of project {project.name}", "version": "1.0"},
        "licenses": [],
        "categories": [
            {"id": n, "name": name, "supercategory": ""} for name, n in categories.items()
        ],
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',\n"images":['
    yield from _array_body([coco_image(item) for item in items] for items in item_chunks(project))
    yield '],\n"annotations":['
    ids = count(1)
    yield from _array_body(
        [entry for item in items for entry in coco_annotations(item, source, categories, ids)]
        for items in item_chunks(project, annotations=source == "annotators")
    )
    yield "]}\n"


def _array_body(chunks: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    """The comma-separated JSON of the objects in each chunk (between "[" and "]")."""
    opened = False
    for entries in chunks:
        if entries:
            body = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in entries)
            yield (",\n" if opened else "\n") + body
            opened = True


def coco_image(item: ExportItem) -> dict[str, Any]:
    """The "images" entry of an item."""
    return {"id": item.pk, "file_name": item.file_name, "width": item.width, "height": item.height}


def coco_annotations(
    item: ExportItem, source: str, categories: dict[str, int], ids: Iterator[int]
) -> Iterator[dict[str, Any]]:
    """The "annotations" entries of an item's chosen boxes, numbered from `ids`."""
    for annotator, value in chosen_values(item, source):
        for x, y, width, height, label in class_key(value, "boxes") or ():
            if label not in categories:
                continue
            entry: dict[str, Any] = {
                "id": next(ids),
                "image_id": item.pk,
                "category_id": categories[label],
                "bbox": [x, y, width, height],
                "area": width * height,
                "iscrowd": 0,
                "segmentation": [[x, y, x + width, y, x + width, y + height, x, y + height]],
            }
            if annotator is not None:
                entry["annotator"] = annotator
            yield entry
