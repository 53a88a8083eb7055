"""Accord annotation values as Label Studio result regions (see labeling.exporters.label_studio)."""

from __future__ import annotations

from typing import Any

from labeling.exporters.labelled_items import ExportItem
from labeling.values import class_key

# from_name of the control tag each kind maps to (the Label Studio config's name attribute).
CONTROL_NAMES = {
    "single": "choice",
    "multi": "choice",
    "rating": "rating",
    "spans": "label",
    "boxes": "label",
}


def results_of(
    value: Any, item: ExportItem, schema: dict[str, Any], prefix: str
) -> list[dict[str, Any]]:
    """The result regions of one value; region ids are `prefix`-<n> (stable across exports).

    A malformed value, or a value of another kind than the schema's, gives no regions.
    """
    kind = str(schema.get("kind", ""))
    key = class_key(value, kind)
    if key is None:
        return []
    if kind in ("single", "multi"):
        labels = [key] if kind == "single" else list(key)
        values = [{"choices": labels}] if labels else []
        kind_type = "choices"
    elif kind == "rating":
        values, kind_type = [{"rating": key}], "rating"
    elif kind == "spans":
        values, kind_type = _span_values(key, item.text), "labels"
    else:
        values, kind_type = _box_values(key, item), "rectanglelabels"
    base = {
        "from_name": CONTROL_NAMES[kind],
        "to_name": str(schema.get("data", "text")),
        "type": kind_type,
    }
    regions = [
        {"id": f"{prefix}-{n}", **base, "value": part, "origin": "manual"}
        for n, part in enumerate(values)
    ]
    if kind == "boxes":
        for region in regions:
            region.update(original_width=item.width, original_height=item.height, image_rotation=0)
    return regions


def _span_values(spans: Any, text: str) -> list[dict[str, Any]]:
    return [
        {"start": start, "end": end, "text": text[start:end], "labels": [label]}
        for start, end, label in spans
    ]


def _box_values(boxes: Any, item: ExportItem) -> list[dict[str, Any]]:
    if not item.width or not item.height:
        return []
    return [
        {
            "x": x * 100 / item.width,
            "y": y * 100 / item.height,
            "width": width * 100 / item.width,
            "height": height * 100 / item.height,
            "rotation": 0,
            "rectanglelabels": [label],
        }
        for x, y, width, height, label in boxes
    ]
