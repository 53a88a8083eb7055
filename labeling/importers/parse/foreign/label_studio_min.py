"""Label Studio's JSON-MIN and CSV exports: one flat row per annotation.

A row holds the task's data fields, id, annotator, annotation_id, created_at, updated_at,
lead_time, and one field per control named after it (its from_name): a choice as a string,
several as {"choices": [...]}, a rating as a number, spans and rectangles as lists of regions
({"start", "end", "labels"} or {"x", "y", "width", "height", "rectanglelabels",
"original_width", "original_height"}). CSV cells hold the same, lists and objects as JSON.
Rows of one task are gathered into one item (rows need not be adjacent).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from labeling.importers.parse.foreign.base import (
    FormatContext,
    FormatError,
    json_array_elements,
    read_text,
    record_of,
    value_for_labels,
)
from labeling.importers.parse.foreign.label_studio import annotator_name, task_data
from labeling.importers.parse.foreign.label_studio_results import region_value
from labeling.importers.parse.records import ItemRecord, RowError

JSON_MIN = "Label Studio JSON-MIN"
CSV_TITLE = "Label Studio CSV"
META = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement", "drafts", "predictions"})
DATA_KEYS = frozenset({"text", "image"})


def read_label_studio_min(stream: BinaryIO, context: FormatContext) -> Iterator[ItemRecord | RowError]:
    rows = ((line, row) for line, row in json_array_elements(stream, JSON_MIN, "annotation rows"))
    return _items(rows, context, JSON_MIN)


def read_label_studio_csv(stream: BinaryIO, context: FormatContext) -> Iterator[ItemRecord | RowError]:
    reader = csv.DictReader(io.StringIO(read_text(stream, CSV_TITLE), newline=""))
    rows = ((reader.line_num, {key: _cell(cell) for key, cell in row.items() if key}) for row in reader)
    return _items(rows, context, CSV_TITLE)


def _cell(cell: str | None) -> Any:
    """A CSV cell: lists and objects come as JSON text, numbers as digits."""
    text = (cell or "").strip()
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return cell
    return cell


def _items(rows: Iterator[tuple[int, Any]], context: FormatContext, title: str) -> Iterator[ItemRecord | RowError]:
    items: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, row in rows:
        try:
            _add_row(items, row, line, context)
        except FormatError as error:
            yield RowError(error.line or line, f"{title}, line {line}: {error.message}")
    for line, obj in items.values():
        yield record_of(obj, line)


def _add_row(items: dict[str, tuple[int, dict[str, Any]]], row: object, line: int, context: FormatContext) -> None:
    if not isinstance(row, dict) or row.get("id") in (None, ""):
        raise FormatError(0, "each row must be an object with the task's 'id'")
    item_id = str(row["id"])
    controls = {key: value for key, value in row.items() if key not in META and not _is_data(key, value, context)}
    data = {key: value for key, value in row.items() if key not in META and key not in controls}
    if item_id not in items:
        items[item_id] = (line, {"id": item_id, "data": task_data(data, context), "annotations": []})
    if row.get("annotator") in (None, "") or not controls:
        return  # a task nobody annotated
    name = annotator_name(row["annotator"], f"task {item_id}")
    annotation: dict[str, Any] = {"annotator": name, "value": _value(controls, context.kind, f"task {item_id}, annotation by {name}")}
    if isinstance(row.get("created_at"), str) and row["created_at"]:
        annotation["created_at"] = row["created_at"]
    items[item_id][1]["annotations"].append(annotation)


def _is_data(key: str, value: object, context: FormatContext) -> bool:
    """Data fields: text and image, and any field a label could not be (a control holds a label)."""
    if key in DATA_KEYS:
        return True
    if context.kind in ("spans", "boxes"):
        return not isinstance(value, list)
    if context.kind == "rating":
        return not _rating_like(value)
    return not isinstance(value, str | dict)


def _value(controls: dict[str, Any], kind: str, where: str) -> dict[str, Any]:
    if len(controls) != 1:
        raise FormatError(0, f"{where}: cannot tell which field holds the label among {', '.join(sorted(controls))}")
    (value,) = controls.values()
    if kind in ("single", "multi"):
        labels = [value] if isinstance(value, str) else value.get("choices")
        if not isinstance(labels, list):
            raise FormatError(0, f"{where}: expected a choice or {{\"choices\": [...]}}, got {value!r}")
        return value_for_labels(labels, kind, where)
    if kind == "rating":
        return {"rating": int(value) if isinstance(value, str) else value}
    regions = [(region, region) for region in value if isinstance(region, dict)]
    if len(regions) != len(value):
        raise FormatError(0, f"{where}: each region must be an object")
    return region_value(regions, kind, where)


def _rating_like(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.strip().isdigit())
