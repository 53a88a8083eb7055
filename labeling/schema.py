"""Validate label schemas and annotation values against DESIGN.md's contract (pure, no Django).

`schema_validate` returns a normalised copy of a schema or raises SchemaError;
`value_validate` checks one annotation value against a validated schema or raises ValueInvalid.
Both are used by the API, the importer, the admin and the services, so one rule covers all.
"""

from __future__ import annotations

import math
import re
from typing import Any

from labeling.exceptions import SchemaError, ValueInvalid
from labeling.image_urls import image_hosts_validate
from labeling.values import declared_labels

KINDS = ("single", "multi", "rating", "spans", "boxes")
DATA_TYPES = ("text", "image")
LEVELS = ("ordinal", "interval", "ratio")
# "auto": Dawid-Skene when annotators have enough labels each, else majority (review decides).
AGGREGATIONS = ("auto", "majority", "dawid_skene")
# A DNS name: dot-separated labels of letters, digits and inner hyphens (no scheme, port, path).
_DNS_LABEL = r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
HOST_NAME = re.compile(rf"(?=.{{1,253}}$)({_DNS_LABEL}\.)*{_DNS_LABEL}")
# review_budget: share of the labeled items the review queue holds at most (riskiest first);
# risk_threshold: optional floor on an item's p_wrong for it to be queued (null = none).
DEFAULT_SETTINGS: dict[str, Any] = {
    "overlap": 3,
    "aggregation": "auto",
    "review_budget": 0.15,
    "risk_threshold": None,
}


def schema_validate(raw: object) -> dict[str, Any]:
    """Check a label schema and fill defaults; raise SchemaError naming the first bad field."""
    if not isinstance(raw, dict):
        raise SchemaError("The label schema must be a JSON object")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise SchemaError(f"schema.kind must be one of {', '.join(KINDS)}; got {kind!r}")
    data = raw.get("data", "text")
    if data not in DATA_TYPES:
        raise SchemaError(f"schema.data must be 'text' or 'image'; got {data!r}")
    if kind == "boxes" and data != "image":
        raise SchemaError("schema.kind 'boxes' needs schema.data 'image'")
    if kind == "spans" and data != "text":
        raise SchemaError("schema.kind 'spans' needs schema.data 'text'")
    schema: dict[str, Any] = {"kind": kind, "data": data}
    if kind == "rating":
        schema.update(_rating_part(raw))
        if "labels" in raw:
            schema["labels"] = _labels(raw["labels"], required=False)
    else:
        schema["labels"] = _labels(raw.get("labels"), required=True)
    schema["settings"] = _settings(raw.get("settings", {}))
    return schema


def _labels(raw: object, *, required: bool) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or (required and not raw):
        raise SchemaError("schema.labels must be a non-empty list of {value, hotkey, description}")
    labels = [_label(index, entry) for index, entry in enumerate(raw)]
    values = [label["value"] for label in labels]
    for value in values:
        if values.count(value) > 1:
            raise SchemaError(f"schema.labels has the value {value!r} twice")
    hotkeys = [label["hotkey"] for label in labels if "hotkey" in label]
    for key in hotkeys:
        if hotkeys.count(key) > 1:
            raise SchemaError(f"schema.labels: hotkey {key!r} is used twice")
    return labels


def _label(index: int, entry: object) -> dict[str, Any]:
    if isinstance(entry, str):
        entry = {"value": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("value"), str) or not entry["value"]:
        raise SchemaError(f"schema.labels[{index}] needs a non-empty string 'value'")
    label: dict[str, Any] = {"value": entry["value"]}
    hotkey = entry.get("hotkey")
    if hotkey not in (None, ""):
        if not isinstance(hotkey, str) or len(hotkey) != 1:
            raise SchemaError(f"schema.labels[{index}].hotkey must be one character")
        label["hotkey"] = hotkey
    for key in ("description", "color"):
        if entry.get(key) is not None:
            if not isinstance(entry[key], str):
                raise SchemaError(f"schema.labels[{index}].{key} must be a string")
            label[key] = entry[key]
    return label


def _rating_part(raw: dict[str, Any]) -> dict[str, Any]:
    scale = raw.get("scale")
    if not isinstance(scale, dict):
        raise SchemaError("A rating schema needs scale: {\"min\": 1, \"max\": 5}")
    low, high = scale.get("min"), scale.get("max")
    if not _is_int(low) or not _is_int(high) or low >= high:
        raise SchemaError("schema.scale needs integer min < max")
    level = raw.get("level", "ordinal")
    if level not in LEVELS:
        raise SchemaError(f"schema.level must be one of {', '.join(LEVELS)}; got {level!r}")
    return {"scale": {"min": low, "max": high}, "level": level}


def _settings(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise SchemaError("schema.settings must be an object")
    merged = {**DEFAULT_SETTINGS, **raw}
    overlap = merged["overlap"]
    if not _is_int(overlap) or not 1 <= overlap <= 50:
        raise SchemaError("settings.overlap must be an integer from 1 to 50")
    if merged["aggregation"] not in AGGREGATIONS:
        raise SchemaError(f"settings.aggregation must be one of {', '.join(AGGREGATIONS)}")
    if "guideline_image_hosts" in merged:
        merged["guideline_image_hosts"] = guideline_image_hosts_validate(merged["guideline_image_hosts"])
    prelabel = merged.get("prelabel")
    if isinstance(prelabel, dict) and ("password" in prelabel or "token" in prelabel):
        # Secrets are sealed apart (labeling.services.model_server), never kept in the schema.
        raise SchemaError(
            "settings.prelabel must not hold a password or token; set them through "
            "PATCH /api/projects/{id} or the pre-label page, which store them encrypted"
        )
    if "image_hosts" in merged:
        merged["image_hosts"] = image_hosts_validate(merged["image_hosts"])
    if not _is_share(merged["review_budget"]):
        raise SchemaError("settings.review_budget must be a number from 0 to 1")
    if merged["risk_threshold"] is not None and not _is_share(merged["risk_threshold"]):
        raise SchemaError("settings.risk_threshold must be a number from 0 to 1, or null")
    return merged


def guideline_image_hosts_validate(raw: object) -> list[str]:
    """settings.guideline_image_hosts: a list of bare host names ("img.example.org"), lowercased."""
    message = "settings.guideline_image_hosts must be a list of host names like img.example.org"
    if not isinstance(raw, list) or len(raw) > 50:
        raise SchemaError(message)
    hosts = []
    for host in raw:
        if not isinstance(host, str) or not HOST_NAME.fullmatch(host.strip()):
            raise SchemaError(f"{message}; got {host!r}")
        hosts.append(host.strip().lower())
    return hosts


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_share(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def value_validate(
    schema: dict[str, Any],
    value: object,
    *,
    text: str | None = None,
    size: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Check one annotation value against the schema; return it normalised.

    `text` (for spans) lets offsets be checked against the item's text length, counted in
    Python str indices (code points, not UTF-16 units). `size` (for boxes: the image's width
    and height in pixels) keeps every box inside the image.
    """
    if not isinstance(value, dict):
        raise ValueInvalid("An annotation value must be a JSON object")
    kind = schema["kind"]
    allowed = set(declared_labels(schema))
    if kind == "single":
        label = value.get("label")
        if label not in allowed:
            raise ValueInvalid(f"label {label!r} is not in the schema ({', '.join(sorted(allowed))})")
        return {"label": label}
    if kind == "multi":
        labels = value.get("labels")
        if not isinstance(labels, list) or any(lab not in allowed for lab in labels):
            raise ValueInvalid(f"labels must be a list drawn from {', '.join(sorted(allowed))}")
        if len(set(labels)) != len(labels):
            raise ValueInvalid("labels must not repeat a label")
        return {"labels": sorted(labels, key=declared_labels(schema).index)}
    if kind == "rating":
        rating = value.get("rating")
        low, high = schema["scale"]["min"], schema["scale"]["max"]
        if not _is_int(rating) or not low <= rating <= high:
            raise ValueInvalid(f"rating must be an integer from {low} to {high}; got {rating!r}")
        return {"rating": rating}
    if kind == "spans":
        return {"spans": _spans(value.get("spans"), allowed, text)}
    return {"boxes": _boxes(value.get("boxes"), allowed, size)}


def _spans(raw: object, allowed: set[str], text: str | None) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise ValueInvalid("spans must be a list of {start, end, label}")
    spans = []
    for index, span in enumerate(raw):
        if not isinstance(span, dict):
            raise ValueInvalid(f"spans[{index}] must be an object")
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not _is_int(start) or not _is_int(end) or not 0 <= start < end:
            raise ValueInvalid(f"spans[{index}] needs integer offsets with 0 <= start < end")
        if text is not None and end > len(text):
            raise ValueInvalid(f"spans[{index}] ends at {end}, past the text's {len(text)} characters")
        if label not in allowed:
            raise ValueInvalid(f"spans[{index}].label {label!r} is not in the schema")
        spans.append({"start": start, "end": end, "label": label})
    return sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))


def _boxes(raw: object, allowed: set[str], size: tuple[int, int] | None) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise ValueInvalid("boxes must be a list of {x, y, width, height, label}")
    return [_box(index, box, allowed, size) for index, box in enumerate(raw)]


def _box(
    index: int, box: object, allowed: set[str], size: tuple[int, int] | None
) -> dict[str, Any]:
    if not isinstance(box, dict):
        raise ValueInvalid(f"boxes[{index}] must be an object")
    numbers = [box.get(key) for key in ("x", "y", "width", "height")]
    if any(not _is_number(n) or not math.isfinite(n) or n < 0 for n in numbers):  # type: ignore[arg-type]
        raise ValueInvalid(f"boxes[{index}] needs non-negative numbers x, y, width, height")
    x, y, width, height = numbers
    if width <= 0 or height <= 0:  # type: ignore[operator]
        raise ValueInvalid(f"boxes[{index}] needs a positive width and height")
    if size is not None and (x + width > size[0] or y + height > size[1]):  # type: ignore[operator]
        raise ValueInvalid(f"boxes[{index}] reaches past the image's {size[0]}x{size[1]} pixels")
    if box.get("label") not in allowed:
        raise ValueInvalid(f"boxes[{index}].label {box.get('label')!r} is not in the schema")
    return {"x": x, "y": y, "width": width, "height": height, "label": box["label"]}
