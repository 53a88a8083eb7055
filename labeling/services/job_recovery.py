"""Recover jobs whose worker died: a running job whose heartbeat stopped is failed or requeued.

Workers write a job's heartbeat when they claim it and at every batch. A worker killed with its
whole process tree (OOM killer, a lost machine) leaves its job "running", and a running
pre-label job blocks new ones; the broker would hand the unacknowledged message to another
worker only after the visibility timeout (the task time limit). The periodic
`labeling.sweep_stalled_jobs` task calls `jobs_stalled_sweep` instead:

- a pre-label job is requeued: its job task runs again and re-sends every batch. Batches are
  idempotent (one prediction per (item, model version), a constraint; `done` counts each id
  span once), so spans already written change nothing and the lost one is redone.
- an import job is failed with a message saying so: an import is one transaction, so the dead
  worker's part was rolled back and nothing was imported; the user uploads again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from labeling.events import send_after_commit
from labeling.models import ImportJob, JobStatus, PrelabelJob
from labeling.services.job_events import import_job_finished_announce
from labeling.services.prelabel import RUN_TASK as PRELABEL_RUN_TASK

logger = logging.getLogger(__name__)

IMPORT_STALLED_MESSAGE = (
    "The worker running this import stopped (no progress for {seconds} s); "
    "nothing was imported. Upload the file again."
)


@dataclass
class SweepResult:
    """Ids of the jobs a sweep acted on."""

    imports_failed: list[int] = field(default_factory=list)
    prelabels_requeued: list[int] = field(default_factory=list)


def _stalled(before: datetime) -> Q:
    """Running, and no heartbeat since `before` (jobs claimed before heartbeats: by creation)."""
    return Q(status=JobStatus.RUNNING) & (
        Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, created_at__lt=before)
    )


def jobs_stalled_sweep(*, stall_seconds: int, now: datetime | None = None) -> SweepResult:
    """Fail stalled imports and requeue stalled pre-label jobs; returns what it acted on.

    A job is stalled when it is running and its heartbeat is older than `stall_seconds`.
    Idempotent and safe beside live workers: each job is changed by a conditional UPDATE that
    re-checks the stall, so a job that beat in between is left alone, and a requeue moves the
    heartbeat to now, so the next sweep waits a full stall period before requeueing it again.
    """
    now = now or timezone.now()
    before = now - timedelta(seconds=stall_seconds)
    result = SweepResult()
    message = IMPORT_STALLED_MESSAGE.format(seconds=stall_seconds)
    for job_id, project_id in ImportJob.objects.filter(_stalled(before)).values_list("pk", "project_id"):
        failed = ImportJob.objects.filter(_stalled(before), pk=job_id).update(
            status=JobStatus.FAILED, errors=[{"line": 0, "message": message}], finished_at=now
        )
        if failed:
            import_job_finished_announce(project_id=project_id, job_id=job_id)
            logger.warning("import job %s stalled (no heartbeat for %s s): failed", job_id, stall_seconds)
            result.imports_failed.append(job_id)
    for job_id in PrelabelJob.objects.filter(_stalled(before)).values_list("pk", flat=True):
        with transaction.atomic():
            requeued = PrelabelJob.objects.filter(_stalled(before), pk=job_id).update(heartbeat_at=now)
            if requeued:
                send_after_commit(PRELABEL_RUN_TASK, [job_id])
        if requeued:
            logger.warning("prelabel job %s stalled (no heartbeat for %s s): requeued", job_id, stall_seconds)
            result.prelabels_requeued.append(job_id)
    return result
