"""Deleting a project in the background, one batch of items per task run."""

from __future__ import annotations

import logging

from celery import shared_task

from labeling.services.lifecycle import DELETE_PROJECT_TASK, project_delete_batch
from labeling.task_retry import TRANSIENT_DB_RETRY

__all__ = ["delete_project_task"]

logger = logging.getLogger(__name__)


@shared_task(name=DELETE_PROJECT_TASK, acks_late=True, **TRANSIENT_DB_RETRY)
def delete_project_task(project_id: int) -> int | None:
    """Delete one batch of a project marked for deletion and re-enqueue itself for the next.

    Idempotent: a project that is gone or not marked is left alone. Returns the items left.
    """
    left = project_delete_batch(project_id=project_id)
    if left:
        logger.info("project %s: %s items left to delete", project_id, left)
        delete_project_task.delay(project_id)
    return left
