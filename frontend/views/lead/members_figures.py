"""The members page's per-member figures, cheap to show however large the project grows (issue 20).

The same bounded probe as the dashboard (figures_cache: count the project's items up to
LIVE_LIMIT + 1, never more) decides how they are read.
- Up to LIVE_LIMIT items: annotations, median lead time, acceptance and gold accuracy per
  member are computed on the page view from the rows, exact.
- Larger: the page shows the last figures a worker computed (`figures_refresh`, the same
  selectors), with their age; when they are older than MAX_AGE_S, or missing, the page sends
  one refresh (at most one in flight per project, by an atomic cache key). So a page view never
  reads the project's annotations: its work is the size of the team.
Agreement with others comes from the latest snapshot (one row) on either path.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from labeling import task_names
from labeling.events import send
from labeling.selectors import gold_accuracy_rows, item_count_capped
from labeling.selectors_projects import project_get_or_none
from review.selectors.figures import member_figures

if TYPE_CHECKING:
    from labeling.models import Project

LIVE_LIMIT = 2_000  # items; up to this many, member figures are computed on the page view
MAX_AGE_S = 60  # figures a worker computed longer ago than this are refreshed (still shown)
REFRESH_LOCK_S = 300  # a refresh that died frees its project after this long
FIGURES_KEY = "frontend:member-figures:{project_id}"
REFRESH_KEY = "frontend:member-refresh:{project_id}"
REFRESH_TASK = task_names.REFRESH_MEMBER_FIGURES


def figures_compute(project: Project) -> dict[str, Any]:
    """Per-member figures computed now from the rows (reads every annotation of the project):
    {"members": {user_id: {...}}, "gold": {user_id: {...}}, "at"}."""
    gold = {row["user_id"]: row for row in gold_accuracy_rows(project=project)}
    return {"members": member_figures(project), "gold": gold, "at": timezone.now()}


def figures_refresh(project_id: int) -> dict[str, Any] | None:
    """Compute and store the project's member figures (a worker's job); None when it is gone."""
    project = project_get_or_none(project_id=project_id)
    try:
        if project is None:
            return None
        found = figures_compute(project)
        cache.set(FIGURES_KEY.format(project_id=project_id), found, timeout=None)
        return found
    finally:
        cache.delete(REFRESH_KEY.format(project_id=project_id))


def members_figures(project: Project) -> dict[str, Any]:
    """Member figures for a page view, with "at" (None when computed now), "counting" (True
    while the first worker count of a large project is on its way) and "refreshing" (True
    when a newer count was asked for)."""
    if item_count_capped(project=project, cap=LIVE_LIMIT) <= LIVE_LIMIT:
        return {**figures_compute(project), "at": None, "counting": False, "refreshing": False}
    counted = cache.get(FIGURES_KEY.format(project_id=project.pk))
    refreshing = counted is None or _age_s(counted["at"]) > MAX_AGE_S
    if refreshing:
        _refresh_soon(project.pk)
        counted = cache.get(FIGURES_KEY.format(project_id=project.pk)) or counted
        refreshing = counted is None or _age_s(counted["at"]) > MAX_AGE_S  # eager mode: done
    if counted is None:
        return {"members": {}, "gold": {}, "at": None, "counting": True, "refreshing": True}
    return {**counted, "counting": False, "refreshing": refreshing}


def _age_s(at: datetime) -> float:
    return (timezone.now() - at).total_seconds()


def _refresh_soon(project_id: int) -> None:
    """Send one refresh unless one is on its way (eager mode runs it at once)."""
    key = REFRESH_KEY.format(project_id=project_id)
    send(REFRESH_TASK, [project_id], at_most_every_s=REFRESH_LOCK_S, key=key)
