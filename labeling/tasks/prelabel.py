"""Pre-labeling tasks: a job task that fits or loads the model and fans out batch tasks,
the batch task, and the retrain task. Arguments are ids; every task is idempotent.

Batches run with acks_late and reject_on_worker_lost: a worker killed mid-batch leaves the
message unacknowledged, so the broker hands it to another worker; the upsert makes the rerun
harmless. Only transient errors (connections, timeouts, backend 5xx) are retried.
"""

from __future__ import annotations

import logging

from celery import shared_task

from labeling import task_names
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


@shared_task(name=service.RUN_TASK, acks_late=True, reject_on_worker_lost=True, **RETRY)
def run_prelabel_job_task(job_id: int) -> int:
    """Fit or load the job's model, then enqueue one batch task per BATCH_SIZE items.

    A redelivered job task enqueues the batches again; batches are idempotent.
    Returns the number of batches enqueued.
    """
    batches = service.prelabel_job_run(job_id=job_id)
    for start_id, end_id, expected in batches:
        enqueue(service.BATCH_TASK, [job_id, start_id, end_id, expected])
    return len(batches)


@shared_task(name=service.BATCH_TASK, acks_late=True, reject_on_worker_lost=True, **RETRY)
def prelabel_batch_task(job_id: int, start_id: int, end_id: int, expected: int) -> int:
    """Predict and upsert the job's items with ids in [start_id, end_id]; returns rows written.

    A permanent error (anything not transient) fails the whole job, so it never hangs "running".
    """
    try:
        return service.prelabel_batch_run(
            job_id=job_id, start_id=start_id, end_id=end_id, expected=expected
        )
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        service.prelabel_job_fail(job_id=job_id, error=error)
        raise


@shared_task(name=task_names.RETRAIN_MODEL, acks_late=True, **RETRY)
def retrain_model_task(project_id: int, force: bool = False) -> str:
    """Retrain the project's default model if retrain_every new labels arrived (or `force`).

    Returns the new version name, or "" when nothing was trained.
    """
    version = service.prelabel_retrain_if_due(project_id=project_id, force=force)
    return version.version if version else ""
