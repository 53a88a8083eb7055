"""Recount a project's live flags per reason after labeling deleted items (and their flags)."""

from __future__ import annotations

from celery import shared_task

from labeling import task_names
from labeling.models import Project
from labeling.task_retry import TRANSIENT_DB_RETRY
from review.services.flag_counts import flag_counts_rebuild

__all__ = ["rebuild_flag_counts_task"]


@shared_task(name=task_names.REBUILD_FLAG_COUNTS, acks_late=True, **TRANSIENT_DB_RETRY)
def rebuild_flag_counts_task(project_id: int) -> bool:
    """Set the project's flag counters to a full count of its live flags; idempotent.

    False when the project is gone.
    """
    if not Project.objects.filter(pk=project_id).exists():
        return False
    flag_counts_rebuild(project_id=project_id)
    return True
