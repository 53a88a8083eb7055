"""Reads of the project counters (labeling.ProjectCount, kept by labeling.services.counts).

Each read sums a handful of rows (shards x keys) through the counters' unique index: O(1) in
the size of the project. Callers check the reader's role first.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Sum

from labeling.models import Project, ProjectCount


def project_counts_stored(project_id: int) -> dict[str, int]:
    """The project's counters {key: value} summed over the shards, zeros left out."""
    rows = (
        ProjectCount.objects.filter(project_id=project_id)
        .values("key")
        .annotate(n=Sum("n"))
        .order_by()
    )
    return {row["key"]: row["n"] for row in rows if row["n"]}


def project_progress_counts(project: Project) -> dict[str, int]:
    """Items total / done / in progress / remaining, labels given and labels wanted.

    Done: settled, or with at least its target overlap of annotations (the item's own, else
    the project's overlap now); in progress: unsettled with some but fewer; the rest remain.
    """
    found = {"total": 0, "done": 0, "in_progress": 0, "labels": 0, "wanted": 0}
    rows = ProjectCount.objects.filter(project=project, key__startswith="i:")
    sums = rows.values("key").annotate(n=Sum("n")).order_by()
    for row in sums:
        settled, target_text, count_text = row["key"][2:].split(":")
        n, count = row["n"], int(count_text)
        target = int(target_text) or project.overlap
        found["total"] += n
        found["labels"] += count * n
        found["wanted"] += target * n
        if settled == "1" or count >= target:
            found["done"] += n
        elif count > 0:
            found["in_progress"] += n
    found["remaining"] = found["total"] - found["done"] - found["in_progress"]
    return found


def annotations_per_day(project: Project, start: date, days: int) -> list[tuple[date, int]]:
    """Annotations created on each UTC day from `start`, `days` days, zeros included."""
    end = start + timedelta(days=days - 1)
    rows = (
        ProjectCount.objects.filter(
            project=project, key__gte=f"d:{start.isoformat()}", key__lte=f"d:{end.isoformat()}"
        )
        .values("key")
        .annotate(n=Sum("n"))
        .order_by()
    )
    by_day: dict[str, Any] = {row["key"][2:]: row["n"] for row in rows}
    wanted = [start + timedelta(days=offset) for offset in range(days)]
    return [(day, int(by_day.get(day.isoformat()) or 0)) for day in wanted]
