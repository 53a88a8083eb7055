"""The periodic catch-up for items whose recompute message was lost (Celery beat runs it)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from labeling import task_names
from labeling.services.items import items_pending_sweep
from labeling.task_retry import TRANSIENT_DB_RETRY

__all__ = ["PENDING_SWEEP_AGE", "SWEEP_PENDING_ITEMS", "sweep_pending_items_task"]

logger = logging.getLogger(__name__)

SWEEP_PENDING_ITEMS = task_names.SWEEP_PENDING_ITEMS
# Older than any drain still on its way (drains leave DRAIN_DELAY_S after the commit).
PENDING_SWEEP_AGE = timedelta(minutes=1)


@shared_task(name=SWEEP_PENDING_ITEMS, acks_late=True, **TRANSIENT_DB_RETRY)
def sweep_pending_items_task() -> int:
    """Send a drain for every project with items flagged for recompute over a minute ago.

    Idempotent: a drain takes each flagged item under a row lock its rivals skip, so a drain
    sent twice recomputes each item once. Returns how many projects it sent drains for.
    """
    project_ids = items_pending_sweep(before=timezone.now() - PENDING_SWEEP_AGE)
    if project_ids:
        logger.info("items flagged over a minute ago: drains sent for projects %s", project_ids)
    return len(project_ids)
