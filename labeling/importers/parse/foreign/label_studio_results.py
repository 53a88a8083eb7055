"""Label Studio results (from_name/to_name/type/value) to one Accord annotation value.

A Label Studio annotation holds a list of results, one per control and region. The project's
kind says which result type carries the label: choices (single, multi), rating, labels
(spans, character offsets) and rectanglelabels (boxes, given in percent of the image and
turned into pixels with the result's original_width/original_height).
"""

from __future__ import annotations

from typing import Any

from labeling.importers.parse.foreign.base import FormatError, value_for_labels

RESULT_TYPES = {"single": "choices", "multi": "choices", "rating": "rating", "spans": "labels", "boxes": "rectanglelabels"}
PIXEL_DIGITS = 2


def value_from_results(results: list[Any], kind: str, where: str) -> dict[str, Any]:
    """The value the results give a project of `kind`; a FormatError names what does not fit."""
    wanted = RESULT_TYPES[kind]
    values = []
    for index, result in enumerate(results):
        if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
            raise FormatError(0, f"{where}: result {index + 1} needs a 'value' object")
        kind_of = result.get("type")
        if kind_of != wanted:
            raise FormatError(0, f"{where}: result {index + 1} is of type {kind_of!r}; a {kind} project takes {wanted!r} results")
        values.append(result)
    return region_value([(r["value"], r) for r in values], kind, where)


def region_value(regions: list[tuple[dict[str, Any], dict[str, Any]]], kind: str, where: str) -> dict[str, Any]:
    """The value of (value, sizes) pairs; sizes holds original_width/height for boxes."""
    if kind in ("single", "multi"):
        labels = [label for value, _ in regions for label in _strings(value, "choices", where)]
        return value_for_labels(labels, kind, where)
    if kind == "rating":
        if len(regions) != 1:
            raise FormatError(0, f"{where}: a rating project takes one rating; the file gives {len(regions)}")
        return {"rating": regions[0][0].get("rating")}
    if kind == "spans":
        return {"spans": [span for value, _ in regions for span in _spans(value, where)]}
    return {"boxes": [box for value, sizes in regions for box in _boxes(value, sizes, where)]}


def _strings(value: dict[str, Any], key: str, where: str) -> list[str]:
    found = value.get(key)
    if not isinstance(found, list) or not all(isinstance(item, str) for item in found):
        raise FormatError(0, f"{where}: value.{key} must be a list of strings")
    return found


def _spans(value: dict[str, Any], where: str) -> list[dict[str, Any]]:
    start, end = value.get("start"), value.get("end")
    return [{"start": start, "end": end, "label": label} for label in _strings(value, "labels", where)]


def _boxes(value: dict[str, Any], sizes: dict[str, Any], where: str) -> list[dict[str, Any]]:
    width, height = sizes.get("original_width"), sizes.get("original_height")
    if not _positive(width) or not _positive(height):
        raise FormatError(0, f"{where}: a rectangle needs original_width and original_height to turn percent into pixels")
    numbers = [value.get(key) for key in ("x", "y", "width", "height")]
    if not all(_number(n) for n in numbers):
        raise FormatError(0, f"{where}: a rectangle needs numbers x, y, width, height (percent)")
    if value.get("rotation") not in (None, 0, 0.0):
        raise FormatError(0, f"{where}: rotated rectangles ({value['rotation']} degrees) have no Accord equivalent")
    x, y, w, h = numbers
    box = {"x": _px(x, width), "y": _px(y, height), "width": _px(w, width), "height": _px(h, height)}
    return [{**box, "label": label} for label in _strings(value, "rectanglelabels", where)]


def _px(percent: float, size: float) -> float:
    return round(percent * size / 100, PIXEL_DIGITS)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positive(value: object) -> bool:
    return _number(value) and value > 0  # type: ignore[operator]
