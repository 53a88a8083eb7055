"""Reads of pre-labeling jobs, on behalf of a user (leads only: jobs are a lead's tool)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from labeling.exceptions import NotFound
from labeling.models import ModelServerEvent, PrelabelJob, Role
from labeling.permissions import project_for_role


def prelabel_job_list(*, user: AbstractBaseUser, project_id: int) -> QuerySet[PrelabelJob]:
    """The project's jobs, newest first."""
    project = project_for_role(user, project_id, [Role.LEAD])
    return PrelabelJob.objects.filter(project=project).order_by("-id")


def prelabel_job_get(*, user: AbstractBaseUser, project_id: int, job_id: int) -> PrelabelJob:
    """One job of the project; NotFound when it belongs elsewhere."""
    job = prelabel_job_list(user=user, project_id=project_id).filter(pk=job_id).first()
    if job is None:
        raise NotFound("No such pre-labeling job")
    return job


def prelabel_job_latest(*, user: AbstractBaseUser, project_id: int) -> PrelabelJob | None:
    """The newest job of the project, if any."""
    return prelabel_job_list(user=user, project_id=project_id).first()


def job_progress(job: PrelabelJob) -> dict[str, object]:
    """Counts and percentage for the progress bar (done is capped at total)."""
    done = min(job.done, job.total)
    return {
        "done": done,
        "total": job.total,
        "percent": round(100 * done / job.total) if job.total else 100,
        "finished": job.status not in ("pending", "running"),
    }


def model_server_events_recent(
    *, user: AbstractBaseUser, project_id: int, limit: int = 5
) -> list[ModelServerEvent]:
    """The project's latest training events sent (or due) to its model server, newest first."""
    project = project_for_role(user, project_id, [Role.LEAD])
    return list(ModelServerEvent.objects.filter(project=project).order_by("-id")[:limit])
