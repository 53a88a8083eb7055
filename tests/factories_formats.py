"""Helpers of the import-format tests: schemas, and what an import stored, as plain data."""

from __future__ import annotations

import json
from typing import Any

from labeling.models import Annotation, Item, Prediction


def schema(kind: str, labels: list[str], **extra: Any) -> dict[str, Any]:
    data = "image" if kind == "boxes" else "text"
    return {"kind": kind, "data": data, "labels": [{"value": v} for v in labels], **extra}


def stored_items(project) -> dict[str, dict[str, Any]]:
    """{external_id: data} of the project's items."""
    return {item.external_id: item.data for item in Item.objects.filter(project=project).order_by("external_id")}


def stored_annotations(project) -> dict[tuple[str, str], Any]:
    """{(external_id, annotator username): value}."""
    rows = Annotation.objects.filter(item__project=project).select_related("item", "annotator")
    return {(row.item.external_id, row.annotator.username): row.value for row in rows}


def stored_predictions(project) -> dict[tuple[str, str], tuple[Any, float | None]]:
    rows = Prediction.objects.filter(project=project).select_related("item")
    return {(row.item.external_id, row.model_version): (row.value, row.score) for row in rows}


def write_json(path, obj) -> str:
    path.write_text(json.dumps(obj, indent=2), encoding="utf-8")
    return str(path)


def write_lines(path, objects) -> str:
    path.write_text("".join(json.dumps(obj) + "\n" for obj in objects), encoding="utf-8")
    return str(path)
