"""Dashboard figures read from the project counters: O(1) in the size of the project.

Progress and throughput come from labeling.ProjectCount, open flags from review's
ProjectFlagCount, labels given from the agreement sums (single, multi and rating projects);
each is kept current by the writes themselves (labeling.services.counts,
review.services.flag_counts, review.services.agreement_counts).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from labeling.choices import AssignmentStatus
from labeling.models import Project
from labeling.selectors_counts import annotations_per_day, project_progress_counts
from review.selectors import figures
from review.selectors.agreement_counts import label_counts
from review.selectors.flag_counts import open_flags_counted


def progress_counted(project: Project, days: list[tuple[date, int]] | None = None) -> dict[str, Any]:
    """figures.progress's figures from the counters; the pace counts whole UTC days (the last
    PACE_DAYS, today included) instead of a rolling window. `days`: annotations per day up to
    today (`_recent_days`), when the caller has read them."""
    counts = project_progress_counts(project)
    days = _recent_days(project) if days is None else days
    pace = sum(count for _, count in days[-figures.PACE_DAYS :]) / figures.PACE_DAYS
    needed = max(counts["wanted"] - counts["labels"], 0)
    # Looked up per member through assignment_user_idx (project, annotator, status): work of
    # the size of the team, where a filter on status alone would read every assignment.
    members = list(project.memberships.values_list("user_id", flat=True))
    active = project.assignments.filter(
        annotator_id__in=members, status=AssignmentStatus.ACTIVE
    ).count()
    return {
        "total": counts["total"],
        "done": counts["done"],
        "in_progress": counts["in_progress"],
        "remaining": counts["remaining"],
        "needed": needed,
        "active_leases": active,
        "pace_per_day": pace,
        "eta_days": (needed / pace) if pace and needed else (0.0 if not needed else None),
    }


def _recent_days(project: Project) -> list[tuple[date, int]]:
    """Annotations per UTC day over the last THROUGHPUT_DAYS (>= PACE_DAYS) days, today last."""
    start = timezone.now().date() - timedelta(days=figures.THROUGHPUT_DAYS - 1)
    return annotations_per_day(project, start, figures.THROUGHPUT_DAYS)


def throughput_counted(project: Project, days: list[tuple[date, int]] | None = None) -> list[tuple[str, int]]:
    """Annotations per UTC day over the last THROUGHPUT_DAYS days, zeros included."""
    days = _recent_days(project) if days is None else days
    return [(day.isoformat(), count) for day, count in days]


def labels_summed(project: Project) -> list[tuple[str, int]] | None:
    """Labels given, from the agreement sums; None where they are not kept (spans, boxes) or
    not built yet."""
    summed = label_counts(project)
    return None if summed is None else figures.labels_ranked(project, summed)


def figures_counted(project: Project) -> dict[str, Any]:
    """Progress, open flags per reason and throughput, current (labels: `labels_summed`)."""
    days = _recent_days(project)  # one read serves the pace and the throughput
    return {
        "progress": progress_counted(project, days),
        "flags": open_flags_counted(project),
        "throughput": throughput_counted(project, days),
    }
