"""Frontend tasks: the labels given of large spans and boxes projects, counted off the page view."""

from __future__ import annotations

import logging

from celery import shared_task

from frontend.views.lead.figures_cache import REFRESH_TASK, figures_refresh
from labeling.task_retry import TRANSIENT_DB_RETRY

__all__ = ["refresh_dashboard_figures_task"]

logger = logging.getLogger(__name__)


@shared_task(name=REFRESH_TASK, acks_late=True, **TRANSIENT_DB_RETRY)
def refresh_dashboard_figures_task(project_id: int) -> None:
    """Count the project's labels given into the cache (idempotent: it overwrites)."""
    if figures_refresh(project_id) is None:
        logger.info("project %s is gone; no dashboard figures", project_id)
