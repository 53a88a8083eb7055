"""Flag tasks: refresh a whole project's flags in self-re-enqueuing batches, hold reopened items' flags."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils.dateparse import parse_datetime

from labeling import task_names
from labeling.events import send_after_commit
from labeling.task_retry import TRANSIENT_DB_RETRY
from review.services.flags import flags_hold_for_new_round, project_flags_refresh
from review.services.refresh import project_refresh

__all__ = [
    "hold_reopened_flags_task",
    "project_flags_refresh_schedule",
    "refresh_project_flags_task",
    "refresh_project_task",
]

logger = logging.getLogger(__name__)

# A whole-project refresh walks every item; run at most one per project in this window.
PROJECT_REFRESH_THROTTLE_SECONDS = 300
THROTTLE_KEY = "review:flags-refresh:{project_id}"


@shared_task(name=task_names.REFRESH_PROJECT_FLAGS, acks_late=True, **TRANSIENT_DB_RETRY)
def refresh_project_flags_task(project_id: int, after_id: int = 0) -> None:
    """Refresh one batch of a project's items, then enqueue the next batch.

    Idempotent per batch; a redelivered batch re-runs the same items to the same result.
    """
    last = project_flags_refresh(project_id=project_id, after_id=after_id)
    if last is not None:
        refresh_project_flags_task.apply_async(args=[project_id, last])


@shared_task(name=task_names.HOLD_REOPENED_FLAGS, acks_late=True, **TRANSIENT_DB_RETRY)
def hold_reopened_flags_task(item_ids: list[int], reopened_at: str) -> int:
    """Hold the open flags of items reopened at `reopened_at` (ISO 8601) for their new labels.

    Sent by labeling.services.items_reopen after commit. Idempotent: flags already held, or
    refreshed since the reopen, are left alone. Returns how many flags moved.
    """
    return flags_hold_for_new_round(item_ids=item_ids, reopened_at=parse_datetime(reopened_at))


def project_flags_refresh_schedule(project_id: int) -> None:
    """Enqueue a project-wide flag refresh after commit, at most once per throttle window.

    Called after project-wide agreement recomputes (imports, bulk changes); per-item refreshes
    after each submit keep flags current in between.
    """
    key = THROTTLE_KEY.format(project_id=project_id)
    every_s = PROJECT_REFRESH_THROTTLE_SECONDS
    send_after_commit(
        task_names.REFRESH_PROJECT_FLAGS, [project_id], at_most_every_s=every_s, key=key
    )


@shared_task(name=task_names.REFRESH_PROJECT, acks_late=True, **TRANSIENT_DB_RETRY)
def refresh_project_task(project_id: int) -> None:
    """Recompute the project's aggregates and p_wrong, then every item's flags (not throttled).

    Sent by labeling (events.PROJECT_REFRESH) after a settings change, an import with
    annotations or a finished pre-label job. Idempotent: both steps are.
    """
    if project_refresh(project_id=project_id) is None:
        logger.info("project %s is gone; nothing to refresh", project_id)
