"""Label Studio's JSON export: a JSON array of tasks with their annotations and predictions.

Task: {"id", "data", "annotations": [{"completed_by", "result": [...], "was_cancelled",
"ground_truth", "created_at", "lead_time"}], "predictions": [{"model_version", "score",
"result"}]}. Cancelled (skipped) annotations and annotations with no results are left out;
ground-truth annotations are imported like the others. `completed_by` (an id, or an object
with an email) becomes a stable annotator name: the email, else "label-studio-user-<id>".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from labeling.importers.parse.foreign.base import (
    FormatContext,
    FormatError,
    json_array_elements,
    record_of,
)
from labeling.importers.parse.foreign.label_studio_results import value_from_results
from labeling.importers.parse.records import ItemRecord, RowError
from labeling.prediction_margins import prediction_probabilities

TITLE = "Label Studio JSON"
DEFAULT_MODEL = "label-studio"


def read_label_studio(stream: BinaryIO, context: FormatContext) -> Iterator[ItemRecord | RowError]:
    """One record per task; a RowError names the task and its problem."""
    for number, (line, task) in enumerate(json_array_elements(stream, TITLE, "tasks"), start=1):
        try:
            yield record_of(task_object(task, number, context), line)
        except FormatError as error:
            yield RowError(error.line or line, f"{TITLE}: {error.message}")


def task_object(task: object, number: int, context: FormatContext) -> dict[str, Any]:
    """Accord's import object of one task."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise FormatError(0, f"task {number} must be an object with a 'data' object")
    item_id = task.get("id", number)
    where = f"task {item_id}"
    annotations = []
    for annotation in _list(task, "annotations", where):
        if annotation.get("was_cancelled") or not annotation.get("result"):
            continue
        annotations.append(_annotation(annotation, context.kind, where))
    predictions = []
    for prediction in _list(task, "predictions", where):
        if prediction.get("result"):
            predictions.append(_prediction(prediction, context.kind, where))
    return {"id": item_id, "data": task_data(task["data"], context), "annotations": annotations, "predictions": predictions}


def task_data(data: dict[str, Any], context: FormatContext) -> dict[str, Any]:
    """The task's data, with data.text (or data.image) set when one other string field holds it."""
    key = context.data_key
    if key in data or (context.kind not in ("boxes", "spans") and ("text" in data or "image" in data)):
        return data
    strings = [value for value in data.values() if isinstance(value, str)]
    return {**data, key: strings[0]} if len(strings) == 1 else data


def annotator_name(completed_by: object, where: str) -> str:
    """A stable name for Label Studio's completed_by: the user's email, else the username an
    object carries (Accord's own Label Studio export writes it), else label-studio-user-<id>."""
    if isinstance(completed_by, dict):
        for key in ("email", "username"):
            name = completed_by.get(key)
            if isinstance(name, str) and name.strip():
                return name.strip()
        completed_by = completed_by.get("id")
    if isinstance(completed_by, str) and completed_by.strip():
        return completed_by.strip()
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return f"label-studio-user-{completed_by}"
    raise FormatError(0, f"{where}: an annotation has no completed_by")


def _annotation(annotation: dict[str, Any], kind: str, where: str) -> dict[str, Any]:
    name = annotator_name(annotation.get("completed_by"), where)
    found = {"annotator": name, "value": value_from_results(annotation["result"], kind, f"{where}, annotation by {name}")}
    if isinstance(annotation.get("created_at"), str):
        found["created_at"] = annotation["created_at"]
    lead_time = annotation.get("lead_time")
    if isinstance(lead_time, int | float) and not isinstance(lead_time, bool) and lead_time >= 0:
        found["lead_time_ms"] = round(lead_time * 1000)
    return found


def _prediction(prediction: dict[str, Any], kind: str, where: str) -> dict[str, Any]:
    model = prediction.get("model_version")
    model = str(model).strip() if model not in (None, "") else DEFAULT_MODEL
    value = value_from_results(prediction["result"], kind, f"{where}, prediction of {model}")
    found = {"model": model, "value": value, "score": prediction.get("score")}
    probabilities = prediction_probabilities(prediction)
    if probabilities:
        found["probabilities"] = probabilities
    return found


def _list(task: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    found = task.get(key) or []
    if not isinstance(found, list) or not all(isinstance(entry, dict) for entry in found):
        raise FormatError(0, f"{where}: '{key}' must be a list of objects")
    return found
