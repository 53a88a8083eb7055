"""Label Studio's formats: a label config (XML) for a schema, and results back to values."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

from labeling.prelabel.base import PrelabelInput

CONTROL_TAGS = {"single": "Choices", "multi": "Choices", "spans": "Labels", "boxes": "RectangleLabels"}
OPTION_TAGS = {"Choices": "Choice", "Labels": "Label", "RectangleLabels": "Label"}


def label_config(schema: dict[str, Any]) -> str:
    """A Label Studio <View> config describing the schema (object tag named after the data)."""
    data = schema.get("data", "text")
    source = '<Image name="image" value="$image"/>' if data == "image" else '<Text name="text" value="$text"/>'
    kind = schema["kind"]
    if kind == "rating":
        control = f'<Rating name="rating" toName="{data}" maxRating="{schema["scale"]["max"]}"/>'
    else:
        tag = CONTROL_TAGS[kind]
        options = "".join(
            f"<{OPTION_TAGS[tag]} value={quoteattr(label['value'])}/>" for label in schema["labels"]
        )
        choice = {"single": ' choice="single"', "multi": ' choice="multiple"'}.get(kind, "")
        control = f'<{tag} name="label" toName="{data}"{choice}>{options}</{tag}>'
    return f"<View>{source}{control}</View>"


def value_from_results(kind: str, results: list[Any], entry: PrelabelInput) -> dict[str, Any] | None:
    """Map a task's `result` list to an Accord value of `kind`, or None if nothing matches."""
    regions = [r for r in results if isinstance(r, dict) and isinstance(r.get("value"), dict)]
    if kind in ("single", "multi"):
        choices = [c for r in regions for c in r["value"].get("choices", [])]
        if not choices:
            return None
        return {"label": choices[0]} if kind == "single" else {"labels": sorted(set(choices))}
    if kind == "rating":
        ratings = [r["value"]["rating"] for r in regions if "rating" in r["value"]]
        return {"rating": ratings[0]} if ratings else None
    if kind == "spans":
        spans = [_span(r["value"]) for r in regions if "start" in r["value"]]
        return {"spans": [s for s in spans if s]} if spans else None
    boxes = [_box(r, entry) for r in regions if "x" in r["value"]]
    return {"boxes": [b for b in boxes if b]} if boxes else None


def _first_label(value: dict[str, Any], key: str) -> str | None:
    labels = value.get(key) or value.get("labels") or []
    return labels[0] if labels else None


def _span(value: dict[str, Any]) -> dict[str, Any] | None:
    label = _first_label(value, "labels")
    if label is None:
        return None
    return {"start": value["start"], "end": value["end"], "label": label}


def _box(region: dict[str, Any], entry: PrelabelInput) -> dict[str, Any] | None:
    """Label Studio boxes are in percent of the image; Accord boxes are in pixels."""
    value = region["value"]
    label = _first_label(value, "rectanglelabels")
    width = region.get("original_width") or entry.width
    height = region.get("original_height") or entry.height
    if label is None or not width or not height:
        return None
    return {
        "x": round(value["x"] * width / 100, 2),
        "y": round(value["y"] * height / 100, 2),
        "width": round(value["width"] * width / 100, 2),
        "height": round(value["height"] * height / 100, 2),
        "label": label,
    }


def results_from_value(schema: dict[str, Any], value: Any, entry: PrelabelInput) -> list[dict[str, Any]]:
    """An Accord value as Label Studio result regions naming `label_config`'s tags (the inverse
    of `value_from_results`): what model servers read in annotation webhooks."""
    if not isinstance(value, dict):
        return []
    kind, to_name = schema["kind"], schema.get("data", "text")
    if kind in ("single", "multi"):
        labels = [value["label"]] if kind == "single" else list(value.get("labels") or [])
        parts = [("choices", {"choices": labels})] if labels else []
    elif kind == "rating":
        parts = [("rating", {"rating": value.get("rating")})]
    elif kind == "spans":
        parts = [
            ("labels", {"start": s["start"], "end": s["end"], "text": entry.text[s["start"] : s["end"]],
                        "labels": [s["label"]]})
            for s in value.get("spans") or []
        ]  # fmt: skip
    else:
        parts = [("rectanglelabels", _box_percent(b, entry)) for b in value.get("boxes") or []]
    from_name = "rating" if kind == "rating" else "label"
    regions = [
        {"id": f"r{n}", "from_name": from_name, "to_name": to_name, "type": tag, "value": part}
        for n, (tag, part) in enumerate(parts)
    ]
    if kind == "boxes":
        for region in regions:
            region.update(original_width=entry.width, original_height=entry.height)
    return regions


def _box_percent(box: dict[str, Any], entry: PrelabelInput) -> dict[str, Any]:
    width, height = entry.width or 1, entry.height or 1
    return {
        "x": box["x"] * 100 / width,
        "y": box["y"] * 100 / height,
        "width": box["width"] * 100 / width,
        "height": box["height"] * 100 / height,
        "rotation": 0,
        "rectanglelabels": [box["label"]],
    }
