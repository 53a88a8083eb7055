"""Dashboard figures that stay cheap to show however large the project grows (issue 20).

What was chosen: a bounded probe (count the project's items up to LIVE_LIMIT + 1 through the
item_progress_idx index, never more) decides how figures are read.
- Up to LIVE_LIMIT items: every figure is computed on the page view, exact and current.
- Larger: the page reads the last figures a worker computed (progress, labels given, open
  flags per reason, throughput), with their age. When they are older than MAX_AGE_S the page
  asks for one refresh (at most one in flight per project, by an atomic cache key) and shows
  the figures it has, or "counting" the first time. So a page view never scans the project;
  the scans run in a worker at most once per MAX_AGE_S per project someone is looking at.
Counters maintained on every write were the alternative; they would need every write path
of items (import, submit, settle, send back, escalation, overlap changes) to keep them
exact, in three apps at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from labeling.events import send
from labeling.selectors import item_count_capped
from labeling.selectors_projects import project_get_or_none
from review.selectors import figures

if TYPE_CHECKING:
    from labeling.models import Project

LIVE_LIMIT = 2_000  # items; up to this many, figures are computed on the page view
MAX_AGE_S = 60  # cached figures older than this are refreshed (the page still shows them)
REFRESH_LOCK_S = 300  # a refresh that died frees its project after this long
FIGURES_KEY = "frontend:dashboard-figures:{project_id}"
REFRESH_KEY = "frontend:dashboard-refresh:{project_id}"
REFRESH_TASK = "frontend.refresh_dashboard_figures"


def figures_compute(project: Project) -> dict[str, Any]:
    """Every scanning figure of the dashboard, computed now (a worker's job for large projects)."""
    return {
        "progress": figures.progress(project),
        "labels": figures.label_distribution(project),
        "flags": figures.open_flags_by_reason(project),
        "throughput": figures.throughput_per_day(project),
        "at": timezone.now(),
    }


def figures_refresh(project_id: int) -> dict[str, Any] | None:
    """Compute and store the project's figures; None when the project is gone."""
    project = project_get_or_none(project_id=project_id)
    try:
        if project is None:
            return None
        found = figures_compute(project)
        cache.set(FIGURES_KEY.format(project_id=project_id), found, timeout=None)
        return found
    finally:
        cache.delete(REFRESH_KEY.format(project_id=project_id))


def dashboard_figures(project: Project) -> dict[str, Any] | None:
    """The dashboard's scanning figures for a page view, with "live" (computed now) and "at".

    None while a large project's first figures are being computed.
    """
    if item_count_capped(project=project, cap=LIVE_LIMIT) <= LIVE_LIMIT:
        return {**figures_compute(project), "live": True}
    found = cache.get(FIGURES_KEY.format(project_id=project.pk))
    if found is None or _age_s(found["at"]) > MAX_AGE_S:
        _refresh_soon(project.pk)
        found = cache.get(FIGURES_KEY.format(project_id=project.pk)) or found
    return None if found is None else {**found, "live": False}


def _age_s(at: datetime) -> float:
    return (timezone.now() - at).total_seconds()


def _refresh_soon(project_id: int) -> None:
    """Send one refresh unless one is on its way (eager mode runs it at once)."""
    key = REFRESH_KEY.format(project_id=project_id)
    send(REFRESH_TASK, [project_id], at_most_every_s=REFRESH_LOCK_S, key=key)
