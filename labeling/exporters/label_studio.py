"""Label Studio JSON export: the tasks array Label Studio imports, so a team can go back.

Each item is a task: {"id": the item's database id, "data": the item's data, "meta":
{"external_id"}, "annotations": [{"id", "completed_by": {"id", "email", "username"},
"result": [...], "was_cancelled": false, "ground_truth", "created_at", "lead_time" (seconds)}],
"predictions": [{"model_version", "score", "result": [...]}]}.

A result region is {"id", "from_name", "to_name", "type", "value", "origin"}; the names match a
labeling config with a <Choices name="choice">, <Rating name="rating">, <Labels name="label"> or
<RectangleLabels name="label"> on the object tag "text" or "image" (the schema's data):
- single / multi: type "choices", value {"choices": [...]} (an empty label set: no region);
- rating: type "rating", value {"rating": n};
- spans: one "labels" region per span, value {"start", "end", "text", "labels": [label]};
- boxes: one "rectanglelabels" region per box, value {"x", "y", "width", "height",
  "rotation": 0, "rectanglelabels": [label]} in percent of the image, with "original_width" and
  "original_height" (the item's pixel size) beside it. Boxes of an image of unknown size are
  left out (percentages need the size).

`include`: "all" writes every annotation and prediction; "aggregate" writes the aggregate as
the only prediction (model_version "accord-aggregate-<method>", score its confidence);
"final" writes the final value as the only annotation (ground_truth true, completed_by the
reviewer). Streamed as one JSON array, CHUNK_ITEMS items per chunk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from labeling.exporters.label_studio_results import results_of
from labeling.exporters.labelled_items import ExportItem, LabelRecord, Person, item_chunks
from labeling.models import Project


def export_label_studio(
    project: Project, *, include: str = "all", source: str = "settled"
) -> Iterator[str]:
    """Yield text chunks that together form the JSON array of tasks (`source` does not apply)."""
    schema = project.schema
    opened = False
    for items in item_chunks(project, annotations=include == "all", predictions=include == "all"):
        body = ",\n".join(
            json.dumps(task_of(item, schema, include), ensure_ascii=False) for item in items
        )
        yield (",\n" if opened else "[\n") + body
        opened = True
    yield "\n]\n" if opened else "[]\n"


def task_of(item: ExportItem, schema: dict[str, Any], include: str) -> dict[str, Any]:
    """The Label Studio task of an item."""
    annotations = [_annotation(record, item, schema) for record in item.annotations]
    predictions = [_prediction(record, item, schema) for record in item.predictions]
    if include == "final" and item.final is not None:
        settled = LabelRecord(item.pk, item.final, item.final_reviewer, item.final_decided_at)
        annotations = [_annotation(settled, item, schema) | {"ground_truth": True}]
    if include == "aggregate" and item.aggregate is not None:
        model = f"accord-aggregate-{item.aggregate_method or 'majority'}"
        guess = LabelRecord(
            item.pk, item.aggregate, model_version=model, score=item.aggregate_confidence
        )
        predictions = [_prediction(guess, item, schema)]
    return {
        "id": item.pk,
        "data": item.data,
        "meta": {"external_id": item.external_id},
        "annotations": annotations,
        "predictions": predictions,
    }


def _annotation(record: LabelRecord, item: ExportItem, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record.id,
        "completed_by": _person(record.person),
        "result": results_of(record.value, item, schema, f"a{record.id}"),
        "was_cancelled": False,
        "ground_truth": False,
        "created_at": record.created_at.isoformat() if record.created_at else None,
        "lead_time": record.lead_time_ms / 1000 if record.lead_time_ms is not None else None,
    }


def _prediction(record: LabelRecord, item: ExportItem, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "model_version": record.model_version,
        "score": record.score,
        "result": results_of(record.value, item, schema, f"p{record.id}"),
    }


def _person(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.id, "email": person.email, "username": person.username}
