"""Live flags per reason, read from the counters every flag write keeps
(review.services.flag_counts): a few rows, never the flags themselves."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Sum

from labeling.models import Project
from review.choices import LIVE_FLAG_STATUSES
from review.models import ProjectFlagCount


def open_flags_counted(
    project: Project, *, statuses: Iterable[str] = LIVE_FLAG_STATUSES
) -> list[tuple[str, int]]:
    """Flags per reason in `statuses` (default: open or in review), most first."""
    rows = (
        ProjectFlagCount.objects.filter(project=project, status__in=list(statuses))
        .values("reason")
        .annotate(n=Sum("n"))
        .order_by()
    )
    found = [(row["reason"], int(row["n"])) for row in rows if row["n"]]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))
