"""Read-only figures of a project for the lead pages (members and dashboard).

No permission check here: callers check the role first (the pages admit a lead, the dashboard
refresh runs in a worker for a page a lead opened).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Aggregate, Count, F, FloatField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from labeling.choices import AssignmentStatus
from labeling.db.backend import is_postgresql
from labeling.models import Annotation, Item, PrelabelJob, Project
from labeling.values import schema_labels, value_labels
from review.choices import FlagStatus, Verdict
from review.models import AgreementSnapshot, AnnotationReview, Flag
from review.selectors.agreement_counts import label_counts, project_counts_figures

PACE_DAYS = 7
THROUGHPUT_DAYS = 14
OPEN_FLAG_STATUSES = (FlagStatus.OPEN, FlagStatus.IN_REVIEW)


def member_figures(project: Project) -> dict[int, dict[str, Any]]:
    """Per user id: annotations, median lead time (s), agreement with others, acceptance share."""
    figures: dict[int, dict[str, Any]] = defaultdict(dict)
    counts = (
        Annotation.objects.filter(project=project).values("annotator_id").annotate(n=Count("id"))
    )
    for row in counts:
        figures[row["annotator_id"]]["annotations"] = row["n"]
    for user_id, median_ms in _median_lead_times(project).items():
        figures[user_id]["median_seconds"] = median_ms / 1000
    reviews = (
        AnnotationReview.objects.filter(annotation__project=project)
        .values("annotation__annotator_id")
        .annotate(total=Count("id"), accepted=Count("id", filter=Q(verdict=Verdict.ACCEPTED)))
    )
    for row in reviews:
        figures[row["annotation__annotator_id"]]["acceptance"] = row["accepted"] / row["total"]
        figures[row["annotation__annotator_id"]]["reviewed"] = row["total"]
    return dict(figures)


class Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont), computed in the database."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _median_lead_times(project: Project) -> dict[int, float]:
    """Median lead time in ms per annotator id; in SQL on PostgreSQL, in Python elsewhere."""
    rows = Annotation.objects.filter(project=project, lead_time_ms__isnull=False)
    if is_postgresql():
        grouped = rows.values("annotator_id").annotate(median=Median("lead_time_ms"))
        return {row["annotator_id"]: row["median"] for row in grouped}
    times: dict[int, list[int]] = defaultdict(list)
    for user_id, lead_time in rows.values_list("annotator_id", "lead_time_ms").iterator():
        times[user_id].append(lead_time)
    return {user_id: float(statistics.median(values)) for user_id, values in times.items()}


def agreement_by_username(project: Project) -> dict[str, float | None]:
    """Agreement with others per annotator name from the latest snapshot (empty if none)."""
    snapshot = (
        AgreementSnapshot.objects.filter(project=project).order_by("-created_at", "-id").first()
    )
    if snapshot is None:
        return {}
    entries = (snapshot.report or {}).get("per_annotator") or []
    return {
        str(entry.get("annotator")): entry.get("agreement_with_others")
        for entry in entries
        if isinstance(entry, dict)
    }


def progress(project: Project) -> dict[str, Any]:
    """Items done / in progress / remaining, annotations still needed, pace and ETA in days."""
    target = Coalesce(F("target_overlap"), project.overlap)
    settled = Q(final_value__isnull=False)
    counts = Item.objects.filter(project=project).aggregate(
        total=Count("id"),
        done=Count("id", filter=settled | Q(annotation_count__gte=target)),
        started=Count(
            "id", filter=~settled & Q(annotation_count__gt=0, annotation_count__lt=target)
        ),
        labels=Coalesce(Sum("annotation_count"), 0),
        wanted=Coalesce(Sum(target), 0),
    )
    since = timezone.now() - timedelta(days=PACE_DAYS)
    recent = Annotation.objects.filter(project=project, created_at__gte=since).count()
    pace = recent / PACE_DAYS
    needed = max(counts["wanted"] - counts["labels"], 0)
    active = project.assignments.filter(status=AssignmentStatus.ACTIVE).count()
    return {
        "total": counts["total"],
        "done": counts["done"],
        "in_progress": counts["started"],
        "remaining": counts["total"] - counts["done"] - counts["started"],
        "needed": needed,
        "active_leases": active,
        "pace_per_day": pace,
        "eta_days": (needed / pace) if pace and needed else (0.0 if not needed else None),
    }


def label_distribution(project: Project) -> list[tuple[str, int]]:
    """In how many annotations each label was given, in schema order then by count.

    An annotation counts once per label it uses (labeling.values.value_labels): three PER spans
    in one annotation count one PER. Single, multi and rating projects read the sums each
    submit keeps (review.services.agreement_counts) once built, instead of every annotation.
    """
    annotations = Annotation.objects.filter(project=project)
    summed = label_counts(project)  # the agreement sums each submit keeps, when built
    if summed is not None:
        counter = Counter(summed)
    elif project.kind == "single":
        rows = (
            annotations.annotate(label=KeyTextTransform("label", "value"))
            .values("label")
            .annotate(n=Count("id"))
        )
        counter = Counter({row["label"]: row["n"] for row in rows if row["label"] is not None})
    else:
        counter = Counter()
        for value in annotations.values_list("value", flat=True).iterator(chunk_size=5000):
            counter.update(value_labels(value, project.kind))
    return labels_ranked(project, counter)


def labels_ranked(project: Project, counts: dict[str, int]) -> list[tuple[str, int]]:
    """(label, count) in schema order, then other labels by count."""
    order = schema_labels(project.schema)
    return sorted(
        counts.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 999, -kv[1])
    )


def open_flags_by_reason(project: Project) -> list[tuple[str, int]]:
    """Open (or in review) flags per reason, most first."""
    rows = (
        Flag.objects.filter(project=project, status__in=OPEN_FLAG_STATUSES)
        .values("reason")
        .annotate(n=Count("id"))
        .order_by("-n", "reason")
    )
    return [(row["reason"], row["n"]) for row in rows]


def throughput_per_day(project: Project) -> list[tuple[str, int]]:
    """Annotations per calendar day (UTC) over the last THROUGHPUT_DAYS days, zeros included."""
    today = timezone.now().date()
    start = today - timedelta(days=THROUGHPUT_DAYS - 1)
    rows = (
        Annotation.objects.filter(project=project, created_at__date__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    by_day = {row["day"]: row["n"] for row in rows}
    days = [start + timedelta(days=offset) for offset in range(THROUGHPUT_DAYS)]
    return [(day.isoformat(), by_day.get(day, 0)) for day in days]


def prelabel_jobs(project: Project, limit: int = 5) -> list[PrelabelJob]:
    """The newest pre-label jobs of the project."""
    return list(PrelabelJob.objects.filter(project=project).order_by("-id")[:limit])


def agreement_headline(project: Project) -> dict[str, Any] | None:
    """Headline alpha (level of its CI, nominal by default), percent agreement and Fleiss' kappa.

    The point figures come from the sums each submit updates (review.services.agreement_counts:
    current, and no annotation is read); the interval, the accuracy estimate and the method from
    the latest snapshot (the full run). Either alone when the other is missing.
    """
    snapshot = (
        AgreementSnapshot.objects.filter(project=project).order_by("-created_at", "-id").first()
    )
    current = project_counts_figures(project)
    if snapshot is None and current is None:
        return None
    report = (snapshot.report or {}) if snapshot is not None else {}
    interval = report.get("alpha_ci") or {}
    level = interval.get("level", "nominal")
    headline = {
        "level": level,
        "alpha": (report.get("krippendorff_alpha") or {}).get(level),
        "low": interval.get("low"),
        "high": interval.get("high"),
        "percent": report.get("percent_agreement"),
        "fleiss": report.get("fleiss_kappa"),
        "items": report.get("items"),
        "at": snapshot.created_at if snapshot is not None else None,
        # p_wrong summed: likely-wrong labels now and what the review budget's queue would fix.
        "accuracy": report.get("estimated_accuracy"),
        "method": (report.get("aggregation") or {}).get("method"),
        "method_reason": (report.get("aggregation") or {}).get("reason"),
        "live": current is not None,
    }
    # The last full run's figures stay beside the live ones: its alpha is the one the
    # agreement page shows with this interval (one alpha and interval per snapshot).
    headline["snapshot_alpha"], headline["snapshot_at"] = headline["alpha"], headline["at"]
    if current is not None:
        headline |= _current_figures(current)
    return headline


def _current_figures(current: dict[str, Any]) -> dict[str, Any]:
    """The point figures of the sums, rounded as reports round them."""

    def rounded(metric: Any) -> float | None:
        return None if metric.value is None else round(metric.value, 6)

    level = current["level"]
    return {
        "level": level,
        "alpha": rounded(current["krippendorff_alpha"][level]),
        "percent": rounded(current["percent_agreement"]),
        "fleiss": rounded(current["fleiss_kappa"]),
        "items": current["items"],
        "at": current["at"],
    }
