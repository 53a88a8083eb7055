"""Import tasks: run an uploaded import job in a worker."""

from __future__ import annotations

from celery import shared_task

from labeling.services.imports import RUN_TASK, import_job_run

__all__ = ["run_import_job_task"]


@shared_task(name=RUN_TASK, acks_late=True)
def run_import_job_task(job_id: int) -> None:
    """Run import job `job_id` if it is still pending (idempotent: redelivery is a no-op)."""
    import_job_run(job_id=job_id)
