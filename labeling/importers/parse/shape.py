"""Turn one decoded object of an import file into an ItemRecord, checking its shape only.

`record_from_object` (and `annotation_from_object`, `external_id_of`, `timestamp_of` for the
CSV reader) raise ShapeError when a field is missing or has the wrong type: the reader reports
the line and goes on. Whether the values mean anything for the project (its schema, repeats)
is labeling.importers.parse.checks' business.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from labeling.importers.parse.records import AnnotationRecord, ItemRecord, PredictionRecord
from labeling.prediction_margins import prediction_probabilities

MAX_ID_LENGTH = 255
MAX_NAME_LENGTH = 150


class ShapeError(Exception):
    """A field is missing or has the wrong type; the message names it."""


def record_from_object(obj: object, line: int) -> ItemRecord:
    """Build an ItemRecord from one decoded import object; raise ShapeError when malformed."""
    if not isinstance(obj, dict):
        raise ShapeError("each item must be a JSON object")
    if "id" not in obj:
        raise ShapeError("missing field 'id'")
    if "data" not in obj:
        raise ShapeError("missing field 'data'")
    external_id = external_id_of(obj["id"])
    if not isinstance(obj["data"], dict):
        raise ShapeError(f"item {external_id}: 'data' must be an object")
    return ItemRecord(
        line=line,
        external_id=external_id,
        data=obj["data"],
        annotations=[annotation_from_object(a, line, external_id) for a in _list(obj, "annotations")],
        predictions=[_prediction(p, line, external_id) for p in _list(obj, "predictions")],
        gold=obj.get("gold"),
    )


def external_id_of(raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ShapeError("'id' must be a string or an integer")
    external_id = str(raw).strip()
    if not external_id or len(external_id) > MAX_ID_LENGTH:
        raise ShapeError(f"'id' must have 1 to {MAX_ID_LENGTH} characters")
    return external_id


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ShapeError(f"'{key}' must be a list")
    return value


def annotation_from_object(raw: object, line: int, item_id: str) -> AnnotationRecord:
    # Messages are built only on failure: this runs once per annotation of a large import.
    if not isinstance(raw, dict):
        raise ShapeError(f"item {item_id}: annotation must be an object")
    annotator = raw.get("annotator")
    if not isinstance(annotator, str) or not annotator.strip() or len(annotator) > MAX_NAME_LENGTH:
        raise ShapeError(f"item {item_id}: annotation needs an 'annotator' name (1 to {MAX_NAME_LENGTH} characters)")
    if "value" not in raw:
        raise ShapeError(f"item {item_id}: annotation by {annotator} is missing 'value'")
    comment = raw.get("comment") or ""
    if not isinstance(comment, str):
        raise ShapeError(f"item {item_id}: annotation by {annotator}: 'comment' must be a string")
    created_at = raw.get("created_at")
    version = raw.get("guideline_version")
    lead_time = raw.get("lead_time_ms")
    return AnnotationRecord(
        line=line,
        annotator=annotator.strip(),
        value=raw["value"],
        created_at=None if created_at is None else timestamp_of(created_at, f"item {item_id}: annotation by {annotator}"),
        guideline_version=None if version is None else _count(version, "guideline_version", item_id),
        lead_time_ms=lead_time if type(lead_time) is int and lead_time >= 0 else _count(lead_time, "lead_time_ms", item_id),
        unsure=bool(raw.get("unsure", False)),
        comment=comment,
        prelabel_shown=bool(raw.get("prelabel_shown", False)),
    )


def _prediction(raw: object, line: int, item_id: str) -> PredictionRecord:
    where = f"item {item_id}: prediction"
    if not isinstance(raw, dict):
        raise ShapeError(f"{where} must be an object")
    model = raw.get("model")
    if not isinstance(model, str) or not model.strip() or len(model) > 200:
        raise ShapeError(f"{where} needs a 'model' name")
    if "value" not in raw:
        raise ShapeError(f"{where} of {model} is missing 'value'")
    score = raw.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise ShapeError(f"{where} of {model}: 'score' must be a number")
    probabilities = prediction_probabilities(raw) or None
    return PredictionRecord(
        line=line, model=model.strip(), value=raw["value"], score=score, probabilities=probabilities
    )


def _count(raw: object, name: str, item_id: str) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise ShapeError(f"item {item_id}: annotation: '{name}' must be a non-negative integer")
    return raw


def timestamp_of(raw: object, where: str) -> datetime | None:
    """Parse an ISO 8601 timestamp; naive ones are taken as UTC."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ShapeError(f"{where}: 'created_at' must be an ISO 8601 string")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ShapeError(f"{where}: 'created_at' {raw!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
