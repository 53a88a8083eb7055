"""Import items, annotations and predictions from a file, all or nothing; and import jobs.

`import_file` reads the file twice: pass 1 checks everything and raises ImportFailed with
every problem it found (nothing is written); pass 2 writes in large batches inside one
transaction. `import_job_create` stores an upload and runs it in a Celery task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from labeling.events import PROJECT_CHANGED, enqueue_on_commit
from labeling.exceptions import ImportFailed
from labeling.importers.check import MAX_ERRORS, records_check
from labeling.importers.records import RowError
from labeling.importers.sources import RecordStream, records_open
from labeling.importers.validate import record_check
from labeling.importers.writer import BatchWriter
from labeling.models import Membership, Project, Role
from labeling.services.audit import audit_record
from labeling.services.projects import user_get_or_create_inactive

Progress = Callable[[int, int], None]


@dataclass
class ImportCounts:
    items: int
    annotations: int
    predictions: int
    annotators: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def import_file(
    *,
    project: Project,
    path: str | Path,
    fmt: str = "auto",
    dedupe: bool = False,
    images: str | Path | None = None,
    actor: AbstractBaseUser | None = None,
    progress: Progress | None = None,
) -> ImportCounts:
    """Import `path` (jsonl, json, csv, or a zip/folder of images) into `project`.

    fmt 'auto' goes by the file name. `dedupe` keeps the first of repeated (item, annotator)
    pairs instead of reporting them. `images` is a zip or folder the items' data.image paths
    point into. `progress(done, total)` is called as the file is read (total = both passes).
    Raises ImportFailed(details=[{"line", "message"}, ...]) and writes nothing when any
    record is bad. Afterwards the review app recomputes the project's agreement.
    """
    kind = project.kind
    with records_open(path, fmt=fmt, kind=kind, images=images) as opened:
        report = _halves(progress, first=True)
        checked = records_check(opened, project=project, dedupe=dedupe, progress=report)
    if checked.errors:
        more = f" (stopped at the first {MAX_ERRORS})" if checked.full else ""
        count = len(checked.errors)
        raise ImportFailed(
            f"The import has {count} problem{'s' if count != 1 else ''}{more}; nothing was imported",
            details=[error.as_dict() for error in checked.errors],
        )
    with transaction.atomic():
        annotator_ids = _annotators(project, checked.annotators)
        with records_open(path, fmt=fmt, kind=kind, images=images) as opened:
            writer = BatchWriter(project=project, annotator_ids=annotator_ids, now=timezone.now(), images=opened.images)
            try:
                _write_all(opened, writer, project, dedupe, _halves(progress, first=False))
            except BaseException:
                writer.discard_files()
                raise
        counts = ImportCounts(writer.counts.items, writer.counts.annotations, writer.counts.predictions, len(annotator_ids))
        audit_record(project=project, actor=actor, action="import", target_type="project", target_id=project.pk, after=counts.as_dict())
        enqueue_on_commit(PROJECT_CHANGED, [project.pk])
    return counts


def _halves(progress: Progress | None, *, first: bool) -> Progress | None:
    """Map one pass's (done, total) bytes onto the whole import: pass 1 is the first half."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(done if first else total + done, 2 * total)

    return report


def _write_all(opened: RecordStream, writer: BatchWriter, project: Project, dedupe: bool, progress: Progress | None) -> None:
    for record in opened.records:
        if isinstance(record, RowError):  # the file changed since pass 1
            raise ImportFailed("The file changed during the import", details=[record.as_dict()])
        record_check(record, schema=project.schema, dedupe=dedupe)
        if writer.add(record) and progress is not None:
            progress(opened.position(), opened.total)
    writer.flush()


def _annotators(project: Project, names: set[str]) -> dict[str, int]:
    """User ids of the annotators named in the file; unknown names become inactive members."""
    user_model = get_user_model()
    ids = dict(user_model.objects.filter(username__in=names).values_list("username", "pk"))
    for name in sorted(names - set(ids)):
        ids[name] = user_get_or_create_inactive(username=name).pk
    inactive = user_model.objects.filter(pk__in=ids.values(), is_active=False).values_list("pk", flat=True)
    Membership.objects.bulk_create(
        [Membership(project=project, user_id=pk, role=Role.ANNOTATOR) for pk in inactive],
        ignore_conflicts=True,
    )
    return ids
