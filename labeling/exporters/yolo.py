"""YOLO export of a boxes project: a zip of one label file per image plus the class list.

Inside the zip:
- labels/<image path without its extension>.txt for every image (the path it was imported
  under, so "photos/7.jpg" -> labels/photos/7.txt; Ultralytics finds labels by swapping
  images/ for labels/): one line per box, "class x_center y_center width height", the class
  its 0-based index in classes.txt and the four numbers divided by the image's width or height
  (0-1), six decimals. An image without boxes gets an empty file (a background image).
- classes.txt: the schema's labels in schema order, one per line (a line break inside a label
  becomes a space).
- data.yaml: nc and names for Ultralytics (train/val point at images/; the images themselves
  are not in the zip: they are the files the project was imported from).

Which boxes: the `source` option (labeling.exporters.labelled_items), by default the final value
when settled, else the aggregate; items with neither are left out, as are items whose pixel
size is unknown (nothing to normalise by). "annotators" is refused: YOLO has one file per image.

Streamed with flat memory: labeling.exporters.zip_stream writes the zip a chunk of items at a
time and keeps its directory in a temporary file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath

from labeling.exporters.labelled_items import ExportItem, chosen_values, item_chunks
from labeling.exporters.zip_stream import ZipStream
from labeling.models import Project
from labeling.values import class_key, declared_labels


def export_yolo(
    project: Project, *, include: str = "all", source: str = "settled"
) -> Iterator[bytes]:
    """Yield the zip's bytes in chunks (`include` does not apply)."""
    classes = {name: index for index, name in enumerate(declared_labels(project.schema))}
    archive = ZipStream()
    archive.add("classes.txt", "".join(f"{_one_line(name)}\n" for name in classes).encode())
    archive.add("data.yaml", _data_yaml(project, list(classes)).encode())
    for items in item_chunks(project):
        for item in items:
            lines = yolo_lines(item, source, classes)
            if lines is not None:
                archive.add(label_path(item), lines.encode())
        yield archive.take()
    yield from archive.finish()


def yolo_lines(item: ExportItem, source: str, classes: dict[str, int]) -> str | None:
    """The label file of an item, or None when it has no chosen value or no pixel size."""
    chosen = chosen_values(item, source)
    if not chosen or not item.width or not item.height:
        return None
    lines = []
    for x, y, width, height, label in class_key(chosen[0][1], "boxes") or ():
        if label in classes:
            numbers = (
                (x + width / 2) / item.width,
                (y + height / 2) / item.height,
                width / item.width,
                height / item.height,
            )
            lines.append(
                f"{classes[label]} "
                + " ".join(f"{min(max(n, 0.0), 1.0):.6f}" for n in numbers)
                + "\n"
            )
    return "".join(lines)


def label_path(item: ExportItem) -> str:
    """labels/<file name without extension>.txt, kept inside the zip (no "..", no leading "/")."""
    parts = [
        part
        for part in PurePosixPath(item.file_name.replace("\\", "/")).parts
        if part not in ("/", "..", ".")
    ]
    stem = PurePosixPath(*parts).with_suffix("") if parts else PurePosixPath(f"item-{item.pk}")
    return f"labels/{stem}.txt"


def _data_yaml(project: Project, names: list[str]) -> str:
    # JSON strings are valid YAML flow scalars, so quoting with json.dumps is safe for any name.
    return (
        f"# Accord export of project {json.dumps(project.name)}\n"
        "train: images\nval: images\n"
        f"nc: {len(names)}\nnames: {json.dumps(names, ensure_ascii=False)}\n"
    )


def _one_line(name: str) -> str:
    """A class name on one line of classes.txt (line breaks inside it become spaces)."""
    return " ".join(name.splitlines())
