"""Agreement tasks: per-item recompute on every submit, debounced project snapshots."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from labeling.events import enqueue
from review import services
from review.services_flags import item_flags_refresh
from review.tasks_flags import project_flags_refresh_schedule

__all__ = [
    "process_submitted_annotation_task",
    "project_recompute_schedule",
    "recompute_project_agreement_task",
]

logger = logging.getLogger(__name__)

# A burst of submits within this window makes one project snapshot.
DEBOUNCE_SECONDS = 15
PENDING_KEY = "review:agreement-pending:{project_id}"


def project_recompute_schedule(project_id: int) -> bool:
    """Enqueue one project recompute after the debounce window, unless one is already pending.

    The cache key is set atomically (cache.add), so concurrent submits schedule
    a single run; the run clears the key before computing, so labels submitted
    while it computes schedule the next one. Returns True when it scheduled.
    """
    key = PENDING_KEY.format(project_id=project_id)
    if not cache.add(key, "1", timeout=DEBOUNCE_SECONDS * 20):
        return False
    transaction.on_commit(
        lambda: recompute_project_agreement_task.apply_async(
            args=[project_id], countdown=DEBOUNCE_SECONDS
        )
    )
    return True


@shared_task(name="review.process_submitted_annotation", acks_late=True)
def process_submitted_annotation_task(item_id: int) -> None:
    """Recompute an item's aggregate and agreement, refresh its flags, schedule the snapshot.

    Idempotent: the item's columns are recomputed from its annotations.
    """
    item = services.item_recompute(item_id=item_id)
    if item is None:
        logger.info("item %s is gone; nothing to recompute", item_id)
        return
    item_flags_refresh(item_id=item.pk)
    project_recompute_schedule(item.project_id)


@shared_task(name="review.recompute_project_agreement", acks_late=True)
def recompute_project_agreement_task(project_id: int) -> None:
    """Store a fresh agreement snapshot and refresh every item's aggregate.

    Idempotent: an unchanged report writes no new snapshot.
    """
    cache.delete(PENDING_KEY.format(project_id=project_id))
    snapshot = services.project_snapshot_create(project_id=project_id)
    if snapshot is None:
        logger.info("project %s is gone; no snapshot", project_id)
    project_flags_refresh_schedule(project_id)
    # Pre-labeling retrains once retrain_every new labels arrived (no-op before any model).
    enqueue("labeling.retrain_model", [project_id])
