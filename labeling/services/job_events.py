"""Announce that an import or pre-label job finished (done, failed or cancelled).

Callers announce only when their own conditional write moved the job to a finished state,
so each job announces once whichever worker, sweep or lead finished it.
"""

from __future__ import annotations

from labeling.announce import announce
from labeling.models import ImportJob, PrelabelJob
from labeling.webhooks.catalogue import WebhookEvent
from labeling.webhooks.payloads import import_job_data, prelabel_job_data


def import_job_finished_announce(*, project_id: int, job_id: int) -> None:
    """job.finished for import job `job_id` (its data is read when a hook wants it)."""
    announce(
        project=project_id,
        event=WebhookEvent.JOB_FINISHED,
        data=lambda: import_job_data(ImportJob.objects.get(pk=job_id)),
    )


def prelabel_job_finished_announce(*, project_id: int, job_id: int) -> None:
    """job.finished for pre-label job `job_id`."""
    announce(
        project=project_id,
        event=WebhookEvent.JOB_FINISHED,
        data=lambda: prelabel_job_data(PrelabelJob.objects.get(pk=job_id)),
    )
