"""Read a project's items for export in id-ordered chunks, as plain dicts (the import line format).

Items are read by keyset (id > last id) CHUNK_ITEMS at a time; their annotations and
predictions come with one query each per chunk, so memory holds one chunk at a time.
JSON columns are read as text and carried as RawJSON (see labeling.exporters.encode).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import F, TextField
from django.db.models.functions import Cast

from labeling.exporters.encode import RawJSON
from labeling.models import Annotation, Item, Prediction, Project

CHUNK_ITEMS = 2000
INCLUDES = ("all", "aggregate", "final")

ITEM_FIELDS = (
    "id",
    "external_id",
    "data_text",
    "agreement",
    "aggregate_text",
    "aggregate_confidence",
    "aggregate_method",
    "final_text",
    "final_reviewer__username",
    "final_decided_at",
)
ANNOTATION_FIELDS = (
    "item_id",
    "annotator__username",
    "value_text",
    "created_at",
    "guideline_version",
    "lead_time_ms",
    "unsure",
    "comment",
)


def _text(field: str) -> Cast:
    return Cast(F(field), output_field=TextField())


def _raw(text: str | None) -> RawJSON | None:
    return None if text is None else RawJSON(text)


def row_chunks(project: Project, *, include: str = "all") -> Iterator[list[dict[str, Any]]]:
    """Yield lists of export rows (dicts), CHUNK_ITEMS items per list, in item id order.

    include 'all': annotations, predictions, aggregate, agreement and final; 'aggregate':
    the aggregated label and agreement only; 'final': the final label only.
    """
    last_id = 0
    while True:
        items = list(
            Item.objects.filter(project=project, id__gt=last_id)
            .annotate(data_text=_text("data"), aggregate_text=_text("aggregate_value"), final_text=_text("final_value"))
            .order_by("id")
            .values(*ITEM_FIELDS)[:CHUNK_ITEMS]
        )
        if not items:
            return
        ids = [item["id"] for item in items]
        last_id = ids[-1]
        labels = _annotations(ids) if include == "all" else {}
        guesses = _predictions(ids) if include == "all" else {}
        yield [_row(item, include, labels.get(item["id"], []), guesses.get(item["id"], [])) for item in items]


def _row(item: dict[str, Any], include: str, labels: list[Any], guesses: list[Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"id": item["external_id"], "data": RawJSON(item["data_text"])}
    if include == "all":
        row["annotations"] = labels
        if guesses:
            row["predictions"] = guesses
    if include in ("all", "aggregate"):
        if item["aggregate_text"] is not None:
            row["aggregate"] = {
                "value": _raw(item["aggregate_text"]),
                "confidence": item["aggregate_confidence"],
                "method": item["aggregate_method"],
            }
        if item["agreement"] is not None:
            row["agreement"] = item["agreement"]
    if include in ("all", "final") and item["final_text"] is not None:
        row["final"] = {
            "value": _raw(item["final_text"]),
            "reviewer": item["final_reviewer__username"],
            "decided_at": _time(item["final_decided_at"]),
        }
    return row


def _annotations(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    # By item id range only: a project filter tempts PostgreSQL into scanning the whole
    # project. Items of other projects inside the range are dropped below.
    wanted = set(ids)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Annotation.objects.filter(item_id__gte=ids[0], item_id__lte=ids[-1])
        .annotate(value_text=_text("value"))
        .order_by("item_id", "id")
        .values_list(*ANNOTATION_FIELDS)
    )
    for item_id, annotator, value, created_at, version, lead_time, unsure, comment in rows:
        if item_id not in wanted:
            continue
        annotation = {
            "annotator": annotator,
            "value": RawJSON(value),
            "created_at": _time(created_at),
            "guideline_version": version,
            "lead_time_ms": lead_time,
        }
        if unsure:
            annotation["unsure"] = True
        if comment:
            annotation["comment"] = comment
        found[item_id].append(annotation)
    return found


def _predictions(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    wanted = set(ids)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Prediction.objects.filter(item_id__gte=ids[0], item_id__lte=ids[-1])
        .annotate(value_text=_text("value"))
        .order_by("item_id", "id")
        .values_list("item_id", "model_version", "value_text", "score")
    )
    for item_id, model, value, score in rows:
        if item_id in wanted:
            found[item_id].append({"model": model, "value": RawJSON(value), "score": score})
    return found


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
