"""Dashboard figures that stay cheap to show however large the project grows (issue 20).

A bounded probe (count the project's items up to LIVE_LIMIT + 1 through the
item_progress_idx index, never more) decides how figures are read.
- Up to LIVE_LIMIT items: every figure is computed on the page view from the rows, exact.
- Larger: progress, open flags per reason and throughput come from the project counters that
  every write keeps (figures_counted: a few rows, current). Labels given come from the
  agreement sums (single, multi, rating); for spans and boxes projects they are the last
  count a worker made, with its age: when older than MAX_AGE_S the page asks for one refresh
  (at most one in flight per project, by an atomic cache key). So a page view never scans the
  project. `figures_compute` (every figure from the rows) is the small projects' path and the
  check the counters are held to.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from labeling import task_names
from labeling.events import send
from labeling.selectors import item_count_capped
from labeling.selectors_projects import project_get_or_none
from review.selectors import figures
from review.selectors.figures_counted import figures_counted, labels_summed

if TYPE_CHECKING:
    from labeling.models import Project

LIVE_LIMIT = 2_000  # items; up to this many, figures are computed on the page view
MAX_AGE_S = 60  # a worker's label count older than this is refreshed (the page still shows it)
REFRESH_LOCK_S = 300  # a refresh that died frees its project after this long
FIGURES_KEY = "frontend:dashboard-figures:{project_id}"
REFRESH_KEY = "frontend:dashboard-refresh:{project_id}"
REFRESH_TASK = task_names.REFRESH_DASHBOARD_FIGURES


def figures_compute(project: Project) -> dict[str, Any]:
    """Every figure of the dashboard, computed now from the rows (scans the project)."""
    return {
        "progress": figures.progress(project),
        "labels": figures.label_distribution(project),
        "flags": figures.open_flags_by_reason(project),
        "throughput": figures.throughput_per_day(project),
        "at": timezone.now(),
    }


def figures_refresh(project_id: int) -> dict[str, Any] | None:
    """Count and store the project's labels given, {"labels", "at"} (a worker's job: the one
    dashboard figure no counter keeps for spans and boxes); None when the project is gone."""
    project = project_get_or_none(project_id=project_id)
    try:
        if project is None:
            return None
        found = {"labels": figures.label_distribution(project), "at": timezone.now()}
        cache.set(FIGURES_KEY.format(project_id=project_id), found, timeout=None)
        return found
    finally:
        cache.delete(REFRESH_KEY.format(project_id=project_id))


def dashboard_figures(project: Project) -> dict[str, Any]:
    """The dashboard's figures for a page view, with "live" (all current) and "labels_at"
    (when labels given are a worker's count: its time, or None while the first is made)."""
    if item_count_capped(project=project, cap=LIVE_LIMIT) <= LIVE_LIMIT:
        return {**figures_compute(project), "live": True, "labels_at": None, "labels_counting": False}
    found = {**figures_counted(project), "at": timezone.now(), "live": True}
    labels = labels_summed(project)
    if labels is not None:
        return {**found, "labels": labels, "labels_at": None, "labels_counting": False}
    counted = cache.get(FIGURES_KEY.format(project_id=project.pk))
    if counted is None or _age_s(counted["at"]) > MAX_AGE_S:
        _refresh_soon(project.pk)
        counted = cache.get(FIGURES_KEY.format(project_id=project.pk)) or counted
    if counted is None:
        return {**found, "labels": [], "labels_at": None, "labels_counting": True}
    return {**found, "labels": counted["labels"], "labels_at": counted["at"], "labels_counting": False}


def _age_s(at: datetime) -> float:
    return (timezone.now() - at).total_seconds()


def _refresh_soon(project_id: int) -> None:
    """Send one refresh unless one is on its way (eager mode runs it at once)."""
    key = REFRESH_KEY.format(project_id=project_id)
    send(REFRESH_TASK, [project_id], at_most_every_s=REFRESH_LOCK_S, key=key)
