"""Agreement tasks: recompute of the items submits flagged, debounced project snapshots."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from labeling import task_names
from labeling.events import ITEMS_PENDING, enqueue, send_after_commit
from labeling.services.items import item_pending_take
from labeling.task_retry import TRANSIENT_DB_RETRY
from review import services
from review.services.first_snapshot import PENDING_KEY
from review.services.flags import item_flags_refresh
from review.tasks.flags import project_flags_refresh_schedule

__all__ = [
    "process_pending_items_task",
    "project_recompute_schedule",
    "recompute_project_agreement_task",
]

logger = logging.getLogger(__name__)

# A burst of submits within this window makes one project snapshot.
DEBOUNCE_SECONDS = 15
DRAIN_LIMIT = 5000  # items per process_pending_items run


def project_recompute_schedule(project_id: int) -> None:
    """After commit, send one project recompute delayed by the debounce window, unless one is
    already pending.

    The cache key is taken atomically, so concurrent drains schedule a single run; the run
    clears the key before computing, so labels submitted while it computes schedule the next.
    """
    send_after_commit(
        task_names.RECOMPUTE_PROJECT_AGREEMENT,
        [project_id],
        at_most_every_s=DEBOUNCE_SECONDS * 20,  # a run that never started frees the key after this
        key=PENDING_KEY.format(project_id=project_id),
        countdown=DEBOUNCE_SECONDS,
    )


@shared_task(name=task_names.PROCESS_PENDING_ITEMS, acks_late=True, **TRANSIENT_DB_RETRY)
def process_pending_items_task(project_id: int, limit: int = DRAIN_LIMIT) -> int:
    """Recompute each item of the project flagged `recompute_pending` and refresh its flags,
    then schedule one project snapshot. Returns how many items it recomputed.

    Idempotent, and safe beside a rival drain: each item is taken, cleared and recomputed in
    one transaction under a row lock the rival skips. After `limit` items it sends itself again
    rather than run on while submits keep flagging.
    """
    done = 0
    while done < limit:
        with transaction.atomic():
            item_id = item_pending_take(project_id=project_id)
            if item_id is None:
                break
            services.item_recompute(item_id=item_id)
            item_flags_refresh(item_id=item_id)
        done += 1
    if done == limit:
        enqueue(ITEMS_PENDING, [project_id])
    if done:
        project_recompute_schedule(project_id)
    return done


@shared_task(name=task_names.RECOMPUTE_PROJECT_AGREEMENT, acks_late=True, **TRANSIENT_DB_RETRY)
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
    enqueue(task_names.RETRAIN_MODEL, [project_id])
