"""Pre-labeling jobs: start, cancel, run (fit or load the model, split into batches), batches.

A job covers the items its filter selects when it runs; they are split into batches of
BATCH_SIZE consecutive ids, each handled by one `labeling.prelabel_batch` task, so several
workers share a job. Predictions are upserted on (item, model version), so a rerun or a
redelivered batch never duplicates. `done` grows once per batch: a batch counts only if no
prediction of its id span was written since the job was created (checked under row locks).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from labeling import task_names
from labeling.db.locks import LockKind, text_key, xact_lock
from labeling.events import refresh_project_on_commit, send_after_commit
from labeling.exceptions import Conflict, ValueInvalid
from labeling.models import Item, JobStatus, ModelVersion, Prediction, PrelabelJob, Project
from labeling.prelabel import registry, training, upsert, versions
from labeling.prelabel.base import Suggestion
from labeling.prelabel.exceptions import TRANSIENT_ERRORS
from labeling.services.audit import audit_record
from labeling.services.job_events import prelabel_job_finished_announce
from labeling.text_fields import project_text_fields
from labeling.values import CLASS_KINDS

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
SCOPES = ("unlabeled", "unsettled", "all")
LIVE = (JobStatus.PENDING, JobStatus.RUNNING)
RUN_TASK = task_names.RUN_PRELABEL_JOB
BATCH_TASK = task_names.PRELABEL_BATCH


def item_filter_clean(raw: object) -> dict[str, Any]:
    """Normalise a filter: {"scope": "unlabeled"|"unsettled"|"all", "ids": [int, ...]?}.

    unlabeled = no annotation and no final label (the default); unsettled = no final label.
    """
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValueInvalid("filter must be an object like {\"scope\": \"unlabeled\"}")
    scope = raw.get("scope", "unlabeled")
    if scope not in SCOPES:
        raise ValueInvalid(f"filter.scope must be one of {', '.join(SCOPES)}")
    clean: dict[str, Any] = {"scope": scope}
    ids = raw.get("ids")
    if ids is not None:
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise ValueInvalid("filter.ids must be a list of item ids")
        clean["ids"] = sorted(set(ids))
    return clean


def job_items(job: PrelabelJob) -> QuerySet[Item]:
    """The items a job's filter selects right now, in id order."""
    items = Item.objects.filter(project_id=job.project_id)
    scope = job.item_filter.get("scope", "unlabeled")
    if scope in ("unlabeled", "unsettled"):
        items = items.filter(final_value__isnull=True)
    if scope == "unlabeled":
        items = items.filter(annotation_count=0)
    if "ids" in job.item_filter:
        items = items.filter(pk__in=job.item_filter["ids"])
    return items.order_by("id")


def prelabel_job_create(
    *,
    project: Project,
    user: AbstractBaseUser | None,
    backend: str | None = None,
    item_filter: object = None,
) -> PrelabelJob:
    """Create a pending job (no task enqueued; `prelabel_job_start` also enqueues it).

    Raises PrelabelUnavailable (backend), ValueInvalid (filter), Conflict (a job of the
    project is still pending or running) and NotEnoughLabels (nothing to learn from yet).
    """
    name = registry.backend_check(project, backend)
    clean = item_filter_clean(item_filter)
    if name != "http" and versions.model_version_current(project=project, backend=name) is None:
        training.training_check(training.training_set(project))
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        if PrelabelJob.objects.filter(project=project, status__in=LIVE).exists():
            raise Conflict("A pre-labeling job is already running in this project; cancel it first")
        job = PrelabelJob.objects.create(
            project=project, backend=name, item_filter=clean, created_by=user
        )
        job.total = job_items(job).count()
        job.save(update_fields=["total"])
        audit_record(
            project=project, actor=user, action="prelabel.start", target_type="prelabel_job",
            target_id=job.pk, after={"backend": name, "filter": clean, "total": job.total},
        )
    return job


def prelabel_job_start(
    *,
    project: Project,
    user: AbstractBaseUser | None,
    backend: str | None = None,
    item_filter: object = None,
) -> PrelabelJob:
    """Create a job and enqueue `labeling.run_prelabel_job` [job_id] once it commits."""
    with transaction.atomic():
        job = prelabel_job_create(project=project, user=user, backend=backend, item_filter=item_filter)
        send_after_commit(RUN_TASK, [job.pk])
    return job


def prelabel_job_cancel(*, job: PrelabelJob, user: AbstractBaseUser | None) -> PrelabelJob:
    """Stop a pending or running job: batches not yet started do nothing. Idempotent."""
    with transaction.atomic():
        job = PrelabelJob.objects.select_for_update().get(pk=job.pk)
        if job.status in LIVE:
            job.cancel_requested = True
            job.status = JobStatus.CANCELLED
            job.finished_at = timezone.now()
            job.save(update_fields=["cancel_requested", "status", "finished_at"])
            audit_record(
                project=job.project, actor=user, action="prelabel.cancel",
                target_type="prelabel_job", target_id=job.pk, after={"done": job.done},
            )
            prelabel_job_finished_announce(project_id=job.project_id, job_id=job.pk)
    return job


def prelabel_job_run(*, job_id: int) -> list[tuple[int, int, int]]:
    """Fit or load the model, mark the job running and return its batches.

    Each batch is (start_id, end_id, expected items). Returns [] when the job is gone,
    finished, cancelled or failed (a failure is written to job.error).
    """
    job = PrelabelJob.objects.select_related("project").filter(pk=job_id).first()
    if job is None or job.status not in LIVE or job.cancel_requested:
        return []
    try:
        version = _job_model_version(job)
    except Exception as error:
        if _is_transient(error):
            raise
        prelabel_job_fail(job_id=job.pk, error=error)
        return []
    ids = list(job_items(job).values_list("pk", flat=True))
    batches = [
        (chunk[0], chunk[-1], len(chunk))
        for chunk in (ids[i : i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE))
    ]
    finished = JobStatus.DONE if not ids else JobStatus.RUNNING
    moved = PrelabelJob.objects.filter(pk=job.pk, status__in=LIVE, cancel_requested=False).update(
        status=finished, model_version=version.version, total=len(ids),
        finished_at=timezone.now() if not ids else None, heartbeat_at=timezone.now(),
    )
    if moved and not ids:
        prelabel_job_finished_announce(project_id=job.project_id, job_id=job.pk)
    return batches


def _job_model_version(job: PrelabelJob) -> ModelVersion:
    if job.model_version:
        found = ModelVersion.objects.filter(project=job.project, version=job.model_version).first()
        if found is not None:
            return found
    if job.backend != "http":
        current = versions.model_version_current(project=job.project, backend=job.backend)
        if current is not None and not versions.retrain_due(project=job.project, backend=job.backend):
            return current
    return versions.model_version_train(project=job.project, backend=job.backend, user=job.created_by)


def prelabel_job_fail(*, job_id: int, error: Exception) -> None:
    """Mark a live job failed with the error's message (finished jobs are left alone)."""
    message = getattr(error, "message", None) or str(error) or error.__class__.__name__
    logger.warning("prelabel job %s failed: %s", job_id, message)
    failed = PrelabelJob.objects.filter(pk=job_id, status__in=LIVE).update(
        status=JobStatus.FAILED, error=message[:2000], finished_at=timezone.now()
    )
    if failed:
        project_id = PrelabelJob.objects.values_list("project_id", flat=True).get(pk=job_id)
        prelabel_job_finished_announce(project_id=project_id, job_id=job_id)


def _is_transient(error: Exception) -> bool:
    return isinstance(error, TRANSIENT_ERRORS)


def prelabel_batch_run(*, job_id: int, start_id: int, end_id: int, expected: int) -> int:
    """Predict the job's items with ids in [start_id, end_id] and upsert their predictions.

    Returns how many predictions were written (0 when the job is cancelled or not running).
    Idempotent: rerunning writes the same rows and does not advance `done` again.
    """
    job = PrelabelJob.objects.select_related("project").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.RUNNING or job.cancel_requested:
        return 0
    # Every attempt beats, so a batch retrying a slow or failing model server is not taken
    # for a dead worker; its retries end by failing the job (labeling.tasks.prelabel).
    PrelabelJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    pairs = _batch_predict(job, start_id, end_id)
    with transaction.atomic():
        # Two deliveries of the same batch write one after the other.
        xact_lock(LockKind.PRELABEL_BATCH, text_key(f"{job.pk}:{start_id}"))
        # Re-check: a job cancelled while this batch predicted must not write (its rows could
        # be mistaken for a later job's work and stall that job's count).
        if not PrelabelJob.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, cancel_requested=False
        ).exists():
            return 0
        counted = Prediction.objects.filter(
            project_id=job.project_id, model_version=job.model_version,
            item_id__gte=start_id, item_id__lte=end_id, created_at__gte=job.created_at,
        ).exists()
        upsert.predictions_upsert(
            project_id=job.project_id, version=job.model_version, pairs=pairs, now=timezone.now()
        )
        _job_advance(job, 0 if counted else expected)
    return len(pairs)


def _batch_predict(job: PrelabelJob, start_id: int, end_id: int) -> list[tuple[int, Suggestion]]:
    """(item id, suggestion) for the job's items in the id span; items without one are left out."""
    version = ModelVersion.objects.get(project=job.project, version=job.model_version)
    model = versions.model_version_load(project=job.project, version=version)
    inputs = training.inputs_from_rows(
        job_items(job).filter(pk__gte=start_id, pk__lte=end_id).values_list(*training.INPUT_FIELDS),
        project_text_fields(job.project.settings),
    )
    # A model server answers `batch_size` tasks per request; beat between requests so a long
    # batch of slow answers is not mistaken for a dead worker by the stalled-job sweep.
    step = getattr(model, "batch_size", None) or len(inputs) or 1
    suggestions = []
    for start in range(0, len(inputs), step):
        suggestions.extend(model.predict(inputs[start : start + step]))
        PrelabelJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    return [(entry.item_id, s) for entry, s in zip(inputs, suggestions, strict=True) if s]


def _job_advance(job: PrelabelJob, items: int) -> None:
    """Add a batch's items to `done` and beat; the batch that reaches `total` marks it done."""
    PrelabelJob.objects.filter(pk=job.pk).update(done=F("done") + items, heartbeat_at=timezone.now())
    finished = PrelabelJob.objects.filter(
        pk=job.pk, status=JobStatus.RUNNING, done__gte=F("total")
    ).update(status=JobStatus.DONE, finished_at=timezone.now())
    if finished:
        # New predictions feed the model detectors: recompute the project's flags.
        refresh_project_on_commit(job.project_id)
        prelabel_job_finished_announce(project_id=job.project_id, job_id=job.pk)


def prelabel_retrain_if_due(*, project_id: int, force: bool = False) -> ModelVersion | None:
    """Train a new default-backend version when retrain_every new labels arrived (or `force`).

    Returns the new version, or None when not due, not a class project or not enough labels.
    """
    project = Project.objects.filter(pk=project_id).first()
    if project is None or project.kind not in CLASS_KINDS:
        return None
    if not force and not versions.retrain_due(project=project):
        return None
    data = training.training_set(project)
    if len(data.labels) < training.MIN_LABELS or len(set(data.labels)) < 2:
        return None
    return versions.model_version_train(project=project, backend=registry.default_backend(project))

