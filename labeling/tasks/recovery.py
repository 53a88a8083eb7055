"""The periodic sweep of jobs whose worker died (Celery beat runs it; see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from labeling import task_names
from labeling.services.job_recovery import jobs_stalled_sweep
from labeling.task_retry import TRANSIENT_DB_RETRY

__all__ = ["SWEEP_STALLED_JOBS", "sweep_stalled_jobs_task"]

SWEEP_STALLED_JOBS = task_names.SWEEP_STALLED_JOBS


@shared_task(name=SWEEP_STALLED_JOBS, acks_late=True, **TRANSIENT_DB_RETRY)
def sweep_stalled_jobs_task() -> dict[str, list[int]]:
    """Fail imports and requeue pre-label jobs with no heartbeat for ACCORD_JOB_STALL_SECONDS.

    Idempotent (conditional updates; a requeued job beats again). Returns the ids acted on.
    """
    result = jobs_stalled_sweep(stall_seconds=settings.ACCORD_JOB_STALL_SECONDS)
    return {"imports_failed": result.imports_failed, "prelabels_requeued": result.prelabels_requeued}
