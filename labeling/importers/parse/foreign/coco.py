"""COCO object detection JSON: images, annotations (bbox [x, y, width, height] in pixels), categories.

Each image is an item: its id is the file_name and data.image is the file_name (found in the
zip uploaded with the file) or an http(s) URL (file_name or coco_url; the project must allow
the host). Boxes are grouped per annotator when annotations carry one ("annotator",
"annotator_id", "user_id" or "creator_id"); otherwise the file is one annotator's labels,
named after the file, and every image gets an annotation (no boxes means none were drawn).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from labeling.importers.parse.foreign.base import (
    FormatContext,
    FormatError,
    json_document,
    record_of,
)
from labeling.importers.parse.records import ItemRecord, RowError

TITLE = "COCO JSON"
ANNOTATOR_KEYS = ("annotator", "annotator_id", "user_id", "creator_id")


def read_coco(stream: BinaryIO, context: FormatContext) -> Iterator[ItemRecord | RowError]:
    if context.kind != "boxes":
        yield RowError(0, f"{TITLE}: a COCO file holds boxes; this project's kind is {context.kind}")
        return
    try:
        document = json_document(stream, TITLE)
        images, categories = _images(document), _categories(document)
        boxes = _boxes(document, images, categories)
    except FormatError as error:
        yield RowError(error.line, error.message if error.message.startswith(TITLE) else f"{TITLE}: {error.message}")
        return
    per_file = not any(name for names, _ in boxes.values() for name in names)
    for number, (image_id, image) in enumerate(images.items(), start=1):
        yield record_of(_item(image, boxes.get(image_id, ([], [])), per_file, context), number)


def _section(document: object, key: str) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        raise FormatError(1, "the file must be an object with images, annotations and categories")
    found = document.get(key)
    if not isinstance(found, list) or not all(isinstance(entry, dict) for entry in found):
        raise FormatError(0, f"'{key}' must be a list of objects")
    return found


def _images(document: object) -> dict[Any, dict[str, Any]]:
    images = {}
    for index, image in enumerate(_section(document, "images")):
        name = image.get("file_name") or image.get("coco_url")
        if image.get("id") is None or not isinstance(name, str) or not name:
            raise FormatError(0, f"images[{index}] needs an id and a file_name")
        images[image["id"]] = image
    return images


def _categories(document: object) -> dict[Any, str]:
    categories = {}
    for index, category in enumerate(_section(document, "categories")):
        if category.get("id") is None or not isinstance(category.get("name"), str):
            raise FormatError(0, f"categories[{index}] needs an id and a name")
        categories[category["id"]] = category["name"]
    return categories


def _boxes(document: object, images: dict[Any, Any], categories: dict[Any, str]) -> dict[Any, tuple[list[str], list[dict[str, Any]]]]:
    """Per image id: the annotator of each box (or '') and the boxes."""
    found: dict[Any, tuple[list[str], list[dict[str, Any]]]] = {}
    for index, annotation in enumerate(_section(document, "annotations")):
        where = f"annotations[{index}] (id {annotation.get('id')})"
        if annotation.get("image_id") not in images:
            raise FormatError(0, f"{where}: image_id {annotation.get('image_id')!r} is not in images")
        if annotation.get("category_id") not in categories:
            raise FormatError(0, f"{where}: category_id {annotation.get('category_id')!r} is not in categories")
        bbox = annotation.get("bbox")
        if not isinstance(bbox, list) or len(bbox) != 4:
            raise FormatError(0, f"{where}: bbox must be [x, y, width, height]")
        annotators, boxes = found.setdefault(annotation["image_id"], ([], []))
        annotators.append(next((str(annotation[key]) for key in ANNOTATOR_KEYS if annotation.get(key) not in (None, "")), ""))
        x, y, width, height = bbox
        boxes.append({"x": x, "y": y, "width": width, "height": height, "label": categories[annotation["category_id"]]})
    return found


def _item(image: dict[str, Any], boxes: tuple[list[str], list[dict[str, Any]]], per_file: bool, context: FormatContext) -> dict[str, Any]:
    name = image.get("file_name") or image["coco_url"]
    grouped: dict[str, list[dict[str, Any]]] = {context.file_annotator: []} if per_file else {}
    for annotator, box in zip(*boxes, strict=True):
        grouped.setdefault(annotator or context.file_annotator, []).append(box)
    annotations = [{"annotator": who, "value": {"boxes": found}} for who, found in grouped.items()]
    return {"id": name, "data": {"image": name}, "annotations": annotations}
