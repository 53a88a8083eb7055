"""Flag tasks: refresh one item's flags, or a whole project's in self-re-enqueuing batches."""

from __future__ import annotations

import logging

from celery import shared_task

from review.services_flags import item_flags_refresh, project_flags_refresh

__all__ = ["refresh_item_flags_task", "refresh_project_flags_task"]

logger = logging.getLogger(__name__)


@shared_task(name="review.refresh_item_flags", acks_late=True)
def refresh_item_flags_task(item_id: int) -> None:
    """Bring one item's flags in line with its labels (idempotent: same labels, same flags)."""
    if item_flags_refresh(item_id=item_id) is None:
        logger.info("item %s is gone; no flags to refresh", item_id)


@shared_task(name="review.refresh_project_flags", acks_late=True)
def refresh_project_flags_task(project_id: int, after_id: int = 0) -> None:
    """Refresh one batch of a project's items, then enqueue the next batch.

    Idempotent per batch; a redelivered batch re-runs the same items to the same result.
    """
    last = project_flags_refresh(project_id=project_id, after_id=after_id)
    if last is not None:
        refresh_project_flags_task.apply_async(args=[project_id, last])
