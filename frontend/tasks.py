"""Frontend tasks: figures of large projects computed off the page view (the labels given of
spans and boxes projects for the dashboard, the per-member figures of the members page)."""

from __future__ import annotations

import logging

from celery import shared_task

from frontend.views.lead import members_figures
from frontend.views.lead.figures_cache import REFRESH_TASK, figures_refresh
from labeling.task_retry import TRANSIENT_DB_RETRY

__all__ = ["refresh_dashboard_figures_task", "refresh_member_figures_task"]

logger = logging.getLogger(__name__)


@shared_task(name=REFRESH_TASK, acks_late=True, **TRANSIENT_DB_RETRY)
def refresh_dashboard_figures_task(project_id: int) -> None:
    """Count the project's labels given into the cache (idempotent: it overwrites)."""
    if figures_refresh(project_id) is None:
        logger.info("project %s is gone; no dashboard figures", project_id)


@shared_task(name=members_figures.REFRESH_TASK, acks_late=True, **TRANSIENT_DB_RETRY)
def refresh_member_figures_task(project_id: int) -> None:
    """Compute the project's per-member figures into the cache (idempotent: it overwrites)."""
    if members_figures.figures_refresh(project_id) is None:
        logger.info("project %s is gone; no member figures", project_id)
