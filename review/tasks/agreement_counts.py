"""The one-time (per project and schema) build of the agreement sums, for large projects."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from labeling.task_retry import TRANSIENT_DB_RETRY
from review.services.agreement_counts import REBUILD_KEY, REBUILD_TASK, project_counts_rebuild

__all__ = ["rebuild_agreement_counts_task"]


@shared_task(name=REBUILD_TASK, acks_late=True, **TRANSIENT_DB_RETRY)
def rebuild_agreement_counts_task(project_id: int) -> bool:
    """Recompute every item's counts and the project's sums; idempotent. True when built."""
    try:
        return project_counts_rebuild(project_id=project_id) is not None
    finally:
        cache.delete(REBUILD_KEY.format(project_id=project_id))
