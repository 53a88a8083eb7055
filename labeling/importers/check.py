"""Pass 1 of a two-pass import: read every record and collect what is wrong, writing nothing.

`record_problems` is also the per-record check of the one-pass import (one_pass.py).

Finds syntax and encoding errors, missing fields, ids repeated in the file or already in
the project, values the schema rejects, repeated (item, annotator) pairs, and bad images.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from labeling.importers.images import ImageProblem, image_inspect
from labeling.importers.records import ItemRecord, RowError
from labeling.importers.sources import RecordStream
from labeling.importers.tally import ImportTally
from labeling.importers.validate import record_check
from labeling.models import Item, Project

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

    Keeps one set of the file's ids (strings) to find repeats; ids already in the project
    are looked up LOOKUP_BATCH at a time.
    """
    result = CheckResult()
    seen: set[str] = set()
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
    record: ItemRecord, project: Project, dedupe: bool, opened: RecordStream, seen: set[str], result: CheckResult
) -> None:
    """Add the record's problems (repeated id, schema, repeated annotator, image) to `result`."""
    result.items += 1
    if record.external_id in seen:
        result.errors.append(RowError(record.line, f"duplicate id {record.external_id} (it appears earlier in the file)"))
    seen.add(record.external_id)
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
