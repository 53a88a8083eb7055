"""Pre-labeling tasks: a job task that fits or loads the model and fans out batch tasks,
the batch task, and the retrain task. Arguments are ids; every task is idempotent.

Batches run with acks_late and reject_on_worker_lost: a worker killed mid-batch leaves the
message unacknowledged, so the broker hands it to another worker; the upsert makes the rerun
harmless. Only transient errors (connections, timeouts, backend 5xx) are retried; once the
retries run out the job is marked failed with the error (a model server's own message), so it
never stays "running" (the stalled-job sweep covers only workers that died).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from labeling.events import enqueue
from labeling.prelabel.exceptions import TRANSIENT_ERRORS
from labeling.services import prelabel as service

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}

__all__ = ["prelabel_batch_task", "retrain_model_task", "run_prelabel_job_task"]


def _fail_when_out_of_retries(task: Any, job_id: int, error: Exception) -> None:
    """Mark the job failed if this transient error is the last the task will retry."""
    if task.request.retries >= (task.max_retries or 0):
        service.prelabel_job_fail(job_id=job_id, error=error)


@shared_task(
    bind=True, name=service.RUN_TASK, acks_late=True, reject_on_worker_lost=True, **RETRY
)
def run_prelabel_job_task(self: Any, job_id: int) -> int:
    """Fit or load the job's model, then enqueue one batch task per BATCH_SIZE items.

    A redelivered job task enqueues the batches again; batches are idempotent.
    Returns the number of batches enqueued.
    """
    try:
        batches = service.prelabel_job_run(job_id=job_id)
    except TRANSIENT_ERRORS as error:
        _fail_when_out_of_retries(self, job_id, error)
        raise
    for start_id, end_id, expected in batches:
        enqueue(service.BATCH_TASK, [job_id, start_id, end_id, expected])
    return len(batches)


@shared_task(
    bind=True, name=service.BATCH_TASK, acks_late=True, reject_on_worker_lost=True, **RETRY
)
def prelabel_batch_task(self: Any, job_id: int, start_id: int, end_id: int, expected: int) -> int:
    """Predict and upsert the job's items with ids in [start_id, end_id]; returns rows written.

    A permanent error (anything not transient) fails the whole job, so it never hangs "running".
    """
    try:
        return service.prelabel_batch_run(
            job_id=job_id, start_id=start_id, end_id=end_id, expected=expected
        )
    except TRANSIENT_ERRORS as error:
        _fail_when_out_of_retries(self, job_id, error)
        raise
    except Exception as error:
        service.prelabel_job_fail(job_id=job_id, error=error)
        raise


@shared_task(name="labeling.retrain_model", acks_late=True, **RETRY)
def retrain_model_task(project_id: int, force: bool = False) -> str:
    """Retrain the project's default model if retrain_every new labels arrived (or `force`).

    Returns the new version name, or "" when nothing was trained.
    """
    version = service.prelabel_retrain_if_due(project_id=project_id, force=force)
    return version.version if version else ""
