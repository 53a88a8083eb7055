"""Import items, annotations and predictions from a file, all or nothing; import jobs.

On PostgreSQL a text import reads the file once: each record is checked and COPYed in one
transaction, which a problem anywhere rolls back (labeling.importers.load.copy). Elsewhere
(SQLite, or image files to store) `import_file` reads the file twice: pass 1 checks
everything and raises ImportFailed with every problem it found (nothing is written); pass 2
writes in large batches inside one transaction. `import_job_create` stores an upload; a
Celery task runs it (`import_job_run`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from labeling import task_names
from labeling.db.backend import is_postgresql
from labeling.db.maintenance import table_analyze_after_load
from labeling.events import drain_pending_on_commit, send_after_commit
from labeling.exceptions import ImportFailed
from labeling.file_storage import local_copy
from labeling.importers.load.copy import records_copy
from labeling.importers.load.write_pass import BatchWriter
from labeling.importers.parse.checks import MAX_ERRORS, CheckResult, record_check, records_check
from labeling.importers.parse.records import RowError
from labeling.importers.parse.stream import FORMATS, RecordStream, format_detect, records_open
from labeling.importers.tally import ImportTally
from labeling.models import ImportJob, Item, JobStatus, Membership, Project, Role
from labeling.services.audit import audit_record
from labeling.services.counts import items_imported
from labeling.services.import_progress import job_progress
from labeling.services.import_replace import items_replace_prepare
from labeling.services.job_events import import_job_finished_announce
from labeling.services.lifecycle import project_writable
from labeling.services.projects import user_get_or_create_inactive

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
ANALYZE_AFTER = 10_000  # items; smaller imports leave statistics to autovacuum


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
    replace: bool = False,
) -> ImportCounts:
    """Import `path` (jsonl, json, csv, or a zip/folder of images) into `project`.

    fmt 'auto' goes by the file name. `dedupe` keeps the first of repeated (item, annotator)
    pairs instead of reporting them. `images` is a zip or folder the items' data.image paths
    point into. `progress(done, total)` is called as the file is read (total = the bytes of
    every pass). Raises ImportFailed(details=[{"line", "message"}, ...]) and writes nothing
    when any record is bad. Items that arrived with annotations are written flagged
    `recompute_pending`, and after commit the review drain recomputes exactly those; an import
    without annotations schedules no background work at all. With `replace`, items already in
    the project under a file's id are replaced when unlabeled (labeling.services.import_replace).
    """
    if replace:
        with transaction.atomic():
            items_replace_prepare(project=project, path=path, fmt=fmt, images=images, actor=actor)
            return import_file(project=project, path=path, fmt=fmt, dedupe=dedupe, images=images, actor=actor, progress=progress)
    one_pass = is_postgresql() and images is None and format_detect(path, fmt) != "images"
    try:
        if one_pass:
            counts = _import_one_pass(project, path, fmt=fmt, dedupe=dedupe, actor=actor, progress=progress)
        else:
            annotators = _check_pass(project, path, fmt=fmt, dedupe=dedupe, images=images, progress=progress)
            with transaction.atomic():
                counts, tally, now = _write_pass(project, path, annotators, fmt=fmt, dedupe=dedupe, images=images, progress=progress)
                _imported(project, actor, counts, tally, now)
    except IntegrityError as error:
        # Checks saw no clash, so another writer added the same ids in between.
        logger.warning("import into project %s hit a constraint: %s", project.pk, error)
        raise ImportFailed(
            "Items with the same ids were added while this import ran; nothing was imported",
            details=[{"line": 0, "message": "ids clash with items added meanwhile; retry the import"}],
        ) from None
    if counts.items >= ANALYZE_AFTER:
        table_analyze_after_load(Item)
    return counts


def _import_one_pass(
    project: Project, path: str | Path, *, fmt: str, dedupe: bool, actor: AbstractBaseUser | None, progress: Progress | None
) -> ImportCounts:
    """PostgreSQL text imports: check and COPY in one read, in one transaction."""
    now = timezone.now()
    with transaction.atomic(), records_open(path, fmt=fmt, kind=project.kind) as opened:
        checked, annotator_ids = records_copy(
            opened, project=project, dedupe=dedupe, now=now, resolve=lambda names: _annotators(project, names), progress=progress
        )
        _raise_problems(checked)
        counts = ImportCounts(checked.items, checked.annotations, checked.predictions, len(annotator_ids))
        _imported(project, actor, counts, checked.tally, now)
    return counts


def _imported(project: Project, actor: AbstractBaseUser | None, counts: ImportCounts, tally: ImportTally, now: datetime) -> None:
    items_imported(project_id=project.pk, sizes=tally.sizes, days=tally.days, now=now)
    audit_record(project=project, actor=actor, action="import", target_type="project", target_id=project.pk, after=counts.as_dict())
    if counts.annotations:
        # The writers flagged the labeled items; the drain recomputes them and nothing else.
        drain_pending_on_commit(project.pk)


def _raise_problems(checked: CheckResult) -> None:
    if checked.errors:
        more = f" (stopped at the first {MAX_ERRORS})" if checked.full else ""
        count = len(checked.errors)
        raise ImportFailed(
            f"The import has {count} problem{'s' if count != 1 else ''}{more}; nothing was imported",
            details=[error.as_dict() for error in checked.errors],
        )


def _check_pass(project: Project, path: str | Path, *, fmt: str, dedupe: bool, images: str | Path | None, progress: Progress | None) -> set[str]:
    """Pass 1: raise ImportFailed listing every problem; return the annotator names."""
    with records_open(path, fmt=fmt, kind=project.kind, images=images) as opened:
        checked = records_check(opened, project=project, dedupe=dedupe, progress=_halves(progress, first=True))
    _raise_problems(checked)
    return checked.annotators


def _write_pass(
    project: Project, path: str | Path, annotators: set[str], *, fmt: str, dedupe: bool, images: str | Path | None, progress: Progress | None
) -> tuple[ImportCounts, ImportTally, datetime]:
    """Pass 2, inside the caller's transaction: write every record in batches."""
    annotator_ids = _annotators(project, annotators)
    with records_open(path, fmt=fmt, kind=project.kind, images=images) as opened:
        writer = BatchWriter(project=project, annotator_ids=annotator_ids, now=timezone.now(), images=opened.images)
        try:
            _write_all(opened, writer, project, dedupe, _halves(progress, first=False))
        except BaseException:
            writer.discard()
            raise
    counts = writer.counts
    return ImportCounts(counts.items, counts.annotations, counts.predictions, len(annotator_ids)), writer.tally, writer.now


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
    writer.close()


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


RUN_TASK = task_names.RUN_IMPORT_JOB
UPLOAD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".zip", ".conll", ".txt")
ZIP_MAGIC = b"PK\x03\x04"


@transaction.atomic
def import_job_create(
    *, project: Project, upload: UploadedFile, user: AbstractBaseUser | None, fmt: str = "auto", replace: bool = False
) -> ImportJob:
    """Save the upload as a pending ImportJob and enqueue its run after commit.

    Refuses (ImportFailed) files over settings.ACCORD_MAX_UPLOAD_BYTES, other suffixes than
    .jsonl/.ndjson/.json/.csv/.zip/.conll/.txt, .zip files that are not zip archives, and
    unknown formats. `fmt` is a FORMATS name; "auto" tells the format from the file.
    """
    if fmt not in FORMATS:
        raise ImportFailed(f"Unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")
    project_writable(project)  # archived or being deleted: Conflict
    name = Path(upload.name or "upload").name
    size = upload.size or 0
    if size > settings.ACCORD_MAX_UPLOAD_BYTES:
        raise ImportFailed(f"{name} is {size} bytes; the limit is {settings.ACCORD_MAX_UPLOAD_BYTES} bytes")
    if size == 0:
        raise ImportFailed(f"{name} is empty")
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportFailed(f"{name}: upload a .jsonl, .json, .csv, .conll, .txt or .zip file")
    head = upload.read(4)
    upload.seek(0)
    if (suffix == ".zip") != (head == ZIP_MAGIC):
        raise ImportFailed(f"{name}: the content does not match the {suffix} name")
    job = ImportJob(project=project, created_by=user, original_name=name, bytes_total=size, format=fmt, replace=replace)
    job.file.save(get_valid_filename(name), upload, save=False)
    job.save()
    send_after_commit(RUN_TASK, [job.pk])
    return job


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a pending job (idempotent: a job in any other state is left alone; returns None).

    Errors (ImportFailed details) are stored on the job, which ends 'failed'; nothing was
    imported then. bytes_done/bytes_total cover both passes over the file.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        logger.info("import job %s is not pending; skipped", job_id)
        return None
    job = ImportJob.objects.select_related("project", "created_by").get(pk=job_id)
    try:
        # Through the storage: the upload may sit in a bucket, or on another machine's disk.
        with job_progress(job.pk) as progress, local_copy(job.file.name) as path:
            counts = import_file(
                project=job.project,
                path=path,
                fmt=_format(job),
                actor=job.created_by,
                replace=job.replace,
                progress=progress,
            )
    except ImportFailed as failure:
        _finish(job, JobStatus.FAILED, errors=failure.details or [{"line": 0, "message": failure.message}])
    except Exception:
        logger.exception("import job %s crashed", job_id)
        _finish(job, JobStatus.FAILED, errors=[{"line": 0, "message": "The import stopped on an internal error"}])
    else:
        _finish(job, JobStatus.DONE, counts=counts)
    return job


def _format(job: ImportJob) -> str:
    """The chosen format; a zip is images (with its items file, whose format its content tells)."""
    if job.original_name.lower().endswith(".zip"):
        return "images"
    return job.format


def _finish(job: ImportJob, status: str, *, errors: list[dict[str, object]] | None = None, counts: ImportCounts | None = None) -> None:
    job.status = status
    job.errors = errors or []
    job.finished_at = timezone.now()
    if counts is not None:
        job.items_created = counts.items
        job.annotations_created = counts.annotations
        job.predictions_created = counts.predictions
        # Progress rewrote bytes_total (both passes); read it back to report 100%.
        job.bytes_total = ImportJob.objects.values_list("bytes_total", flat=True).get(pk=job.pk)
        job.bytes_done = job.bytes_total
    job.save(update_fields=["bytes_total", "status", "errors", "finished_at", "items_created", "annotations_created", "predictions_created", "bytes_done"])
    import_job_finished_announce(project_id=job.project_id, job_id=job.pk)
