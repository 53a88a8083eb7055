"""Check ItemRecords against the project: what an import may write, and every problem it may not.

Checks of meaning, after labeling.importers.parse.shape has checked the shape:
- `record_check`, one record alone: values valid for the schema (labeling.schema.value_validate,
  normalising them in place), data.text or data.image present, one annotation per annotator and
  one prediction per model (or, with `dedupe`, the first one kept), gold answers;
- `record_problems`, one record within its file: the id not repeated from earlier in the file,
  its image readable (image imports); calls `record_check`;
- `records_check`, the whole file (pass 1 of the two-pass import, writing nothing): every record,
  plus ids already in the project, looked up LOOKUP_BATCH at a time.
The one-pass import (labeling.importers.load.copy) calls `record_problems` per record and looks
ids up itself; pass 2 of the two-pass import calls `record_check` again to normalise, so what
pass 1 accepted is exactly what is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from labeling.exceptions import ValueInvalid
from labeling.image_urls import image_url_problem, is_image_url
from labeling.importers.parse.images import ImageProblem, image_inspect
from labeling.importers.parse.records import (
    AnnotationRecord,
    ItemRecord,
    PredictionRecord,
    RowError,
)
from labeling.importers.parse.seen_ids import SeenIds
from labeling.importers.parse.stream import RecordStream
from labeling.importers.tally import ImportTally
from labeling.models import Item, Project
from labeling.schema import value_validate
from labeling.values import declared_labels, value_from_answer

MAX_ERRORS = 50
LOOKUP_BATCH = 5000
PROGRESS_EVERY = 5000

Progress = Callable[[int, int], None]


@dataclass
class CheckResult:
    items: int = 0
    annotations: int = 0  # as they will be written (after dedupe)
    predictions: int = 0
    annotators: set[str] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)
    tally: ImportTally = field(default_factory=ImportTally)  # of what was written

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS


def records_check(
    opened: RecordStream,
    *,
    project: Project,
    dedupe: bool,
    progress: Progress | None = None,
) -> CheckResult:
    """Check every record of `opened`; stops early once MAX_ERRORS problems are collected.

    Keeps the file's ids as digests (SeenIds, ~17 bytes an id) to find repeats; ids already in
    the project are looked up LOOKUP_BATCH at a time.
    """
    result = CheckResult()
    seen = SeenIds()
    waiting: list[ItemRecord] = []
    for record in opened.records:
        if isinstance(record, RowError):
            result.errors.append(record)
        else:
            record_problems(record, project, dedupe, opened, seen, result)
            waiting.append(record)
            if len(waiting) >= LOOKUP_BATCH:
                _check_existing(project, waiting, result)
                waiting = []
        if result.full:
            break
        if progress is not None and result.items % PROGRESS_EVERY == 0:
            progress(opened.position(), opened.total)
    _check_existing(project, waiting, result)
    result.errors = sorted(result.errors[:MAX_ERRORS], key=lambda error: error.line)
    return result


def record_problems(
    record: ItemRecord, project: Project, dedupe: bool, opened: RecordStream, seen: SeenIds, result: CheckResult
) -> None:
    """Add the record's problems (repeated id, schema, repeated annotator, image) to `result`."""
    result.items += 1
    if seen.add(record.external_id):
        result.errors.append(RowError(record.line, f"duplicate id {record.external_id} (it appears earlier in the file)"))
    result.errors.extend(record_check(record, schema=project.schema, dedupe=dedupe))
    result.annotators.update(annotation.annotator for annotation in record.annotations)
    result.annotations += len(record.annotations)
    result.predictions += len(record.predictions)
    if opened.images is not None and record.image_name:
        try:
            image_inspect(opened.images, record.image_name)
        except ImageProblem as problem:
            result.errors.append(RowError(record.line, f"item {record.external_id}: {problem}"))


def _check_existing(project: Project, records: list[ItemRecord], result: CheckResult) -> None:
    if not records:
        return
    ids = [record.external_id for record in records]
    existing = set(Item.objects.filter(project=project, external_id__in=ids).values_list("external_id", flat=True))
    for record in records:
        if record.external_id in existing:
            message = f"id {record.external_id} already exists in the project"
            result.errors.append(RowError(record.line, message))


def record_check(record: ItemRecord, *, schema: dict[str, Any], dedupe: bool) -> list[RowError]:
    """Check the record against the schema, normalising values in place.

    Repeated (item, annotator) pairs and repeated models are errors, unless `dedupe` is set:
    then the first one is kept and the later ones dropped.
    """
    errors = _data_errors(record, schema)
    text = record.data.get("text") if isinstance(record.data.get("text"), str) else None
    seen: dict[str, int] = {}
    kept: list[AnnotationRecord] = []
    for annotation in record.annotations:
        first = seen.get(annotation.annotator)
        if first is not None:
            if not dedupe:
                errors.append(RowError(annotation.line, _repeat_message(record, annotation, first)))
            continue
        seen[annotation.annotator] = annotation.line
        where = ("annotation by", annotation.annotator)
        annotation.value = _valid_value(schema, annotation.value, text, record, where, annotation.line, errors)
        kept.append(annotation)
    record.annotations = kept
    models: set[str] = set()
    predictions: list[PredictionRecord] = []
    for prediction in record.predictions:
        if prediction.model in models:
            if not dedupe:
                message = f"item {record.external_id}: two predictions of model {prediction.model}"
                errors.append(RowError(prediction.line, message))
            continue
        models.add(prediction.model)
        where = ("prediction of", prediction.model)
        prediction.value = _valid_value(schema, prediction.value, text, record, where, prediction.line, errors)
        predictions.append(prediction)
    record.predictions = predictions
    if record.gold is not None:
        answer = value_from_answer(schema["kind"], record.gold)
        record.gold = _valid_value(schema, answer, text, record, ("gold", "answer"), record.line, errors)
    return errors


def _repeat_message(record: ItemRecord, annotation: AnnotationRecord, first: int) -> str:
    lines = f"line {first}" if first == annotation.line else f"lines {first} and {annotation.line}"
    return (
        f"item {record.external_id}: annotator {annotation.annotator} labels it twice ({lines}); "
        "keep the first with --dedupe first"
    )


def _data_errors(record: ItemRecord, schema: dict[str, Any]) -> list[RowError]:
    key = "image" if schema.get("data") == "image" else "text"
    if not isinstance(record.data.get(key), str):
        return [RowError(record.line, f"item {record.external_id}: data.{key} must be a string")]
    image = record.data.get("image")
    if key == "image" and is_image_url(image):  # in text projects data.image is only carried along
        problem = image_url_problem(image, schema.get("settings") or {})
        if problem is not None:
            return [RowError(record.line, f"item {record.external_id}: {problem}")]
    return []


def _valid_value(
    schema: dict[str, Any], value: object, text: str | None, record: ItemRecord, where: tuple[str, str], line: int, errors: list[RowError]
) -> Any:
    labels = _single_labels(schema)
    label = value.get("label") if labels is not None and isinstance(value, dict) else None
    if isinstance(label, str) and label in labels:  # type: ignore[operator]
        return {"label": label}  # what value_validate returns, without rebuilding the label set
    try:
        return value_validate(schema, value, text=text)
    except ValueInvalid as error:
        errors.append(RowError(line, f"item {record.external_id}: {where[0]} {where[1]}: {error.message}"))
        return value


_last_schema: tuple[dict[str, Any], frozenset[str] | None] = ({}, None)


def _single_labels(schema: dict[str, Any]) -> frozenset[str] | None:
    """The label values of a single-label schema (None for other kinds), for the last schema seen.

    An import checks every value against the same schema object; one slot is enough and
    holding that object keeps its id from being reused.
    """
    global _last_schema
    cached_schema, labels = _last_schema
    if cached_schema is not schema:
        labels = frozenset(declared_labels(schema)) if schema.get("kind") == "single" else None
        _last_schema = (schema, labels)
    return labels
